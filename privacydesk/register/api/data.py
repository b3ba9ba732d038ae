"""/persons/{ref}/data/{category}: add, change and delete one datum of a category.

The token's staff role must be allowed to see the category (Sec1): a sales token cannot
write identity data any more than it can read them. Every other rule — C1 source, C2..C5
who may hold what, Art. 5/6 purpose and basis, P3 agreement, field formats, Art. 18 — is
asked by `register.services`, in one transaction; a refused write stores nothing.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.http import HttpRequest
from ninja import Query, Router

from privacydesk.api.auth import require_category
from privacydesk.api.schemas import ERRORS_404
from privacydesk.policy.errors import RuleViolation
from privacydesk.register import services
from privacydesk.register.api import lookup
from privacydesk.register.api.persons import datum_out
from privacydesk.register.api.schemas import DatumIn, DatumOut, DatumUpdateIn
from privacydesk.register.fields import FIELDS
from privacydesk.staff.models import StaffUser

router = Router(tags=["data"])


def _in_body(category: str, exc: RuleViolation) -> RuleViolation:
    # The services name a category's field bare ("address"); in the request it sits
    # under "values", so say "values.address" to point at the input.
    names = {spec.name for spec in FIELDS.get(category, ())}
    if exc.field in names and exc.rule in ("format", "required"):
        exc.field = f"values.{exc.field}"
    return exc


def _writer(request: HttpRequest, category: str) -> StaffUser:
    # C2 first: a category the policy does not declare is bad input (422), whoever asks;
    # then Sec1: a declared category the role may not see is refused (403).
    services.model_for(category)
    return require_category(request, category)


@router.post("/{uuid:ref}/data/{category}", response={201: DatumOut, **ERRORS_404},
             summary="Add a datum of a category")
def add_datum(request: HttpRequest, ref: UUID, category: str, payload: DatumIn) -> Any:
    user = _writer(request, category)
    person = lookup.person(ref)
    agreement = lookup.agreement_by_reference(payload.agreement)
    try:
        datum = services.add_datum(person, category, payload.values, source=payload.source,
                                   purpose=payload.purpose, basis=payload.legal_basis,
                                   actor=user.username, agreement=agreement)
    except RuleViolation as exc:
        raise _in_body(category, exc) from None
    return 201, datum_out(datum)


@router.patch("/{uuid:ref}/data/{category}/{int:datum_id}",
              response={200: DatumOut, **ERRORS_404}, summary="Change a datum")
def update_datum(request: HttpRequest, ref: UUID, category: str, datum_id: int,
                 payload: DatumUpdateIn) -> Any:
    user = _writer(request, category)
    datum = lookup.datum(lookup.person(ref), category, datum_id)
    try:
        datum = services.update_datum(datum, payload.values, actor=user.username,
                                      purpose=payload.purpose)
    except RuleViolation as exc:
        raise _in_body(category, exc) from None
    return datum_out(datum)


@router.delete("/{uuid:ref}/data/{category}/{int:datum_id}",
               response={204: None, **ERRORS_404}, summary="Delete a datum")
def delete_datum(request: HttpRequest, ref: UUID, category: str, datum_id: int,
                 purpose: str = Query(..., description="why: e.g. erasure")) -> Any:  # type: ignore[type-arg]
    user = _writer(request, category)
    datum = lookup.datum(lookup.person(ref), category, datum_id)
    services.delete_datum(datum, actor=user.username, purpose=purpose)
    return 204, None
