"""The access report's own reads of one person: agreements, recipients, holds, contact.

One SELECT on the DB-API cursor (`register.services.raw_read`), a UNION ALL of three
parts told apart by its first column: (0) each agreement the person is a party to, with
its end date (retention facts) and each recipient it names (Art. 15(1)(c); an agreement
without recipients comes back once with the recipient NULL); (1) each active legal hold;
(2) the contact mark. One round trip instead of three (bench/bench_requests.py: on
PostgreSQL every query is a round trip of its own).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from operator import itemgetter
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Model

from privacydesk.register.models import Agreement, AgreementParty, AgreementRecipient
from privacydesk.register.services import raw_read
from privacydesk.retention.models import ContactMark, LegalHold


@dataclass(frozen=True)
class RecipientRow:
    recipient: str
    agreement: str  # the agreement's reference
    categories: list[str]
    legal_basis: str
    purpose: str


@dataclass(frozen=True)
class HoldRow:
    """An active legal hold: its reason, when it was placed, until when (None: open)."""

    reason: str
    created_at: Any
    until: date | None


@dataclass(frozen=True)
class AgreementRows:
    """The person's agreements by reference (id, ends_on), their recipients, the active
    legal holds (newest first, as LegalHold's ordering shows them) and the contact mark."""

    agreements: dict[str, tuple[int, date | None]]
    recipients: list[RecipientRow]
    holds: list[HoldRow]
    last_contact_on: date | None

    def ends(self) -> dict[int, date | None]:
        """Agreement id -> end date (None: running), as the retention facts take them."""
        return dict(self.agreements.values())


_SQL: dict[str, tuple[str, list[list[Any]]]] = {}


def _null(model: type[Model], name: str, db: BaseDatabaseWrapper) -> str:
    # PostgreSQL types an untyped NULL column of a union as text; name the real type.
    field: Any = model._meta.get_field(name)
    return f"CAST(NULL AS {field.db_type(db)})" if db.vendor == "postgresql" else "NULL"


def _statement(db: BaseDatabaseWrapper) -> tuple[str, list[list[Any]]]:
    found = _SQL.get(db.vendor)
    if found is None:
        q = db.ops.quote_name
        t = {m: q(m._meta.db_table) for m in (Agreement, AgreementParty, AgreementRecipient,
                                              LegalHold, ContactMark)}
        null_r = {n: _null(AgreementRecipient, n, db)
                  for n in ("id", "recipient", "categories", "legal_basis", "purpose")}
        null_at = _null(LegalHold, "created_at", db)
        # Columns: part, id, reference|reason, ends_on|until|last_contact_on, recipient id,
        # recipient, categories, legal basis, purpose, hold placed at.
        sql = (f"SELECT 0, a.{q('id')}, a.{q('reference')}, a.{q('ends_on')}, "  # noqa: S608
               f"r.{q('id')}, r.{q('recipient')}, r.{q('categories')}, "
               f"r.{q('legal_basis')}, r.{q('purpose')}, {null_at} "
               f"FROM {t[AgreementParty]} p "
               f"JOIN {t[Agreement]} a ON a.{q('id')} = p.{q('agreement_id')} "
               f"LEFT JOIN {t[AgreementRecipient]} r ON r.{q('agreement_id')} = a.{q('id')} "
               f"WHERE p.{q('person_id')} = %s "
               f"UNION ALL SELECT 1, h.{q('id')}, h.{q('reason')}, h.{q('until')}, "
               f"{null_r['id']}, {null_r['recipient']}, {null_r['categories']}, "
               f"{null_r['legal_basis']}, {null_r['purpose']}, h.{q('created_at')} "
               f"FROM {t[LegalHold]} h WHERE h.{q('person_id')} = %s "
               f"AND h.{q('lifted_at')} IS NULL "
               f"UNION ALL SELECT 2, {_null(Agreement, 'id', db)}, "
               f"{_null(Agreement, 'reference', db)}, c.{q('last_contact_on')}, "
               f"{null_r['id']}, {null_r['recipient']}, {null_r['categories']}, "
               f"{null_r['legal_basis']}, {null_r['purpose']}, {null_at} "
               f"FROM {t[ContactMark]} c WHERE c.{q('person_id')} = %s")
        # Per part: the converters Django applies, positioned as in the SELECT.
        plans: list[list[Any]] = [
            [(3, f, c) for _, f, c in raw_read.converters(Agreement, ["ends_on"], db)]
            + [(6, f, c) for _, f, c in
               raw_read.converters(AgreementRecipient, ["categories"], db)],
            [(3, f, c) for _, f, c in raw_read.converters(LegalHold, ["until"], db)]
            + [(9, f, c) for _, f, c in raw_read.converters(LegalHold, ["created_at"], db)],
            [(3, f, c) for _, f, c in
             raw_read.converters(ContactMark, ["last_contact_on"], db)],
        ]
        found = _SQL[db.vendor] = (sql, plans)
    return found


def statement(person_id: int, db: BaseDatabaseWrapper | None = None
              ) -> tuple[str, tuple[Any, ...]]:
    """The UNION of `agreement_rows` for `person_id`: (sql, params), for `rows_from` (the
    report runs it with the register's read: `read_person_rows`); `db` the default
    database's connection (looked up when not given)."""
    return _statement(db or connections[DEFAULT_DB_ALIAS])[0], (person_id,) * 3


def agreement_rows(person_id: int) -> AgreementRows:
    """The person's agreements and their recipients (in recipient id order, as
    `AgreementRecipient`'s ordering lists them), active holds and contact mark."""
    return rows_from(raw_read.fetch_all(*statement(person_id), connections[DEFAULT_DB_ALIAS]))


def rows_from(found: list[tuple[Any, ...]], db: BaseDatabaseWrapper | None = None
              ) -> AgreementRows:
    """`agreement_rows` from the rows of `statement`."""
    db = db or connections[DEFAULT_DB_ALIAS]
    _, plans = _statement(db)
    parts: list[list[tuple[Any, ...]]] = [[], [], []]
    for row in found:
        parts[row[0]].append(row)
    # Most people have no agreement and no hold: those parts cost nothing then.
    agreed, held, marked = (raw_read.convert(rows, plan, db) if rows else []
                            for rows, plan in zip(parts, plans, strict=True))
    agreements = {ref: (aid, ends) for _, aid, ref, ends, *_ in agreed}
    recipients = [RecipientRow(name, ref, list(cats), basis, purpose)
                  for _, _, ref, _, _, name, cats, basis, purpose, _ in
                  sorted((r for r in agreed if r[4] is not None), key=_FOURTH)] if agreed else []
    holds: list[HoldRow] = []
    if held:
        # Newest first, then by id: LegalHold's ordering (stable sorts, id first).
        by_id = sorted(held, key=lambda r: r[1])
        holds = [HoldRow(r[2], r[9], r[3]) for r in sorted(by_id, key=lambda r: r[9],
                                                            reverse=True)]
    return AgreementRows(agreements, recipients, holds, marked[0][3] if marked else None)


_FOURTH = itemgetter(4)
