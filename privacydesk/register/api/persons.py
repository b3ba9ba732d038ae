"""/persons: list and look up by e-mail, read one (audited), register one.

A person is addressed by `ref` (pseudonymous UUID), never by row id. Listing shows refs and
roles only; the personal data come with the detail, which is an audited read with a stated
purpose (Sec1, Art. 5(1)(b)) and shows only the categories the token's staff role may see.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.conf import settings
from django.http import HttpRequest
from ninja import Query, Router, Schema

from privacydesk.api.auth import staff_user
from privacydesk.api.paging import MAX_LIMIT, MAX_OFFSET
from privacydesk.api.schemas import ERRORS, ERRORS_404
from privacydesk.register import services
from privacydesk.register.api import lookup
from privacydesk.register.api.schemas import DatumOut, PersonDetailOut, PersonIn, PersonOut
from privacydesk.register.models import Datum, Person
from privacydesk.staff.permissions import visible_categories

router = Router(tags=["persons"])


def datum_out(datum: Datum) -> DatumOut:
    """A stored datum as the writer sees it after a write (its role may see the category)."""
    agreement = datum.agreement.reference if datum.agreement is not None else None
    return DatumOut(id=datum.pk, category=datum.CATEGORY, values=datum.get_values(),
                    source=datum.source, purpose=datum.purpose, legal_basis=datum.legal_basis,
                    agreement=agreement, delete_after=datum.delete_after,
                    restricted=datum.restricted)


class PagedPersonOut(Schema):
    """One page of persons and how many there are in all."""

    items: list[PersonOut]
    count: int


@router.get("", response={200: PagedPersonOut, **ERRORS}, summary="List or find persons")
def list_persons(request: HttpRequest, email: str | None = None,
                 limit: int = Query(settings.NINJA_PAGINATION_PER_PAGE, ge=1,  # type: ignore[type-arg]
                                    le=MAX_LIMIT),
                 offset: int = Query(0, ge=0, le=MAX_OFFSET)) -> Any:  # type: ignore[type-arg]
    """All persons (refs and roles), or the one with `email` (found through the blind
    index, never a scan; an empty list when nobody has it)."""
    staff_user(request)
    if email is None:
        persons = Person.objects.order_by("id").prefetch_related("roles")
        return {"items": list(persons[offset:offset + limit]), "count": persons.count()}
    found = services.find_person_by_email(email)
    items = [] if found is None else [found]
    return {"items": items[offset:offset + limit], "count": len(items)}


@router.get("/{uuid:ref}", response={200: PersonDetailOut, **ERRORS_404},
            summary="Read a person (audited)")
def read_person(request: HttpRequest, ref: UUID,
                purpose: str = Query(..., description="why you read: a policy purpose "  # type: ignore[type-arg]
                                     "or access_request, rectification, ...")) -> Any:
    """The person's roles and the data of every category the token's role may see.

    Each call appends a "read" entry (who, whom by ref, why) to the audit chain.
    """
    user = staff_user(request)
    person = lookup.person(ref)
    view = services.read_person(person, actor=user.username, purpose=purpose,
                                staff_role=user.staff_role)
    visible = visible_categories(user)
    # read_person already leaves out what the role may not see; the second filter keeps
    # the response honest even if a caller forgets staff_role one day (Sec1).
    data = {category: [DatumOut.from_orm(d) for d in items]
            for category, items in view.data.items() if category in visible}
    return PersonDetailOut(**PersonOut.from_orm(person).dict(), data=data)


@router.post("", response={201: PersonOut, **ERRORS}, summary="Register a person")
def create_person(request: HttpRequest, payload: PersonIn) -> Any:
    user = staff_user(request)
    person = services.create_person(actor=user.username, purpose=payload.purpose,
                                    source=payload.source)
    return 201, PersonOut.from_orm(person)

