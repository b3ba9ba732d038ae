"""Reading personal data: every read is audited with its purpose (Art. 5(2), Sec4)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from types import MappingProxyType
from typing import Any
from uuid import UUID

from django.db import connection, transaction

from privacydesk.policy.active import get_policy
from privacydesk.register.models import DATUM_MODELS, Email, Name, Person, Role
from privacydesk.register.services.common import (
    check_actor,
    check_use_purpose,
    ensure_usable,
    is_usable,
    record,
)
from privacydesk.vault.blind import blind_index


@dataclass(frozen=True)
class RoleView:
    kind: str
    organisation: str | None
    organisation_id: int | None
    started_on: date
    ended_on: date | None
    active: bool


@dataclass(frozen=True)
class DatumView:
    """One datum with its values decrypted and the facts Art. 15 asks for."""

    id: int
    category: str
    values: Mapping[str, Any]
    source: str
    purpose: str
    legal_basis: str
    agreement: str | None  # the agreement's reference
    created_at: datetime
    updated_at: datetime
    delete_after: date | None
    restricted: bool


@dataclass(frozen=True)
class PersonView:
    """What one read of a person shows. `hidden_categories` were withheld from this reader;
    `withheld_restricted` counts data left out because they are restricted (Art. 18)."""

    person_id: int
    ref: UUID
    created_at: datetime
    restricted: bool
    display_name: str
    roles: tuple[RoleView, ...]
    data: Mapping[str, tuple[DatumView, ...]]
    hidden_categories: tuple[str, ...]
    withheld_restricted: int


def _role_view(role: Role, today: date) -> RoleView:
    org = role.organisation
    return RoleView(kind=role.kind, organisation=org.name if org else None,
                    organisation_id=role.organisation_id, started_on=role.started_on,
                    ended_on=role.ended_on, active=role.is_active_on(today))


def read_person(person: Person, *, actor: str, purpose: str,
                staff_role: str | None = None) -> PersonView:
    """Return the person's roles and data, decrypted, and audit the read as "read".

    With `staff_role`, only the categories the policy lets that role see are shown (Sec1);
    without, every category (system use such as an access report). A restricted person may
    only be read for an Art. 18(2) use (e.g. "access_request"); else RestrictedError.
    """
    check_actor(actor)
    check_use_purpose(purpose)
    ensure_usable(person, purpose)
    policy = get_policy()
    today = date.today()
    shown: dict[str, tuple[DatumView, ...]] = {}
    hidden: list[str] = []
    withheld = 0
    with transaction.atomic():
        for category, model in DATUM_MODELS.items():
            if staff_role is not None and not policy.staff_may_see(staff_role, category):
                hidden.append(category)
                continue
            views = []
            for datum in model._default_manager.filter(person=person).select_related("agreement"):
                datum.person = person  # the AAD needs the ref; spare a query per row
                if not is_usable(datum, purpose):
                    withheld += 1
                    continue
                views.append(DatumView(
                    id=datum.pk, category=category,
                    values=MappingProxyType(datum.get_values()), source=datum.source,
                    purpose=datum.purpose, legal_basis=datum.legal_basis,
                    agreement=datum.agreement.reference if datum.agreement else None,
                    created_at=datum.created_at, updated_at=datum.updated_at,
                    delete_after=datum.delete_after, restricted=datum.restricted))
            if views:
                shown[category] = tuple(views)
        roles = tuple(_role_view(r, today)
                      for r in person.roles.select_related("organisation").all())
        names = shown.get("names")
        display = Name.compose(dict(names[0].values)) if names else str(person.ref)
        record("read", person, actor=actor, person=person, purpose=purpose,
               detail={"categories": sorted(shown), "staff_role": staff_role})
    return PersonView(person_id=person.pk, ref=person.ref, created_at=person.created_at,
                      restricted=person.restricted, display_name=display, roles=roles,
                      data=MappingProxyType(shown), hidden_categories=tuple(hidden),
                      withheld_restricted=withheld)


_LOOKUP_SQL: str | None = None


def _lookup_sql() -> str:
    global _LOOKUP_SQL
    if _LOOKUP_SQL is None:
        person, email = Person._meta.db_table, Email._meta.db_table
        _LOOKUP_SQL = (
            f'SELECT p."id", p."ref", p."restricted" FROM "{person}" p '  # noqa: S608
            f'JOIN "{email}" e ON e."person_id" = p."id" '
            f'WHERE e."address_index" = %s ORDER BY e."id" LIMIT 1')
    return _LOOKUP_SQL


def find_person_by_email(email: str) -> Person | None:
    """Return the person holding `email` (any case), the earliest if several; else None.

    One indexed query on the blind index (HMAC of the normalised address): the addresses
    themselves are never decrypted or scanned. The Person comes back with `created_at` and
    `restricted_reason` deferred. Not audited: it reveals no data, only which ref matches.
    """
    if not isinstance(email, str) or not email.strip():
        return None
    index = blind_index(email, kind="email")
    with connection.cursor() as cursor:
        cursor.execute(_lookup_sql(), [index])
        row = cursor.fetchone()
    if row is None:
        return None
    fields = Person._meta
    return Person.from_db(connection.alias, ["id", "ref", "restricted"], [
        row[0], fields.get_field("ref").to_python(row[1]),
        fields.get_field("restricted").to_python(row[2])])
