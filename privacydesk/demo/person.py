"""One invented person: roles first, then the data the company would hold for those roles.

Purposes follow the statement: customers' data serve their agreement (P3, contract),
prospects' serve a callback or written contact (P1, P2), (former) employees' payroll and
identity data a legal obligation, representatives' their company's agreement. Whatever the
policy refuses (see `people.may_hold` / `purpose_allowed`) is simply not generated.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from privacydesk.demo import numbers
from privacydesk.demo.names import FAMILY_NAMES, GIVEN_NAMES
from privacydesk.demo.people import Base, Org, may_hold, purpose_allowed, slug, source_allowed
from privacydesk.demo.places import CITIES, MAIL_DOMAINS, STREETS
from privacydesk.demo.profiles import (
    ADMIN_SYSTEMS,
    CONTACT,
    CUSTOMER,
    EMPLOYEE,
    FORMER_EMPLOYEE,
    PROSPECT,
)
from privacydesk.policy import clock
from privacydesk.policy.active import get_policy
from privacydesk.retention.facts import _facts as facts_from_rows
from privacydesk.retention.facts import row_facts

# (purpose, legal basis) pairs, named for what they are used for.
AGREEMENT = ("agreement", "contract")
PAYROLL = ("legal_obligation", "legal_obligation")
CALLBACK = ("callback", "consent")
WRITTEN = ("written_contact", "legitimate_interests")
WRITTEN_CONSENT = ("written_contact", "consent")
SECURITY = ("security", "legitimate_interests")


@dataclass
class _Subject:
    id: int
    ref: uuid.UUID
    source: str
    roles: frozenset[str] = frozenset()
    mailbox: str = ""
    data: list[tuple[str, tuple[str, str], int | None, dict[str, Any]]] = field(
        default_factory=list)
    role_rows: list[tuple[str, date, date | None]] = field(default_factory=list)
    agreements: set[int] = field(default_factory=set)


class PersonBuilder(Base):
    """Queues the rows of one person of a given profile (a set of role kinds)."""

    def build(self, profile: frozenset[str], orgs: list[Org]) -> None:
        rng = self.rng
        source = ("staff" if profile & {EMPLOYEE, FORMER_EMPLOYEE}
                  else "contact_form" if PROSPECT in profile else "service")
        if not source_allowed(source):
            source = "import"
        me = _Subject(next(self.ids["person"]), uuid.UUID(int=rng.getrandbits(128), version=4),
                      source)
        self.tables.person.add((me.id, me.ref))
        given = rng.choice(GIVEN_NAMES)
        if rng.random() < 0.12:
            given = f"{given} {rng.choice(GIVEN_NAMES)}"
        infix, family = rng.choice(FAMILY_NAMES)
        # The person's id keeps every generated address unique (lookups find one person).
        me.mailbox = f"{slug(given.split()[0])}.{slug(infix)}{slug(family)}{me.id}"
        own = self._roles(me, profile, orgs)
        first = (PAYROLL, None) if profile & {EMPLOYEE, FORMER_EMPLOYEE} else \
            (AGREEMENT, own) if own else (CALLBACK, None) if PROSPECT in profile else \
            (WRITTEN, None)
        self._add(me, "names", *first, given_names=given, infix=infix, family_name=family)
        city = rng.choice(CITIES)
        if profile & {CUSTOMER, EMPLOYEE, FORMER_EMPLOYEE} or rng.random() < 0.35:
            postal = (WRITTEN_CONSENT, None) if first[0] == CALLBACK else first
            self._add(me, "address", *postal, street=rng.choice(STREETS),
                      house_number=numbers.house_number(rng),
                      postcode=numbers.postcode(rng, city[1], city[2]), city=city[0],
                      country="NL")
        contact = (AGREEMENT, own) if own else (CALLBACK, None) if PROSPECT in profile \
            else (WRITTEN, None)
        if profile & {CUSTOMER, EMPLOYEE, PROSPECT}:
            phone = numbers.mobile(rng) if rng.random() < 0.7 else numbers.landline(rng, city[3])
            self._add(me, "phone", *contact, number=phone)
            if PROSPECT not in profile or rng.random() < 0.85:
                mail = (WRITTEN_CONSENT, None) if contact[0] == CALLBACK else contact
                self._add(me, "email", *mail, address=f"{me.mailbox}@{rng.choice(MAIL_DOMAINS)}")
        self._money(me, profile, own)
        if profile & {EMPLOYEE, FORMER_EMPLOYEE}:
            self._add(me, "identity", PAYROLL, None, kind="bsn", number=numbers.bsn(rng))
            if rng.random() < 0.2:
                self._add(me, "identity", PAYROLL, None, kind="passport",
                          number=numbers.passport_number(rng))
        # R1: each datum is dated by the same policy decision the retention app makes.
        ends = self.tables.agreement_ends
        facts = facts_from_rows(me.role_rows, {a: ends[a] for a in me.agreements}, [], None)
        collected = clock.start_of(self.today)   # a moment on `today` in the policy's zone
        policy = get_policy()
        for category, use, agreement_id, values in me.data:
            if not (may_hold(category, me.roles, bool(values.get("is_admin_account")))
                    and purpose_allowed(*use, agreement_id is not None)):
                continue
            purpose, basis = use
            decision = policy.retention_decision(
                category, purpose, basis, row_facts(agreement_id, collected, facts))
            self.tables.add_datum(category, me.id, me.ref, me.source, purpose, basis,
                                  agreement_id, values, decision.date)

    def _roles(self, me: _Subject, profile: frozenset[str], orgs: list[Org]) -> int | None:
        """Queue the person's roles; return the id of their own agreement (customers)."""
        rng, policy, today = self.rng, get_policy(), self.today
        roles: list[tuple[str, int | None, date, date | None]] = []
        own = None
        if CUSTOMER in profile:
            starts = self.days_ago(20, 8 * 365)
            # A customer (a running customer role) has an agreement that runs today: the
            # data collected today are for it. One that ended years ago made a "running
            # customer" whose access report said their data were kept until a day long
            # past (#15).
            own = self.agreement("sla" if rng.random() < 0.35 else "one_off", None, starts,
                                 running=True)
            self.tables.party.add((own, me.id))
            me.agreements.add(own)
            roles.append((CUSTOMER, None, starts, None))
        if PROSPECT in profile:
            roles.append((PROSPECT, None, self.days_ago(1, 400), None))
        if EMPLOYEE in profile:
            roles.append((EMPLOYEE, None, self.days_ago(60, 15 * 365), None))
        if FORMER_EMPLOYEE in profile:
            left = self.days_ago(30, 6 * 365)
            roles.append((EMPLOYEE, None, left - timedelta(days=rng.randint(180, 12 * 365)),
                          left))
            roles.append((FORMER_EMPLOYEE, None, left + timedelta(days=1), None))
        if CONTACT in profile and orgs:
            org = rng.choice(orgs)
            roles.append((CONTACT, org.id, self.days_ago(30, 6 * 365), None))
            self._work_contact(me, org)
        for kind, org_id, started, ended in roles:
            if kind in policy.roles:  # S1: only roles the policy knows
                self.tables.role.add((me.id, kind, org_id, started, ended))
                me.role_rows.append((kind, started, ended))
        me.roles = frozenset(kind for kind, _, started, ended in roles
                             if started <= today and (ended is None or ended >= today))
        return own

    def _work_contact(self, me: _Subject, org: Org) -> None:
        """A representative's work phone and e-mail, for their company's agreement."""
        rng = self.rng
        use: tuple[tuple[str, str], int | None] = (WRITTEN, None)
        # Data collected today serve a company's agreement only while it runs (#15).
        ends = self.tables.agreement_ends.get(org.agreement_id) if org.agreement_id else None
        if org.agreement_id is not None and (ends is None or ends >= self.today) \
                and rng.random() < 0.75:
            self.tables.party.add((org.agreement_id, me.id))
            me.agreements.add(org.agreement_id)
            use = (AGREEMENT, org.agreement_id)
        me.data.append(("phone", use[0], use[1], {"number": numbers.landline(rng, org.area_code)
                                                   if rng.random() < 0.6
                                                   else numbers.mobile(rng)}))
        me.data.append(("email", use[0], use[1], {"address": f"{me.mailbox}@{org.domain}"}))

    def _money(self, me: _Subject, profile: frozenset[str], own: int | None) -> None:
        """C3/C4: financial and administrator-account data where the role calls for it."""
        rng = self.rng
        if CUSTOMER in profile and own is not None:
            if rng.random() < 0.85:
                self._add(me, "financial", AGREEMENT, own, kind="iban",
                          value=numbers.dutch_iban(rng))
            if rng.random() < 0.10:
                self._add(me, "financial", AGREEMENT, own, kind="vat_number",
                          value=numbers.vat_number(rng))
            if rng.random() < 0.10:
                self._add(me, "account", AGREEMENT, own, system=rng.choice(ADMIN_SYSTEMS),
                          is_admin_account=True, username=f"beheer{me.id}",
                          credential_ref=f"kluis:KL-{rng.randrange(10**5):05d}")
        if EMPLOYEE in profile:
            self._add(me, "financial", PAYROLL, None, kind="iban", value=numbers.dutch_iban(rng))
            if rng.random() < 0.25:
                self._add(me, "account", SECURITY, None, system="InFactor-domein",
                          is_admin_account=True, username=f"adm{me.id}", credential_ref="")
        if PROSPECT in profile and rng.random() < 0.05:
            self._add(me, "financial", WRITTEN_CONSENT, None, kind="vat_number",
                      value=numbers.vat_number(rng))

    def _add(self, me: _Subject, category: str, use: tuple[str, str], agreement_id: int | None,
             **values: Any) -> None:
        me.data.append((category, use, agreement_id, values))
