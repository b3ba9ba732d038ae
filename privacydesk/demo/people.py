"""Invented people and organisations, written as register rows.

`PopulationBuilder` proposes data the way the company would collect them and lets the
policy dispose: every role, category, purpose/basis pair and source is asked of the active
policy (`check_may_hold`, `check_purpose`, `check_source`) before a row is queued, so the
demo obeys C1–C5 and P1–P3 for whatever policy is active and keeps no copy of a rule.
Answers are cached per combination, because a million people share a few dozen.
"""

from __future__ import annotations

import random
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from typing import Any

from privacydesk.demo import numbers
from privacydesk.demo.names import FAMILY_NAMES
from privacydesk.demo.places import CITIES, LEGAL_FORMS, TRADES
from privacydesk.demo.profiles import ONE_OFF_TITLES, RECIPIENTS, SLA_TITLES, Recipient
from privacydesk.demo.rows import RegisterTables
from privacydesk.policy.active import get_policy
from privacydesk.policy.errors import RuleViolation


@cache
def slug(text: str) -> str:
    """ASCII lower-case letters and digits of `text` ("Öztürk" -> "ozturk"), for addresses."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(c for c in plain.lower() if c.isalnum())


def _obeys(rule: Callable[..., None], *args: Any, **kwargs: Any) -> bool:
    try:
        rule(*args, **kwargs)
    except RuleViolation:
        return False
    return True


@cache
def may_hold(category: str, roles: frozenset[str], admin_account: bool = False) -> bool:
    """Does the policy allow `category` for a person with `roles` (C2–C5)?"""
    return _obeys(get_policy().check_may_hold, category, roles, admin_account=admin_account)


@cache
def purpose_allowed(purpose: str, basis: str, has_agreement: bool) -> bool:
    """Does the policy allow `purpose` on `basis` (Art. 5/6, P3)?"""
    return _obeys(get_policy().check_purpose, purpose, basis, has_agreement=has_agreement)


@cache
def source_allowed(source: str) -> bool:
    """Is `source` one the statement names (C1)?"""
    return _obeys(get_policy().check_source, source)


def forget_policy_answers() -> None:
    """Drop the cached answers (after the active policy changed)."""
    for cached in (may_hold, purpose_allowed, source_allowed):
        cached.cache_clear()


@dataclass(frozen=True)
class Org:
    """An organisation just generated: what its representatives' data are made from."""

    id: int
    domain: str
    area_code: str
    agreement_id: int | None


#: The next primary keys of the tables the demo writes with explicit ids, by table.
Ids = dict[str, Iterator[int]]


class Base:
    """The state a builder shares: random source, reference day, ids and row buffers."""

    def __init__(self, rng: random.Random, today: date, ids: Ids,
                 tables: RegisterTables) -> None:
        self.rng, self.today, self.ids, self.tables = rng, today, ids, tables

    def days_ago(self, low: int, high: int) -> date:
        return self.today - timedelta(days=self.rng.randint(low, high))

    def agreement(self, kind: str, organisation_id: int | None, starts: date,
                  running: bool = False) -> int:
        """Queue an agreement (and perhaps a D2 recipient); return its id. `running`: it
        still runs today (a one-off job under way, an SLA renewed)."""
        rng, agreement_id = self.rng, next(self.ids["agreement"])
        if kind == "sla":
            title = rng.choice(SLA_TITLES)
            ends = None if rng.random() < 0.75 else starts + timedelta(days=365 * rng.randint(1, 3))
        else:
            title = rng.choice(ONE_OFF_TITLES)
            ends = starts + timedelta(days=rng.randint(7, 120))
        if running and ends is not None and ends < self.today:
            ends = self.today + timedelta(days=rng.randint(7, 120))
        reference = f"{'SLA' if kind == 'sla' else 'OO'}-{starts.year}-{agreement_id:07d}"
        self.tables.agreement.add((agreement_id, kind, reference, title, organisation_id,
                                   starts, ends))
        self.tables.agreement_ends[agreement_id] = ends
        if rng.random() < 0.25:
            self._recipient(agreement_id, rng.choice(RECIPIENTS))
        return agreement_id

    def _recipient(self, agreement_id: int, recipient: Recipient) -> None:
        # D2: only categories and a basis the policy declares.
        policy = get_policy()
        categories = [c for c in recipient.categories if c in policy.categories]
        if categories and recipient.legal_basis in policy.legal_bases:
            self.tables.recipient.add((agreement_id, recipient.name, categories,
                                       recipient.legal_basis, recipient.purpose))


class OrganisationBuilder(Base):
    """Client companies, each usually with one agreement (SLA or one-off)."""

    def build(self) -> Org:
        rng = self.rng
        org_id = next(self.ids["organisation"])
        _, family = rng.choice(FAMILY_NAMES)
        trade = rng.choice(TRADES)
        name = " ".join(p for p in (family, trade, rng.choice(LEGAL_FORMS)) if p)
        city = rng.choice(CITIES)
        self.tables.organisation.add((org_id, name, numbers.coc_number(rng)))
        agreement_id = None
        if rng.random() < 0.85:
            kind = "sla" if rng.random() < 0.6 else "one_off"
            agreement_id = self.agreement(kind, org_id, self.days_ago(30, 6 * 365))
        domain = f"{slug(family)}{slug(trade)}{org_id}.nl"
        return Org(org_id, domain, city[3], agreement_id)

