"""/agreements: one-off assignments and SLAs, their parties and their recipients (P3, D2).

Reading is open to every staff role; changing an agreement needs the policy permission
`manage_agreements`. The rules (kinds, dates, recipient bases and categories) belong to the
register services; this router only translates.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router
from ninja.pagination import paginate

from privacydesk.api.auth import require_permission, staff_user
from privacydesk.api.paging import Paged
from privacydesk.api.schemas import ERRORS, ERRORS_404
from privacydesk.register import services
from privacydesk.register.api import lookup
from privacydesk.register.api.schemas import AgreementEndIn, AgreementIn, AgreementOut, PartyIn
from privacydesk.register.models import Agreement
from privacydesk.register.services.agreements import MAX_PARTIES, check_limit

router = Router(tags=["agreements"])
MANAGE = "manage_agreements"


def _full(agreement_id: int) -> Agreement:
    lookup.agreement(agreement_id)
    return Agreement.objects.prefetch_related("parties__person", "recipients").get(
        pk=agreement_id)


@router.get("", response={200: list[AgreementOut], **ERRORS}, summary="List agreements")
@paginate(Paged)
def list_agreements(request: HttpRequest) -> Any:
    staff_user(request)
    return Agreement.objects.order_by("id").prefetch_related("parties__person", "recipients")


@router.get("/{int:agreement_id}", response={200: AgreementOut, **ERRORS_404},
            summary="Read an agreement")
def get_agreement(request: HttpRequest, agreement_id: int) -> Any:
    staff_user(request)
    return _full(agreement_id)


@router.post("", response={201: AgreementOut, **ERRORS},
             summary="Record an agreement with its parties and recipients")
def create_agreement(request: HttpRequest, payload: AgreementIn) -> Any:
    user = require_permission(request, MANAGE)
    check_limit("parties", payload.parties, MAX_PARTIES)   # before a lookup per ref (5.9)
    parties = [lookup.party(ref, f"parties[{i}]") for i, ref in enumerate(payload.parties)]
    agreement = services.create_agreement(
        kind=payload.kind, reference=payload.reference, title=payload.title,
        starts_on=payload.starts_on, ends_on=payload.ends_on, parties=parties,
        recipients=[r.dict() for r in payload.recipients],
        organisation=lookup.named_organisation(payload.organisation), actor=user.username)
    return 201, _full(agreement.pk)


@router.patch("/{int:agreement_id}", response={200: AgreementOut, **ERRORS_404},
              summary="Move an agreement's end date (null: open-ended)")
def change_end(request: HttpRequest, agreement_id: int, payload: AgreementEndIn) -> Any:
    user = require_permission(request, MANAGE)
    services.extend_agreement(lookup.agreement(agreement_id), payload.ends_on,
                              actor=user.username)
    return _full(agreement_id)


@router.post("/{int:agreement_id}/parties", response={201: AgreementOut, **ERRORS_404},
             summary="Add a party (a person, by ref)")
def add_party(request: HttpRequest, agreement_id: int, payload: PartyIn) -> Any:
    user = require_permission(request, MANAGE)
    agreement = lookup.agreement(agreement_id)
    services.add_party(agreement, lookup.party(payload.person, "person"), actor=user.username)
    return 201, _full(agreement_id)
