"""The access report's own reads of one person: agreements and their D2 recipients.

One SELECT on the DB-API cursor (`register.services.raw_read`): each agreement the person
is a party to, with its end date (retention facts) and each recipient it names (Art.
15(1)(c)); an agreement without recipients comes back once with the recipient NULL.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections

from privacydesk.register.models import Agreement, AgreementParty, AgreementRecipient
from privacydesk.register.services import raw_read


@dataclass(frozen=True)
class RecipientRow:
    recipient: str
    agreement: str  # the agreement's reference
    categories: list[str]
    legal_basis: str
    purpose: str


@dataclass(frozen=True)
class AgreementRows:
    """The person's agreements by reference (id, ends_on) and their recipients by id."""

    agreements: dict[str, tuple[int, date | None]]
    recipients: list[RecipientRow]

    def ends(self) -> dict[int, date | None]:
        """Agreement id -> end date (None: running), as the retention facts take them."""
        return dict(self.agreements.values())


_SQL: dict[str, tuple[str, list[Any]]] = {}


def _statement() -> tuple[str, list[Any]]:
    db = connections[DEFAULT_DB_ALIAS]
    found = _SQL.get(db.vendor)
    if found is None:
        q = db.ops.quote_name
        sql = (f"SELECT a.{q('id')}, a.{q('reference')}, a.{q('ends_on')}, "  # noqa: S608
               f"r.{q('id')}, r.{q('recipient')}, r.{q('categories')}, "
               f"r.{q('legal_basis')}, r.{q('purpose')} "
               f"FROM {q(AgreementParty._meta.db_table)} p "
               f"JOIN {q(Agreement._meta.db_table)} a ON a.{q('id')} = p.{q('agreement_id')} "
               f"LEFT JOIN {q(AgreementRecipient._meta.db_table)} r "
               f"ON r.{q('agreement_id')} = a.{q('id')} "
               f"WHERE p.{q('person_id')} = %s")
        # Converters for the date and the JSON list, positioned as in the SELECT.
        plan = [(2, funcs, col) for _, funcs, col in
                raw_read.converters(Agreement, ["ends_on"], db)]
        plan += [(5, funcs, col) for _, funcs, col in
                 raw_read.converters(AgreementRecipient, ["categories"], db)]
        found = _SQL[db.vendor] = (sql, plan)
    return found


def agreement_rows(person_id: int) -> AgreementRows:
    """The person's agreements and their recipients (in recipient id order, as
    `AgreementRecipient`'s ordering lists them)."""
    sql, plan = _statement()
    rows = raw_read.convert(raw_read.fetch_all(sql, (person_id,)),
                            plan, connections[DEFAULT_DB_ALIAS])
    agreements = {ref: (aid, ends) for aid, ref, ends, *_ in rows}
    recipients = [RecipientRow(name, ref, list(cats), basis, purpose)
                  for _, ref, _, _, name, cats, basis, purpose in
                  sorted((r for r in rows if r[3] is not None), key=lambda r: r[3])]
    return AgreementRows(agreements, recipients)
