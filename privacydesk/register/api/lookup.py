"""Finding what a register route names, or answering 404 (rule "exists") naming the path field."""

from __future__ import annotations

from uuid import UUID

from privacydesk.api.errors import NotFound
from privacydesk.policy.errors import RuleViolation
from privacydesk.register.models import DATUM_MODELS, Agreement, Datum, Organisation, Person, Role


def person(ref: UUID) -> Person:
    """The person with pseudonymous `ref`; persons are never addressed by row id."""
    found = Person.objects.filter(ref=ref).first()
    if found is None:
        raise NotFound("ref", "no person has this ref")
    return found


def organisation(org_id: int) -> Organisation:
    found = Organisation.objects.filter(pk=org_id).first()
    if found is None:
        raise NotFound("organisation_id", "no organisation has this id")
    return found


def named_organisation(org_id: int | None, field: str = "organisation") -> Organisation | None:
    """The organisation a body field names; a wrong id is bad input (422), not a 404."""
    if org_id is None:
        return None
    found = Organisation.objects.filter(pk=org_id).first()
    if found is None:
        raise RuleViolation(field, "exists", f"no organisation has id {org_id}")
    return found


def role(owner: Person, role_id: int) -> Role:
    found = Role.objects.filter(person=owner, pk=role_id).first()
    if found is None:
        raise NotFound("role_id", "this person has no role with this id")
    return found


def datum(owner: Person, category: str, datum_id: int) -> Datum:
    """The datum of `owner`; the category was checked against the policy by the caller."""
    model = DATUM_MODELS.get(category)
    rows = model._default_manager.filter(person=owner, pk=datum_id) if model else None
    found = rows.first() if rows is not None else None
    if found is None:
        raise NotFound("datum_id", f"this person has no {category} datum with this id")
    return found


def agreement(agreement_id: int) -> Agreement:
    found = Agreement.objects.filter(pk=agreement_id).first()
    if found is None:
        raise NotFound("agreement_id", "no agreement has this id")
    return found


def agreement_by_reference(reference: str | None, field: str = "agreement") -> Agreement | None:
    """The agreement a body field names by reference; None when the field is empty.

    A reference to nothing is bad input (422, rule "exists"), not a missing resource."""
    if not reference:
        return None
    found = Agreement.objects.filter(reference=reference).first()
    if found is None:
        raise RuleViolation(field, "exists", f"no agreement has reference {reference!r}")
    return found
