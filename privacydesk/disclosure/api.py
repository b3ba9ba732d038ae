"""/disclosures: the disclosure log, the gate (D1, D2) and consent requests (D3).

Every operation needs the policy permission "disclose_data" (403 otherwise, Sec3); a staff
member discloses or asks consent only for categories their role may see (Sec1). The rules
are the gate's and the consent service's; this router only translates. Mounted by
privacydesk/project/api.py under the API's default token auth.
"""

# No `from __future__ import annotations`: ninja reads the query parameters' types (UUID)
# at runtime through the pagination wrapper.
from datetime import datetime
from typing import Any
from uuid import UUID

from django.http import HttpRequest
from ninja import Field, Router, Schema
from ninja.pagination import paginate

from privacydesk.api.auth import require_permission
from privacydesk.api.errors import NotFound
from privacydesk.api.paging import Paged
from privacydesk.api.schemas import ERRORS, ERRORS_404
from privacydesk.disclosure import consent as consents
from privacydesk.disclosure import gate
from privacydesk.disclosure.common import staff_may_disclose
from privacydesk.disclosure.models import ConsentRequest, Disclosure
from privacydesk.register.api import lookup

router = Router(tags=["disclosures"])
PERMISSION = "disclose_data"


class DisclosureIn(Schema):
    person: UUID = Field(description="the person's pseudonymous ref")
    recipient: str
    categories: list[str]
    purpose: str = Field(description="a policy purpose key")
    agreement: str | None = Field(None, description="basis: an agreement's reference (D2)")
    legal_obligation: str | None = Field(
        None, max_length=64, description="basis: the id of a legal obligation the policy "
        "declares ([legal_obligations.<id>], D1); its recipients, categories and roles must "
        "cover this disclosure")
    consent: UUID | None = Field(None, description="basis: a granted consent's id (D3)")


class DisclosureOut(Schema):
    id: int
    person_ref: UUID
    recipient: str
    categories: list[str]
    purpose: str
    basis: str
    legal_basis: str
    reference: str = Field(description="agreement reference, legal obligation id or "
                                       "consent id")
    actor: str
    disclosed_at: datetime


class ConsentIn(Schema):
    person: UUID
    recipient: str
    categories: list[str]
    purpose: str
    explanation: str = Field(description="what the recipient does with the data, as the "
                                         "person will read it")
    language: str = "nl"


class ConsentOut(Schema):
    uid: UUID
    person_ref: UUID
    recipient: str
    categories: list[str]
    purpose: str
    explanation: str
    language: str
    state: str = Field(description="pending, lapsed, granted, expired, refused, withdrawn")
    requested_at: datetime
    answered_at: datetime | None
    expires_at: datetime | None
    withdrawn_at: datetime | None

    @staticmethod
    def resolve_state(obj: ConsentRequest) -> str:
        return obj.state()


def _consent(uid: UUID) -> ConsentRequest:
    found = ConsentRequest.objects.filter(uid=uid).first()
    if found is None:
        raise NotFound("uid", "no consent request has this id")
    return found


@router.get("", response={200: list[DisclosureOut], **ERRORS},
            summary="The disclosure log, newest first (filter: person ref, recipient)")
@paginate(Paged)
def list_disclosures(request: HttpRequest, person: UUID | None = None,
                     recipient: str | None = None) -> Any:
    require_permission(request, PERMISSION)
    rows = Disclosure.objects.select_related("consent")
    if person is not None:
        rows = rows.filter(person_ref=person)
    if recipient:
        rows = rows.filter(recipient__icontains=recipient.strip())
    return rows


@router.post("", response={201: DisclosureOut, **ERRORS_404},
             summary="Disclose through the gate (D1-D3); refused with field and rule")
def disclose(request: HttpRequest, payload: DisclosureIn) -> Any:
    user = require_permission(request, PERMISSION)
    staff_may_disclose(user.staff_role, payload.categories)
    row = gate.disclose(lookup.party(payload.person, "person"), payload.recipient,
                        payload.categories, payload.purpose, actor=user.username,
                        agreement=payload.agreement, legal_obligation=payload.legal_obligation,
                        consent=payload.consent)
    return 201, row


@router.get("/consents", response={200: list[ConsentOut], **ERRORS},
            summary="Consent requests, newest first (filter: person ref)")
@paginate(Paged)
def list_consents(request: HttpRequest, person: UUID | None = None) -> Any:
    require_permission(request, PERMISSION)
    rows = ConsentRequest.objects.all()
    return rows.filter(person_ref=person) if person is not None else rows


@router.post("/consents", response={201: ConsentOut, **ERRORS_404},
             summary="Ask a person's consent (D3); the request is e-mailed to them")
def ask_consent(request: HttpRequest, payload: ConsentIn) -> Any:
    user = require_permission(request, PERMISSION)
    staff_may_disclose(user.staff_role, payload.categories)
    asked = consents.request_consent(
        lookup.party(payload.person, "person"), payload.recipient, payload.categories,
        payload.purpose, payload.explanation, actor=user.username, language=payload.language)
    return 201, asked


@router.get("/consents/{uuid:uid}", response={200: ConsentOut, **ERRORS_404},
            summary="Read a consent request")
def get_consent(request: HttpRequest, uid: UUID) -> Any:
    require_permission(request, PERMISSION)
    return _consent(uid)


@router.post("/consents/{uuid:uid}/withdraw", response={200: ConsentOut, **ERRORS_404},
             summary="Record the person's withdrawal (Art. 7(3)); the gate refuses at once")
def withdraw_consent(request: HttpRequest, uid: UUID) -> Any:
    user = require_permission(request, PERMISSION)
    return consents.withdraw_by_staff(_consent(uid), actor=user.username)
