"""A new person whole, written with bulk inserts: the import's new rows (#16.4 "Speed").

Contract:
- `NewPerson(actor=, purpose=, source=)` and its `add_role`, `add_party`, `add_datum` and
  `link_external_id` ask the rules of `create_person`, `add_role`, `add_party`, `add_datum`
  and `link_external_id`, through the same functions and in the same order, and raise the
  same RuleViolation; they write nothing. What those services read from the database for
  a stored person is taken from what this one was given: C2..C5 ask the roles added here
  that are active today, P3 the agreements it was made a party to here (a new person has
  no other).
- `create_new_person(new)` stores it: inside `batch()` it joins the batch's queue and is
  written with the batch's other new persons, one bulk insert per table, when the batch
  ends or at `Batch.flush()`; outside a batch at once, as a batch of its own. It stores
  exactly the rows the single services store for the same calls (same values, seals,
  blind indexes, sources), and its audit entries are theirs, in their order, at the place
  in the batch's entries where it was called (Sec1). The deletion dates follow at the
  batch's end (R1, `persons_changed`). Once written, `new.person` and every object its
  methods returned carry their primary keys.
- A NewPerson is stored once: a method called after `create_new_person` raises RuntimeError.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date
from typing import Any

from django.db import connections, models, router
from django.utils import timezone

from privacydesk.policy import clock
from privacydesk.policy.errors import RuleViolation
from privacydesk.register.models import (
    Agreement,
    AgreementParty,
    Datum,
    ExternalId,
    Organisation,
    Person,
    Role,
)
from privacydesk.register.services import batching
from privacydesk.register.services.agreements import party_detail
from privacydesk.register.services.common import check_actor, entry
from privacydesk.register.services.data import (
    check_agreement,
    check_may_hold,
    checked_values,
    created_detail,
    new_datum,
)
from privacydesk.register.services.external import checked_link
from privacydesk.register.services.people import check_new_person, checked_role


class NewPerson:
    """A person not yet stored, with the roles, parties, data and links to store with them
    (see the module's contract)."""

    def __init__(self, *, actor: str, purpose: str, source: str) -> None:
        check_new_person(actor=actor, purpose=purpose, source=source)
        self.actor = actor
        self.person = Person()  # its pseudonymous ref is made here: seals are bound to it
        self.roles: list[Role] = []
        self._kinds: set[str] = set()  # the kinds of the roles active today
        self.parties: list[AgreementParty] = []
        self.data: list[Datum] = []
        self.links: list[tuple[ExternalId, dict[str, Datum]]] = []
        # The audit entries and what each is about: its id is known once it is written.
        self.entries: list[tuple[dict[str, Any], models.Model]] = []
        self._audit("create", self.person, purpose=purpose, detail={"source": source})
        self._stored = False

    def _open(self) -> None:
        if self._stored:
            raise RuntimeError("this new person is stored already; change them through the "
                               "register's services")

    def _audit(self, action: str, obj: models.Model, *, purpose: str = "",
               detail: dict[str, Any]) -> None:
        self.entries.append((entry(action, obj, actor=self.actor, person=self.person,
                                   purpose=purpose, detail=detail), obj))

    def add_role(self, kind: str, *, organisation: Organisation | None = None,
                 started_on: date | None = None) -> Role:
        """Give the person a role, by `add_role`'s rules (S1)."""
        self._open()
        role = checked_role(self.person, kind, actor=self.actor, organisation=organisation,
                            started_on=started_on)
        self.roles.append(role)
        # C2..C5 ask the roles active today (Role.objects.active_on): a role added here has
        # no end, so it counts once it has started (as a batch keeps them: add_role).
        if role.started_on <= clock.today():
            self._kinds.add(kind)
        self._audit("create", role, detail={"kind": kind})
        return role

    def add_party(self, agreement: Agreement) -> AgreementParty:
        """Make the person a party to `agreement`, by `add_party`'s rules (P3)."""
        self._open()
        check_actor(self.actor)
        if any(party.agreement == agreement for party in self.parties):
            raise RuleViolation("person", "unique", f"this person is already a party to "
                                f"{agreement.reference}")
        party = AgreementParty(agreement=agreement, person=self.person)
        self.parties.append(party)
        self._audit("create", party, detail=party_detail(agreement))
        return party

    def add_datum(self, category: str, values: dict[str, Any], *, source: str, purpose: str,
                  basis: str, agreement: Agreement | None = None) -> Datum:
        """Give the person a datum, by `add_datum`'s rules in its order (C1..C5, P3,
        formats, Art. 5/6, Art. 18); sealed and indexed as `add_datum` does."""
        self._open()
        model, cleaned = checked_values(self.person, category, values, source=source,
                                        purpose=purpose, basis=basis, actor=self.actor,
                                        agreement=agreement)
        check_agreement(self.person, agreement,
                        parties=[party.agreement for party in self.parties])
        check_may_hold(self._kinds, category, cleaned)
        datum = new_datum(model, self.person, cleaned, source=source, purpose=purpose,
                          basis=basis, agreement=agreement)
        self.data.append(datum)
        self._audit("create", datum, purpose=purpose, detail=created_detail(datum, basis))
        return datum

    def link_external_id(self, origin: str, external_id: str, *, row_digest: str,
                         data: Mapping[str, Datum]) -> ExternalId:
        """Record the id `origin` gives the person, by `link_external_id`'s rules; `data`
        maps categories to data added here (stored as their ids)."""
        self._open()
        if any(datum not in self.data for datum in data.values()):
            raise ValueError("a link names only data added to this new person")
        link = checked_link(self.person, origin, external_id, row_digest=row_digest,
                            data={}, actor=self.actor)
        self.links.append((link, dict(data)))
        self._audit("create", link, detail={"origin": link.origin})
        return link


def create_new_person(new: NewPerson) -> Person:
    """Store `new` (see the module's contract); return its person (without a primary key
    until the batch writes it)."""
    new._open()
    new._stored = True
    with batching.batch() as running:
        running.queue(new, [item for item, _ in new.entries])
    return new.person


def write(pending: Sequence[NewPerson]) -> None:
    """Insert `pending` (queued by `create_new_person`, every rule asked) with one bulk
    insert per table, in the batch's transaction, and give their audit entries the ids.
    Only `Batch.flush` calls this."""
    _insert(Person, [new.person for new in pending])
    for new in pending:  # the person's id, now known, into the rows that point to them
        theirs: list[Any] = [*new.roles, *new.parties, *new.data,
                             *(link for link, _ in new.links)]
        for row in theirs:
            row.person = new.person
    _insert(Role, [role for new in pending for role in new.roles])
    _insert(AgreementParty, [party for new in pending for party in new.parties])
    tables: dict[type[Datum], list[Datum]] = {}
    for new in pending:
        for datum in new.data:
            tables.setdefault(type(datum), []).append(datum)
    for model, rows in tables.items():
        _insert(model, rows)
    links = []
    for new in pending:
        for link, data in new.links:
            link.data = {category: int(datum.pk) for category, datum in data.items()}
            links.append(link)
    _insert(ExternalId, links)
    for new in pending:
        for item, obj in new.entries:
            item["object_id"] = str(obj.pk)


def _insert(model: type[models.Model], rows: list[Any]) -> None:
    """INSERT `rows` (unsaved, their foreign keys set) and give each its primary key, as
    `bulk_create` does: the same multi-row statements with the values each field prepares
    for the database, and RETURNING the keys (SQLite >= 3.35, PostgreSQL)."""
    if not rows:
        return
    alias = router.db_for_write(model)
    conn = connections[alias]
    if not conn.features.can_return_rows_from_bulk_insert:  # SQLite before 3.35
        for row in rows:
            row.save(force_insert=True, using=alias)
        return
    # Written here, not by bulk_create: the ORM's compiling of these statements cost about
    # 40 µs per row, seven rows per imported person (the import row of docs/performance.md,
    # goal >= 1,000 rows/s).
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    q = conn.ops.quote_name
    head = (f"INSERT INTO {q(model._meta.db_table)} "
            f"({', '.join(q(f.column) for f in fields)}) VALUES ")
    one = "(" + ", ".join(["%s"] * len(fields)) + ")"
    returning = f" RETURNING {q(model._meta.pk.column)}"
    limit = conn.features.max_query_params
    step = limit // len(fields) if limit else _INSERT_ROWS
    values = _preparers(fields, conn)
    with conn.cursor() as cur:
        for start in range(0, len(rows), step):
            chunk = rows[start:start + step]
            params = [value(row) for row in chunk for value in values]
            cur.execute(head + ", ".join([one] * len(chunk)) + returning, params)
            for row, (pk,) in zip(chunk, cur.fetchall(), strict=True):
                row.pk = pk
                row._state.adding, row._state.db = False, alias


_INSERT_ROWS = 1000  # rows per INSERT at most where the database sets no limit


def _preparers(fields: list[Any], conn: Any) -> list[Callable[[Any], Any]]:
    """Per field, what gives a row's database value, as `field.get_db_prep_save(
    field.pre_save(row, add=True))` gives it: an automatic timestamp is this write's moment
    (one for every row of the INSERT), text already text is itself."""
    now = timezone.now()
    made: list[Callable[[Any], Any]] = []
    for field in fields:
        attname = field.attname
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            stamp = field.get_db_prep_save(now, conn)

            def automatic(row: Any, attname: str = attname, stamp: Any = stamp) -> Any:
                setattr(row, attname, now)
                return stamp

            made.append(automatic)
        elif _text_as_is(field):
            def text(row: Any, attname: str = attname, field: Any = field) -> Any:
                value = getattr(row, attname)
                return value if type(value) is str else field.get_db_prep_save(value, conn)

            made.append(text)
        else:
            def prepared(row: Any, field: Any = field) -> Any:
                return field.get_db_prep_save(field.pre_save(row, True), conn)

            made.append(prepared)
    return made


def _text_as_is(field: Any) -> bool:
    # A CharField/TextField that prepares nothing of its own hands a str to the database
    # as it is (Field.get_db_prep_save -> get_prep_value -> to_python).
    kind = type(field)
    return (isinstance(field, models.CharField | models.TextField)
            and kind.pre_save is models.Field.pre_save
            and kind.get_db_prep_save is models.Field.get_db_prep_save
            and kind.get_db_prep_value is models.Field.get_db_prep_value
            and kind.get_prep_value in (models.CharField.get_prep_value,
                                        models.TextField.get_prep_value))
