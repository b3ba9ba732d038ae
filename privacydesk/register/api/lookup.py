"""Finding what a register route names, or answering 404 (rule "exists") naming the path field."""

from __future__ import annotations

from typing import TypeVar
from uuid import UUID

from django.db.models import Model, QuerySet

from privacydesk.api.errors import NotFound
from privacydesk.policy.errors import RuleViolation
from privacydesk.register.models import DATUM_MODELS, Agreement, Datum, Organisation, Person, Role

M = TypeVar("M", bound=Model)


def _one(rows: QuerySet[M], missing: Exception) -> M:
    found = rows.first()
    if found is None:
        raise missing
    return found


def person(ref: UUID) -> Person:
    """The person with pseudonymous `ref`; persons are never addressed by row id."""
    return _one(Person.objects.filter(ref=ref), NotFound("ref", "no person has this ref"))


def party(ref: UUID, field: str) -> Person:
    """The person a body field names by ref; a wrong ref is bad input (422), not a 404."""
    return _one(Person.objects.filter(ref=ref),
                RuleViolation(field, "exists", "no person has this ref"))


def organisation(org_id: int) -> Organisation:
    return _one(Organisation.objects.filter(pk=org_id),
                NotFound("organisation_id", "no organisation has this id"))


def named_organisation(org_id: int | None, field: str = "organisation") -> Organisation | None:
    """The organisation a body field names; a wrong id is bad input (422), not a 404."""
    if org_id is None:
        return None
    return _one(Organisation.objects.filter(pk=org_id),
                RuleViolation(field, "exists", f"no organisation has id {org_id}"))


def role(owner: Person, role_id: int) -> Role:
    return _one(Role.objects.filter(person=owner, pk=role_id),
                NotFound("role_id", "this person has no role with this id"))


def datum(owner: Person, category: str, datum_id: int) -> Datum:
    """The datum of `owner`; the category was checked against the policy by the caller."""
    return _one(DATUM_MODELS[category]._default_manager.filter(person=owner, pk=datum_id),
                NotFound("datum_id", f"this person has no {category} datum with this id"))


def agreement(agreement_id: int) -> Agreement:
    return _one(Agreement.objects.filter(pk=agreement_id),
                NotFound("agreement_id", "no agreement has this id"))


def agreement_by_reference(reference: str | None, field: str = "agreement") -> Agreement | None:
    """The agreement a body field names by reference; None when the field is empty.

    A reference to nothing is bad input (422, rule "exists"), not a missing resource."""
    if not reference:
        return None
    return _one(Agreement.objects.filter(reference=reference),
                RuleViolation(field, "exists", f"no agreement has reference {reference!r}"))
