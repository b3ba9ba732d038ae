"""Reading personal data: every read is audited with its purpose (Art. 5(2), Sec4)."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from types import MappingProxyType
from typing import Any, TypeVar
from uuid import UUID

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models.base import ModelState

from privacydesk import rawsql
from privacydesk.policy import clock
from privacydesk.policy.active import get_policy
from privacydesk.register.models import DATUM_MODELS, Email, Name, Person
from privacydesk.register.services import raw_read
from privacydesk.register.services.common import (
    USES_ALLOWED_WHILE_RESTRICTED,
    check_actor,
    check_use_purpose,
    ensure_usable,
)
from privacydesk.register.services.raw_read import Statement
from privacydesk.vault.append import append_after
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
    One SELECT for every category's data and one for the roles, on the DB-API cursor
    (`raw_read`), and the audit entry appended with them as one unit
    (`vault.append.append_after`: on PostgreSQL in two round trips, one transaction; on
    SQLite in one BEGIN IMMEDIATE ... COMMIT).
    """
    return read_person_with(person, actor=actor, purpose=purpose, staff_role=staff_role)[0]


def read_person_with(person: Person, *, actor: str, purpose: str,
                     staff_role: str | None = None, also: Sequence[Statement] = ()
                     ) -> tuple[PersonView, list[list[tuple[Any, ...]]]]:
    """`read_person`, and the rows of the further SELECT `also` statements ((sql, params),
    the caller's own reads about this person, e.g. the access report's), read with the
    person's data: on PostgreSQL in the same round trip and the same transaction as the
    audit entry. Every rule and the audit entry are `read_person`'s."""
    def shape(found: list[list[tuple[Any, ...]]], db: Any) -> tuple[PersonView, list[str]]:
        view = _view(person, purpose, staff_role, found, db)
        return view, sorted(view.data)

    return _audited_read(person, actor, purpose, staff_role, also, shape)


@dataclass(frozen=True)
class PersonRows:
    """What `read_person_rows` read of a person, without the views: `data` holds
    `raw_read.datum_fields`' tuples of the data shown (category in `DATUM_MODELS` order,
    then id; values decrypted), `roles` `raw_read.roles_from`'s lists ([kind, organisation
    id, started_on, ended_on, organisation name], by started_on, id)."""

    ref: str  # the person's ref, as text
    restricted: bool
    roles: list[list[Any]]
    data: list[tuple[Any, ...]]


def read_person_rows(person: Person, *, actor: str, purpose: str,
                     also: Sequence[Statement] = (), db: Any = None
                     ) -> tuple[PersonRows, list[list[tuple[Any, ...]]]]:
    """`read_person_with` for a system use that sees every category (no staff role), for
    a caller that builds its own document from the row fields (the access report: one
    datum view per datum cost as much as its SQL, bench/bench_requests.py). The same rules
    (a restricted datum shown only for an Art. 18(2) use), the same SELECTs and the same
    audit entry (Sec4) as `read_person_with` with `staff_role=None`. `db`: the default
    database's connection, if the caller holds it already."""
    ref = str(person.ref)

    def shape(found: list[list[tuple[Any, ...]]], db: Any) -> tuple[PersonRows, list[str]]:
        fields = raw_read.datum_fields(found[0], ref, None, db, _references(found, db))
        if purpose not in USES_ALLOWED_WHILE_RESTRICTED:
            fields = [f for f in fields if not f[9]]  # is_usable's rule for a datum
        rows = PersonRows(ref, person.restricted, raw_read.roles_from(found[1], db), fields)
        return rows, sorted({f[0] for f in fields})

    return _audited_read(person, actor, purpose, None, also, shape, ref, db)


def _references(found: list[list[tuple[Any, ...]]], db: Any) -> dict[int, str] | None:
    """PostgreSQL: the agreement references read beside the data (`reference_statement`)."""
    return dict(found[2]) if len(found) > 2 and db.vendor != "sqlite" else None


T = TypeVar("T")


def _audited_read(person: Person, actor: str, purpose: str, staff_role: str | None,
                  also: Sequence[Statement],
                  shape: Callable[[list[list[tuple[Any, ...]]], Any], tuple[T, list[str]]],
                  ref: str | None = None, db: Any = None
                  ) -> tuple[T, list[list[tuple[Any, ...]]]]:
    """Check the read, run the person's SELECTs and `also` with the audit entry as one unit
    (`vault.append.append_after`, Sec4) and return (`shape`'s result from the person's
    rows, the rows of `also`). `shape` returns its result and the categories shown, which
    the entry records."""
    check_actor(actor)
    check_use_purpose(purpose)
    ensure_usable(person, purpose)
    if db is None:
        db = connections[DEFAULT_DB_ALIAS]
    statements = [raw_read.datum_statement(person.pk, db), raw_read.role_statement(person.pk, db)]
    references = raw_read.reference_statement(person.pk, db)
    if references is not None:
        statements.append(references)
    own = len(statements)

    def entry_of(found: list[list[tuple[Any, ...]]]
                 ) -> tuple[tuple[T, list[list[tuple[Any, ...]]]], dict[str, Any]]:
        result, categories = shape(found, db)
        return (result, found[own:]), {
            "actor": actor, "action": "read", "object_type": _PERSON_LABEL,
            "object_id": str(person.pk), "person_ref": ref or str(person.ref),
            "purpose": purpose,
            "detail": {"categories": categories, "staff_role": staff_role}}

    result: tuple[T, list[list[tuple[Any, ...]]]] = append_after([*statements, *also], entry_of,
                                                                 db)
    return result


_PERSON_LABEL = Person._meta.label_lower


def _view(person: Person, purpose: str, staff_role: str | None,
          found: list[list[tuple[Any, ...]]], db: Any) -> PersonView:
    """The PersonView of the rows `read_person_with` read (data, roles, references)."""
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
    references = _references(found, db)
    for (category, pk, values, source, use, basis, created_at, updated_at, delete_after,
         restricted, _, agreement) in raw_read.datum_fields(found[0], str(person.ref), wanted,
                                                            db, references):
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
        for kind, org_id, start, end, org_name in raw_read.roles_from(found[1], db))
    names = shown.get("names")
    display = Name.compose(dict(names[0].values)) if names else str(person.ref)
    return PersonView(person_id=person.pk, ref=person.ref, created_at=person.created_at,
                      restricted=person.restricted, display_name=display, roles=roles,
                      data=MappingProxyType({c: tuple(v) for c, v in shown.items()}),
                      hidden_categories=tuple(hidden),
                      withheld_restricted=withheld)


_LOOKUP_SQL: str | None = None


def _lookup_sql() -> str:
    global _LOOKUP_SQL
    if _LOOKUP_SQL is None:
        person, email = Person._meta.db_table, Email._meta.db_table
        # A scalar subquery, not a join: SQLite then probes the index once and the person
        # by primary key, without the join's ordering step (bench/: as cheap as the bare
        # indexed SELECT). "ORDER BY id" keeps the contract: the earliest datum wins.
        _LOOKUP_SQL = (
            f'SELECT p."id", p."ref", p."created_at", p."restricted" '  # noqa: S608
            f'FROM "{person}" p WHERE p."id" = (SELECT e."person_id" FROM "{email}" e '
            f'WHERE e."address_index" = %s ORDER BY e."id" LIMIT 1)')
    return _LOOKUP_SQL


_REF = Person._meta.get_field("ref")


def _lookup_row(index: str) -> tuple[Any, ...] | None:
    """Run the lookup query for one blind index; (id, ref, created_at, restricted) or None.

    Hot path (bench/: at most 3x the bare indexed query plus the HMAC), so it runs on the
    DB-API cursor (`privacydesk.rawsql`).
    """
    rows = rawsql.fetch_all(_lookup_sql(), (index,), connections[DEFAULT_DB_ALIAS])
    return rows[0] if rows else None


def find_person_by_email(email: str) -> Person | None:
    """Return the person holding `email` (any case), the earliest if several; else None.

    One indexed query on the blind index (HMAC of the normalised address): the addresses
    themselves are never decrypted or scanned. The Person comes back with
    `restricted_reason` deferred. Not audited: it reveals no data, only which ref matches.
    """
    if not isinstance(email, str) or not email.strip():
        return None
    row = _lookup_row(blind_index(email, kind="email"))
    if row is None:
        return None
    return _loaded_person(row, connections[DEFAULT_DB_ALIAS])


def _loaded_person(row: tuple[Any, ...], db: Any) -> Person:
    """A Person as `Person.from_db` would build it from (id, ref, created_at, restricted),
    with `restricted_reason` deferred (not in __dict__; reading it loads it).

    Model.__init__ walks every field and sends pre_init/post_init (no receiver here) at
    several times the cost of the query on this hot path, so the loaded state is set
    directly; tests/register prove the instance equal to the ORM's.
    """
    created_at = row[2]
    if isinstance(created_at, str):  # SQLite keeps datetimes as ISO text
        created_at = datetime.fromisoformat(created_at)
    if created_at.tzinfo is None and settings.USE_TZ:
        created_at = created_at.replace(tzinfo=db.timezone)  # timezone.make_aware
    person = Person.__new__(Person)
    state = ModelState()
    state.adding, state.db = False, db.alias
    person.__dict__.update(_state=state, id=row[0], ref=_REF.to_python(row[1]),
                           created_at=created_at, restricted=bool(row[3]))
    return person
