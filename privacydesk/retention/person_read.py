"""One person's retention facts and active holds, read for the access report (Art. 15).

The same facts as `facts.person_facts`, gathered the cheap way for a single person whose
roles and agreements the caller has already loaded: the holds and the contact mark come
from two SELECTs on the DB-API cursor (`register.services.raw_read`), and `facts` combines
them by its own rules, so there is still one rule-keeper for what ends when (R1–R3).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections

from privacydesk.policy import clock
from privacydesk.register.models import Agreement, AgreementParty
from privacydesk.register.services import raw_read
from privacydesk.retention import facts
from privacydesk.retention.models import ContactMark, LegalHold
from privacydesk.retention.services import HoldView

_SQL: dict[str, tuple[str, list[Any], str, list[Any]]] = {}
_AGREEMENTS: dict[str, tuple[str, list[Any]]] = {}


def _statements() -> tuple[str, list[Any], str, list[Any]]:
    db = connections[DEFAULT_DB_ALIAS]
    found = _SQL.get(db.vendor)
    if found is None:
        q = db.ops.quote_name
        hold_cols = ["reason", "created_at", "until"]
        # Newest first, as LegalHold's ordering shows them.
        holds = (f"SELECT {', '.join(q(c) for c in hold_cols)} "  # noqa: S608
                 f"FROM {q(LegalHold._meta.db_table)} WHERE {q('person_id')} = %s "
                 f"AND {q('lifted_at')} IS NULL ORDER BY {q('created_at')} DESC, {q('id')}")
        contact = (f"SELECT {q('last_contact_on')} "  # noqa: S608
                   f"FROM {q(ContactMark._meta.db_table)} WHERE {q('person_id')} = %s")
        found = _SQL[db.vendor] = (
            holds, raw_read.converters(LegalHold, hold_cols, db),
            contact, raw_read.converters(ContactMark, ["last_contact_on"], db))
    return found


def facts_and_holds(person_id: int, roles: Iterable[tuple[str, date, date | None]],
                    agreements: Mapping[int, date | None]
                    ) -> tuple[facts.PersonFacts, list[HoldView]]:
    """The person's facts (as `facts.person_facts` gives them) and active holds (as
    `services.holds_for` gives them), from the person's `roles` (kind, started_on,
    ended_on) and `agreements` (id -> ends_on) that the caller read already."""
    db = connections[DEFAULT_DB_ALIAS]
    holds_sql, holds_plan, contact_sql, contact_plan = _statements()
    holds = raw_read.convert(raw_read.fetch_all(holds_sql, (person_id,)), holds_plan, db)
    marks = raw_read.convert(raw_read.fetch_all(contact_sql, (person_id,)), contact_plan, db)
    person = facts._facts(list(roles), dict(agreements), [until for _, _, until in holds],
                          marks[0][0] if marks else None)
    return person, [HoldView(reason, clock.day_of(created), until)
                    for reason, created, until in holds]


def agreement_ends(person_id: int) -> dict[int, date | None]:
    """Agreement id -> end date (None: running) of every agreement the person is party to."""
    db = connections[DEFAULT_DB_ALIAS]
    entry = _AGREEMENTS.get(db.vendor)
    if entry is None:
        q = db.ops.quote_name
        sql = (f"SELECT a.{q('id')}, a.{q('ends_on')} "  # noqa: S608
               f"FROM {q(AgreementParty._meta.db_table)} p "
               f"JOIN {q(Agreement._meta.db_table)} a ON a.{q('id')} = p.{q('agreement_id')} "
               f"WHERE p.{q('person_id')} = %s")
        entry = _AGREEMENTS[db.vendor] = (sql, raw_read.converters(
            Agreement, ["id", "ends_on"], db))
    rows = raw_read.convert(raw_read.fetch_all(entry[0], (person_id,), db), entry[1], db)
    return {aid: ends for aid, ends in rows}


def person_facts(person_id: int) -> facts.PersonFacts:
    """`facts.person_facts` of one person in four SELECTs on the DB-API cursor."""
    roles = [(kind, start, end) for kind, _, start, end, _ in raw_read.role_rows(person_id)]
    return facts_and_holds(person_id, roles, agreement_ends(person_id))[0]
