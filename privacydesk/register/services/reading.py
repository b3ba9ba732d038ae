"""Reading personal data: every read is audited with its purpose (Art. 5(2), Sec4)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from operator import attrgetter
from types import MappingProxyType
from typing import Any, TypeVar
from uuid import UUID

from django.db import connections, transaction

from privacydesk.policy import clock
from privacydesk.policy.active import get_policy
from privacydesk.register.models import (
    DATUM_MODELS,
    Agreement,
    Datum,
    Email,
    Name,
    Person,
    Role,
)
from privacydesk.register.services.common import (
    USES_ALLOWED_WHILE_RESTRICTED,
    check_actor,
    check_use_purpose,
    ensure_usable,
)
from privacydesk.vault.append import append
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


def read_person(person: Person, *, actor: str, purpose: str,
                staff_role: str | None = None) -> PersonView:
    """Return the person's roles and data, decrypted, and audit the read as "read".

    With `staff_role`, only the categories the policy lets that role see are shown (Sec1);
    without, every category (system use such as an access report). A restricted person may
    only be read for an Art. 18(2) use (e.g. "access_request"); else RestrictedError.
    The reads and the audit entry are one transaction (Sec4): a read that fails appends
    nothing, an entry that is refused returns nothing.
    """
    def shape() -> tuple[PersonView, list[str]]:
        view = _view(person, purpose, staff_role)
        return view, sorted(view.data)

    return _audited_read(person, actor, purpose, staff_role, shape)


@dataclass(frozen=True)
class PersonRows:
    """What `read_person_rows` read of a person, without the views: `data` holds one tuple
    per datum shown (category, id, values, source, purpose, legal_basis, created_at,
    updated_at, delete_after, restricted, agreement id, agreement reference; category in
    `DATUM_MODELS` order, then id; values decrypted), `roles` one list per role ([kind,
    organisation id, started_on, ended_on, organisation name], by started_on, id)."""

    ref: str  # the person's ref, as text
    restricted: bool
    roles: list[list[Any]]
    data: list[tuple[Any, ...]]


def read_person_rows(person: Person, *, actor: str, purpose: str) -> PersonRows:
    """`read_person` for a system use that sees every category (no staff role), for a
    caller that builds its own document from the row fields (the access report). The same
    rules (a restricted datum shown only for an Art. 18(2) use), the same reads and the
    same audit entry (Sec4) as `read_person` with `staff_role=None`."""
    def shape() -> tuple[PersonRows, list[str]]:
        fields = _datum_fields(person, None)
        if purpose not in USES_ALLOWED_WHILE_RESTRICTED:
            fields = [f for f in fields if not f[9]]  # is_usable's rule for a datum
        rows = PersonRows(str(person.ref), person.restricted, _role_rows(person.pk), fields)
        return rows, sorted({f[0] for f in fields})

    return _audited_read(person, actor, purpose, None, shape)


T = TypeVar("T")


def _audited_read(person: Person, actor: str, purpose: str, staff_role: str | None,
                  shape: Callable[[], tuple[T, list[str]]]) -> T:
    """Check the read, then run `shape` (the reads) and append the audit entry in one
    transaction (Sec4) and return `shape`'s result. `shape` returns its result and the
    categories shown, which the entry records."""
    check_actor(actor)
    check_use_purpose(purpose)
    ensure_usable(person, purpose)
    # No savepoint inside a caller's transaction: a read that fails must fail the caller's
    # work too (the access report's other reads share the entry's transaction, Sec4).
    with transaction.atomic(savepoint=False):
        result, categories = shape()
        append([{"actor": actor, "action": "read", "object_type": _PERSON_LABEL,
                 "object_id": str(person.pk), "person_ref": str(person.ref),
                 "purpose": purpose,
                 "detail": {"categories": categories, "staff_role": staff_role}}])
    return result


_PERSON_LABEL = Person._meta.label_lower


def _datum_fields(person: Person, categories: Sequence[str] | None) -> list[tuple[Any, ...]]:
    """The person's data as `PersonRows.data` tuples, only `categories` when given, sealed
    fields decrypted by the model itself (`get_values`). DecryptionError if a value was
    altered or moved to another person."""
    # Per table no ORDER BY and no join to the agreement: the id order is restored here
    # and the references come from one read of the agreements used.
    read: list[tuple[str, Datum]] = []
    for category, model in DATUM_MODELS.items():
        if categories is not None and category not in categories:
            continue
        rows = list(model._default_manager.raw(_select_of_person(model), [person.pk]))
        rows.sort(key=attrgetter("pk"))
        read += [(category, datum) for datum in rows]
    used = {datum.agreement_id for _, datum in read if datum.agreement_id is not None}
    references: dict[int | None, str] = dict(
        Agreement.objects.filter(pk__in=used).order_by().values_list("pk", "reference")
    ) if used else {}
    found: list[tuple[Any, ...]] = []
    for category, datum in read:
        datum.person = person  # the sealed values' AAD names the ref: no query for it
        found.append((category, datum.pk, datum.get_values(), datum.source,
                      datum.purpose, datum.legal_basis, datum.created_at,
                      datum.updated_at, datum.delete_after, datum.restricted,
                      datum.agreement_id, references.get(datum.agreement_id)))
    return found


_SELECTS: dict[tuple[str, type[Datum]], str] = {}


def _select_of_person(model: type[Datum]) -> str:
    """The ORM's own SELECT of one person's rows of `model` (every column, no ORDER BY),
    with the person's id as its one parameter; compiled once per process and database."""
    # Row "GET /api/v1/requests/{uid}/report, <= 5x the floor" (bench/run.py): compiling
    # the seven category SELECTs on every read cost more than running them.
    vendor = connections[model._default_manager.db].vendor
    sql = _SELECTS.get((vendor, model))
    if sql is None:
        query = model._default_manager.filter(person_id=0).order_by().query
        sql, params = query.sql_with_params()
        if params != (0,):  # the person's id must be the statement's only parameter
            raise RuntimeError(f"unexpected parameters {params!r} in {model.__name__}'s read")
        _SELECTS[(vendor, model)] = sql
    return sql


def _role_rows(person_id: int) -> list[list[Any]]:
    """The person's roles as [kind, organisation id, started_on, ended_on, organisation
    name], in the model's order (started_on, id)."""
    # Sorted here, not by ORDER BY: see `_datum_fields`.
    rows = sorted(Role.objects.filter(person_id=person_id).order_by().values_list(
        "started_on", "id", "kind", "organisation_id", "ended_on", "organisation__name"))
    return [[kind, org, start, end, name] for start, _, kind, org, end, name in rows]


def _view(person: Person, purpose: str, staff_role: str | None) -> PersonView:
    """The PersonView of one read of the person's data and roles."""
    policy = get_policy()
    today = clock.today()
    if staff_role is None:
        hidden: list[str] = []
        wanted = None
    else:
        hidden = [c for c in DATUM_MODELS if not policy.staff_may_see(staff_role, c)]
        wanted = [c for c in DATUM_MODELS if c not in hidden]
    # The person passed ensure_usable, so a datum is usable unless it is restricted
    # itself and the purpose is not an Art. 18(2) use (is_usable's rule for a datum).
    rights_use = purpose in USES_ALLOWED_WHILE_RESTRICTED
    shown: dict[str, list[DatumView]] = {}
    withheld = 0
    for (category, pk, values, source, use, basis, created_at, updated_at, delete_after,
         restricted, _, agreement) in _datum_fields(person, wanted):
        if restricted and not rights_use:
            withheld += 1
            continue
        shown.setdefault(category, []).append(DatumView(
            id=pk, category=category, values=MappingProxyType(values), source=source,
            purpose=use, legal_basis=basis, agreement=agreement, created_at=created_at,
            updated_at=updated_at, delete_after=delete_after, restricted=restricted))
    roles = tuple(
        RoleView(kind=kind, organisation=org_name, organisation_id=org_id,
                 started_on=start, ended_on=end,
                 active=start <= today and (end is None or end >= today))
        for kind, org_id, start, end, org_name in _role_rows(person.pk))
    names = shown.get("names")
    display = Name.compose(dict(names[0].values)) if names else str(person.ref)
    return PersonView(person_id=person.pk, ref=person.ref, created_at=person.created_at,
                      restricted=person.restricted, display_name=display, roles=roles,
                      data=MappingProxyType({c: tuple(v) for c, v in shown.items()}),
                      hidden_categories=tuple(hidden),
                      withheld_restricted=withheld)


def find_person_by_email(email: str) -> Person | None:
    """Return the person holding `email` (any case), the earliest if several; else None.

    One indexed query on the blind index (HMAC of the normalised address): the addresses
    themselves are never decrypted or scanned. The Person comes back with
    `restricted_reason` deferred. Not audited: it reveals no data, only which ref matches.
    """
    if not isinstance(email, str) or not email.strip():
        return None
    # The index is probed once and the person read by primary key; "ORDER BY id" keeps the
    # contract that the earliest datum wins. Built by `from_db` from the loaded values, as
    # a queryset builds it: `defer()` cost more than the query (API lookup row).
    earliest = (Email.objects.filter(address_index=blind_index(email, kind="email"))
                .order_by("id").values_list("person_id", flat=True)[:1])
    row = Person.objects.filter(pk__in=earliest).order_by().values_list(*_LISTED)[:1]
    found = next(iter(row), None)
    return None if found is None else Person.from_db(row.db, _LISTED, found)


_LISTED = ("id", "ref", "created_at", "restricted")  # all but restricted_reason
