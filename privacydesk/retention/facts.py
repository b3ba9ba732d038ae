"""The facts a retention decision needs, gathered from the register for one person.

Contract (R1–R3): an agreement, role or employment with an end date counts as ended on that
date, even when the date is still ahead — the deletion date is then known now and the sweep
finds it by an indexed range query; a change of the end date recomputes it (signals). Only
an open end (no end date) counts as running, and keeps the date unknown (None).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from privacydesk.policy import RetentionDecision, RetentionFacts, clock
from privacydesk.policy.active import get_policy
from privacydesk.policy.retention import RoleSpan
from privacydesk.register.models import AgreementParty, Datum, Person, Role

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
    # Every role, for the role limit of C3..C5; None: not gathered (no limit applied).
    roles: tuple[RoleSpan, ...] | None = None


def _ends(ends: list[date | None]) -> tuple[date | None, bool]:
    """(latest end, running): running when any of them has no end date."""
    if not ends:
        return None, False
    if any(e is None for e in ends):
        return None, True
    return max(e for e in ends if e is not None), False


def person_facts(person: Person | int) -> PersonFacts:
    """Gather the facts for `person` (a Person or its primary key) in a few queries."""
    pid = person.pk if isinstance(person, Person) else person
    return facts_for_people([pid])[pid]


def facts_for_people(pids: Iterable[int]) -> dict[int, PersonFacts]:
    """Gather the facts of many people at once: four set-based queries in all, whatever
    their number (the sweep decides a whole batch of people with them). Every id given
    gets an entry; a person without roles, agreements, holds or contact gets empty facts."""
    from privacydesk.retention.models import ContactMark, LegalHold

    ids = list(pids)
    roles: dict[int, list[tuple[str, date, date | None]]] = defaultdict(list)
    agreements: dict[int, dict[int, date | None]] = defaultdict(dict)
    holds: dict[int, list[date | None]] = defaultdict(list)
    contact: dict[int, date] = {}
    for chunk in chunks(ids):
        for pid, kind, start, end in Role.objects.filter(person_id__in=chunk).order_by() \
                .values_list("person_id", "kind", "started_on", "ended_on"):
            roles[pid].append((kind, start, end))
        for pid, aid, end in AgreementParty.objects.filter(person_id__in=chunk).order_by() \
                .values_list("person_id", "agreement_id", "agreement__ends_on"):
            agreements[pid][aid] = end
        for pid, until in LegalHold.objects.filter(person_id__in=chunk, lifted_at__isnull=True) \
                .order_by().values_list("person_id", "until"):
            holds[pid].append(until)
        contact.update(ContactMark.objects.filter(person_id__in=chunk).order_by()
                       .values_list("person_id", "last_contact_on"))
    return {pid: _facts(roles.get(pid, []), agreements.get(pid, {}), holds.get(pid, []),
                        contact.get(pid)) for pid in ids}


def chunks(ids: list[int], size: int = 900) -> Iterator[list[int]]:
    """`ids` in slices small enough for any database's bound-parameter limit."""
    for start in range(0, len(ids), size):
        yield ids[start:start + size]


def _facts(roles: list[tuple[str, date, date | None]], agreements: dict[int, date | None],
           holds: list[date | None], contact: date | None) -> PersonFacts:
    employee = [end for kind, _, end in roles if kind == EMPLOYEE]
    if not employee:
        # Registered only as former employee: employment ended the day before that role.
        employee = [start - timedelta(days=1) for kind, start, _ in roles
                    if kind == FORMER_EMPLOYEE]
    employment_end, employment_running = _ends(employee)
    role_end, role_running = _ends([end for _, _, end in roles])
    agreement_end, agreement_running = _ends(list(agreements.values()))
    hold_until, hold_open = _ends(holds)
    spans = tuple(sorted((RoleSpan(kind, start, end) for kind, start, end in roles),
                         key=lambda r: (r.kind, r.started_on, r.ended_on or date.max)))
    return PersonFacts(employment_end, employment_running, role_end, role_running,
                       agreement_end, agreement_running, agreements, hold_until, hold_open,
                       contact, spans)


def datum_facts(datum: Datum, facts: PersonFacts) -> RetentionFacts:
    """The RetentionFacts of one datum: its own agreement if linked (P3), else the person's."""
    return row_facts(datum.agreement_id, datum.created_at, facts)


def row_facts(agreement_id: int | None, created_at: datetime | None,
              facts: PersonFacts) -> RetentionFacts:
    """`datum_facts` from a datum's bare column values (set-based callers: the sweep)."""
    if agreement_id is not None and agreement_id in facts.agreements:
        end = facts.agreements[agreement_id]
        agreement_end, agreement_running = end, end is None
    else:
        agreement_end, agreement_running = facts.agreement_end, facts.agreement_running
    collected = clock.day_of(created_at) if created_at else clock.today()
    return RetentionFacts(
        collected_on=collected, last_contact_on=facts.last_contact_on,
        agreement_end=agreement_end, agreement_running=agreement_running,
        employment_end=facts.employment_end, employment_running=facts.employment_running,
        role_end=facts.role_end, role_running=facts.role_running,
        legal_hold_until=facts.hold_until, legal_hold_open=facts.hold_open,
        roles=facts.roles)


def decide(datum: Datum, facts: PersonFacts) -> RetentionDecision:
    """The policy's retention decision for `datum` (the policy is the only rule-keeper)."""
    return get_policy().retention_decision(datum.CATEGORY, datum.purpose, datum.legal_basis,
                                           datum_facts(datum, facts))
