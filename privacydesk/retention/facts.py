"""The facts a retention decision needs, gathered from the register for one person.

Contract (R1–R3): an agreement, role or employment with an end date counts as ended on that
date, even when the date is still ahead — the deletion date is then known now and the sweep
finds it by an indexed range query; a change of the end date recomputes it (signals). Only
an open end (no end date) counts as running, and keeps the date unknown (None).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from privacydesk.policy import RetentionDecision, RetentionFacts
from privacydesk.policy.active import get_policy
from privacydesk.register.models import Agreement, Datum, Person, Role

EMPLOYEE = "employee"
FORMER_EMPLOYEE = "former_employee"


@dataclass(frozen=True)
class PersonFacts:
    """Everything about a person's relations that dates their data."""

    employment_end: date | None = None
    employment_running: bool = False
    role_end: date | None = None
    role_running: bool = False
    agreement_end: date | None = None       # over all the person's agreements
    agreement_running: bool = False
    agreements: dict[int, date | None] = field(default_factory=dict)  # id -> ends_on
    hold_until: date | None = None
    hold_open: bool = False
    last_contact_on: date | None = None


def _ends(ends: list[date | None]) -> tuple[date | None, bool]:
    """(latest end, running): running when any of them has no end date."""
    if not ends:
        return None, False
    if any(e is None for e in ends):
        return None, True
    return max(e for e in ends if e is not None), False


def person_facts(person: Person | int) -> PersonFacts:
    """Gather the facts for `person` (a Person or its primary key) in a few queries."""
    from privacydesk.retention.models import ContactMark, LegalHold

    pid = person.pk if isinstance(person, Person) else person
    roles = list(Role.objects.filter(person_id=pid).values_list("kind", "started_on",
                                                                 "ended_on"))
    employee = [end for kind, _, end in roles if kind == EMPLOYEE]
    if not employee:
        # Registered only as former employee: employment ended the day before that role.
        employee = [start - timedelta(days=1) for kind, start, _ in roles
                    if kind == FORMER_EMPLOYEE]
    employment_end, employment_running = _ends(employee)
    role_end, role_running = _ends([end for _, _, end in roles])
    agreements = dict(Agreement.objects.filter(parties__person_id=pid)
                      .values_list("id", "ends_on"))
    agreement_end, agreement_running = _ends(list(agreements.values()))
    holds = list(LegalHold.objects.filter(person_id=pid, lifted_at__isnull=True)
                 .values_list("until", flat=True))
    hold_until, hold_open = _ends(holds)
    contact = ContactMark.objects.filter(person_id=pid).values_list("last_contact_on",
                                                                    flat=True).first()
    return PersonFacts(employment_end, employment_running, role_end, role_running,
                       agreement_end, agreement_running, agreements, hold_until, hold_open,
                       contact)


def datum_facts(datum: Datum, facts: PersonFacts) -> RetentionFacts:
    """The RetentionFacts of one datum: its own agreement if linked (P3), else the person's."""
    if datum.agreement_id is not None and datum.agreement_id in facts.agreements:
        end = facts.agreements[datum.agreement_id]
        agreement_end, agreement_running = end, end is None
    else:
        agreement_end, agreement_running = facts.agreement_end, facts.agreement_running
    collected = datum.created_at.date() if datum.created_at else date.today()
    return RetentionFacts(
        collected_on=collected, last_contact_on=facts.last_contact_on,
        agreement_end=agreement_end, agreement_running=agreement_running,
        employment_end=facts.employment_end, employment_running=facts.employment_running,
        role_end=facts.role_end, role_running=facts.role_running,
        legal_hold_until=facts.hold_until, legal_hold_open=facts.hold_open)


def decide(datum: Datum, facts: PersonFacts) -> RetentionDecision:
    """The policy's retention decision for `datum` (the policy is the only rule-keeper)."""
    return get_policy().retention_decision(datum.CATEGORY, datum.purpose, datum.legal_basis,
                                           datum_facts(datum, facts))
