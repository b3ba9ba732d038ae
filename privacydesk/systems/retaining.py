"""Retention in the other systems (R1–R3, #16.3): what is due there goes, or its owner
reviews it by hand.

A connector that can list its records by date offers `due(before) -> [Record]` (detected
with `hasattr`, so the connector contract stays as it is): the SQL
connector lists rows by the dataset's `date` column, the IMAP connector messages by their
Date header. For such a connected system

- the retention **plan** (`plan_rows`, a retention plan source) counts per day how many of
  its records become due: a record is due on `record.dated + period` of the system's
  `retention` rule (from 31 December of its year when the rule counts from the year end),
  or of the contact period (R2) when the system names no rule — counts only, no person;
- the daily **sweep** (`sweep`, a retention prune job) erases what is due through the
  connector — `erase(records, Subject())`, or `expire(records)` where a connector's erase
  only removes what names a person (IMAP) — keeps what the law keeps (an archive-only
  folder or table under another system's rule, R3), lists again what is due (the
  re-search), and writes one receipt per system and run
  (`DeletionReceipt`, kind "system": the system, the rule and its law, the count, the time;
  never a value or a locator) and an audit entry (the signed chain, Sec1) with the counts
  per action. In an archive-only system the rule *is* the law that keeps its records
  (`keeping`): once its period has passed for a record nothing keeps it, so the sweep
  removes it too (R3: kept only as long as the law says — an invoice of 2018 goes in 2026).

A system that fails (down, timeout, refused, or records still due after the sweep) is
recorded on its retention state (a `SystemTask` with action "retain", one per system): the
error kind and a safe message, and how many sweeps in a row failed. It is never reported
done: the state stays *retrying*, and *failed* from the third failed sweep in a row; every
sweep (one a day) tries once more, so the tries are bounded to one per sweep and the data
still go as soon as the system answers (R1 keeps counting).

Every other declared system (manual, not connected here, or a connector without `due`)
gets a periodic **review** task for its owner role (`reviews`, a prune job): a manual
`SystemTask` with action "review" on the back office's task list, once per review interval:
the system's `scan_interval` when the policy declares one (the policy's own cadence for
looking into that system), else the period of its retention rule, else the contact period
(R2). A new review comes only when the previous one was confirmed, so open reviews never
pile up; its deadline is the day the next one would be due.
"""

from __future__ import annotations

import logging
import uuid
from collections import Counter
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import partial
from typing import Any, Protocol, runtime_checkable

from django.db import transaction
from django.utils import timezone

from privacydesk.policy import clock
from privacydesk.policy.active import get_policy
from privacydesk.policy.dates import add_period
from privacydesk.policy.model import Label, Period
from privacydesk.policy.retention import CONTACT_PERIOD
from privacydesk.retention.models import DeletionReceipt
from privacydesk.systems import calls, declared, tasks
from privacydesk.systems.connector import Connector, Outcome, Record, Subject
from privacydesk.systems.declared import Declared
from privacydesk.systems.models import SystemTask
from privacydesk.vault import audit

log = logging.getLogger("privacydesk.systems")

#: The SystemTask actions of this module (one state row per system; review tasks).
RETAIN, REVIEW = SystemTask.RETAIN, SystemTask.REVIEW
#: Sweeps in a row that failed before the state says "failed" (it is retried all the same).
MAX_ATTEMPTS = 3
#: The reference the task list shows for the retention rows (no request behind them).
REF = "R1"
_NAMESPACE = uuid.UUID("8c1f5f64-54a4-4d53-9d0a-2f6c7f3b6e21")


@runtime_checkable
class Expiring(Protocol):
    """A connector whose `erase` removes only what names a person (a mailbox) removes what
    `due` listed, whoever it concerns."""

    def expire(self, records: Sequence[Record]) -> list[Outcome]: ...


@runtime_checkable
class Keeping(Protocol):
    """A connector that keeps, in an archive-only system, only the categories the law keeps
    there and empties the rest (C2, R3); see `keeping`."""

    def keeping(self, categories: Collection[str], reason: str) -> Any: ...


def can_list_by_date(connector: object) -> bool:
    """Whether `connector` offers `due` (hasattr: connector.py's Protocol stays unchanged)."""
    return callable(getattr(connector, "due", None))


@dataclass(frozen=True)
class Rule:
    """The period that applies in a system: its `retention` rule, or the contact period."""

    id: str
    period: Period
    from_year_end: bool
    law: Label
    promise: str
    categories: tuple[str, ...] = ()

    def due_on(self, dated: date) -> date:
        """The day a record dated `dated` is due."""
        start = date(dated.year, 12, 31) if self.from_year_end else dated
        return add_period(start, self.period)

    def before(self, day: date) -> date:
        """A cutoff for `due(before)` that lists at least every record due by `day`: a
        period is never shorter than 365 days a year and 28 a month (the exact day is
        decided per record by `due_on`)."""
        p = self.period
        shortest = timedelta(days=p.years * 365 + p.months * 28 + p.days)
        try:
            return day - shortest + timedelta(days=1)
        except OverflowError:
            return date.min


def rule_of(system: Declared) -> Rule:
    """The system's retention rule; the contact period (R2) when it names none."""
    retention = get_policy().retention
    for rule in retention.rules:
        if rule.id == system.retention:
            return Rule(rule.id, rule.period, rule.from_year_end, rule.law, rule.promise or "R1",
                        tuple(sorted(rule.categories)))
    return Rule(CONTACT_PERIOD, retention.contact_period, False, retention.contact_law, "R2")


def keeping(system: Declared, connector: Any) -> Any | None:
    """The connector as it acts in `system`: in an archive-only system (R3) whose rule names
    what the law keeps and whose connector can keep by category, the connector keeping only
    those categories, with the law as the reason (C2: nothing more is kept than the law
    requires); None for an archive-only system whose connector cannot (everything there is
    kept, as declared); else `connector` itself."""
    if not system.archive_only:
        return connector
    rule = rule_of(system)
    if rule.id == CONTACT_PERIOD or not rule.categories or not isinstance(connector, Keeping):
        return None
    return connector.keeping(rule.categories, rule.law.get("nl"))


def past_the_law(system: Declared, records: Sequence[Record], day: date) -> list[Record]:
    """The records of an archive-only system whose rule's period is over on `day`: the law
    kept them that long and no longer (R3), so an erasure lets them go as the sweep would
    (an invoice of 2018 erased in 2026). None elsewhere, nor without a date."""
    rule = rule_of(system)
    if not system.archive_only or rule.id == CONTACT_PERIOD:
        return []
    return [r for r in records if r.dated is not None and rule.due_on(r.dated) <= day]


def _swept() -> list[tuple[Declared, Connector | calls.Failure]]:
    """The connected systems whose connector lists records by date (or could not even be
    built: a misdeclared dataset is a failure, not a manual review)."""
    found: list[tuple[Declared, Connector | calls.Failure]] = []
    for system in declared.systems():
        if system.reached() != declared.CONNECTED:
            continue
        connector = calls.guarded(system, partial(calls.connector_of, system))
        if isinstance(connector, calls.Failure) or can_list_by_date(connector):
            found.append((system, connector))
    return found


def _due(connector: Any, rule: Rule, day: date) -> list[Record]:
    """The connector's records due by `day` under `rule`; a record without a date is not
    listed (nothing to count from)."""
    return [r for r in connector.due(rule.before(day))
            if r.dated is not None and rule.due_on(r.dated) <= day]


# -- the plan -------------------------------------------------------------------------------

def plan_rows(until: date, today: date, lang: str) -> Counter[tuple[date, str, str, str]]:
    """The retention plan source (`retention.registry`): per day (overdue ones on `today`)
    how many records of each swept system become due by `until`, named by the system's
    label in `lang`, with the rule and its law. A system that cannot be asked now is left
    out of the plan (logged without values); its sweep records the failure."""
    counts: Counter[tuple[date, str, str, str]] = Counter()
    for system, connector in _swept():
        if isinstance(connector, calls.Failure):
            continue
        rule = rule_of(system)
        answer = calls.guarded(system, partial(_due, connector, rule, until))
        if isinstance(answer, calls.Failure):
            log.warning("retention plan: %s could not be asked (%s)", system.id, answer.kind)
            continue
        for record in answer:
            when = max(rule.due_on(record.dated or today), today)
            counts[(when, system.name(lang), rule.id, rule.law.get(lang))] += 1
    return counts


# -- the sweep ------------------------------------------------------------------------------

def state_of(system: Declared) -> SystemTask:
    """The system's retention state (one SystemTask per system, created when first
    needed)."""
    return tasks.upsert(request_uid=uuid.uuid5(_NAMESPACE, f"{RETAIN}:{system.id}"),
                        request_ref=REF, person_ref="", system=system, action=RETAIN,
                        status=SystemTask.DONE)


def _sweep_one(system: Declared, connector: Any, day: date) -> dict[str, Any]:
    rule = rule_of(system)
    # An archive-only system's rule is the law that keeps its records: what `_due` lists is
    # past that law's period, so the connector keeping by law expires it too (R3).
    connector = keeping(system, connector) or connector
    records = _due(connector, rule, day)
    outcomes: list[Outcome] = []
    if records:
        if isinstance(connector, Expiring):
            outcomes = connector.expire(records)
        else:
            outcomes = connector.erase(records, Subject())
    actions = Counter(o.action for o in outcomes)
    kept = {o.locator for o in outcomes if o.action == "kept"}
    # The re-search: what is still due and not kept by law was not swept. A record may be
    # kept under a new locator (moved to an archive-only quarantine folder, a disabled
    # entry moved to the former staff): the connector marks it kept (Record.kept).
    left = [r for r in _due(connector, rule, day)
            if r.locator not in kept and not r.kept]
    return {"found": len(records), "done": len(outcomes) - actions.get("kept", 0),
            "kept": len(kept), "remaining": len(left), "actions": dict(actions),
            "reason": "; ".join(sorted({o.detail for o in outcomes
                                        if o.action == "kept" and o.detail}))[:200]}


def _record(system: Declared, task: SystemTask, answer: dict[str, Any] | calls.Failure,
            day: date) -> None:
    """Write the run's outcome: the state, a receipt for what went, the audit entry."""
    now = timezone.now()
    rule = rule_of(system)
    task.updated_at, task.owner_role = now, system.owner
    detail: dict[str, Any] = {"rule": rule.id, "day": day.isoformat()}
    if isinstance(answer, calls.Failure):
        task.error_kind, task.error = answer.kind, answer.line()
    else:
        task.found, task.done, task.kept = answer["found"], answer["done"], answer["kept"]
        task.remaining, task.researched_at = answer["remaining"], now
        detail.update(actions=answer["actions"], reason=answer["reason"])
        if answer["remaining"]:
            task.error_kind = "garbage"
            task.error = (f"garbage: {system.id}: {answer['remaining']} record(s) still due "
                          "after the sweep")
        else:
            task.error_kind, task.error = "", ""
    if task.error_kind:
        task.attempts = min(task.attempts + 1, 32767)
        task.status = SystemTask.FAILED if task.attempts >= MAX_ATTEMPTS else \
            SystemTask.RETRYING
        log.warning("retention in %s: sweep failed (%s), %d in a row", system.id,
                    task.error_kind, task.attempts)
    else:
        task.attempts, task.status = 0, SystemTask.DONE
        detail["done_at"] = now.isoformat()
    task.detail = {**task.detail, **detail}
    with transaction.atomic():
        task.save()
        if task.done:   # 0 after a failure (sweep)
            DeletionReceipt.objects.create(
                kind=DeletionReceipt.SYSTEM, at=now, model=f"systems.{system.id}",
                category="", rule_id=rule.id, law_nl=rule.law.get("nl"),
                law_en=rule.law.get("en"), promise=rule.promise, count=task.done,
                person_ref="", object_ids=[], actor="system")
        audit.record(actor="system", action="systems.retention", object_type="systems.system",
                     object_id=system.id, person_ref="", purpose="retention",
                     detail={"rule": rule.id, "status": task.status,
                             "found": 0 if isinstance(answer, calls.Failure) else task.found,
                             "done": 0 if isinstance(answer, calls.Failure) else task.done,
                             "kept": 0 if isinstance(answer, calls.Failure) else task.kept,
                             "remaining": task.remaining, "error": task.error_kind})


def sweep(today: date) -> int:
    """The prune job (`retention.registry`, daily): sweep every connected system that lists
    records by date, each on its own (one failing never stops another); return how many
    records were erased, anonymised or moved."""
    gone = 0
    for system, connector in _swept():
        try:
            task = state_of(system)
            if isinstance(connector, calls.Failure):
                answer: dict[str, Any] | calls.Failure = connector
            else:
                answer = calls.guarded(system, partial(_sweep_one, system, connector, today))
            task.done = 0
            _record(system, task, answer, today)
        except Exception as exc:  # noqa: BLE001 - one system never stops the daily prune
            # The other apps' prune jobs run after this one (retention.prune.prune_system);
            # the type only: the text of an unexpected error may quote a value.
            log.error("retention in %s: the sweep could not be recorded (%s)", system.id,
                      type(exc).__name__)
            continue
        if not isinstance(answer, calls.Failure):
            gone += answer["done"]
    return gone


def open_sweeps() -> list[SystemTask]:
    """The systems whose last sweep failed (retrying or failed): R1 is not met there."""
    return list(SystemTask.objects.filter(action=RETAIN, status__in=SystemTask.OPEN)
                .order_by("system"))


# -- reviews by hand ------------------------------------------------------------------------

def review_interval(system: Declared) -> Period:
    """How often the owner reviews a system privacydesk cannot sweep: its `scan_interval`
    when declared (the policy's cadence for that system), else its rule's period, else the
    contact period (R2)."""
    interval = system.scan_interval
    if isinstance(interval, dict):   # a [[systems]] table read as TOML (tests, the demo)
        interval = Period(**interval)
    if isinstance(interval, Period) and not interval.is_zero:
        return interval
    return rule_of(system).period


def reviewed() -> list[Declared]:
    """The declared systems that get review tasks: every one but the register that is not
    swept here (manual, not connected, or a connector without `due`)."""
    swept = {system.id for system, _ in _swept()}
    return [s for s in declared.systems()
            if s.reached() != declared.REGISTER and s.id not in swept]


def reviews(today: date) -> int:
    """The prune job (daily): a review task for each reviewed system whose last review is
    confirmed and one review interval old (or that never had one); returns how many were
    created. The task asks the owner role to delete by hand what is past the rule there."""
    created = 0
    for system in reviewed():
        try:
            created += _review(system, today)
        except Exception as exc:  # noqa: BLE001 - one system never stops the daily prune
            log.error("retention review of %s could not be written (%s)", system.id,
                      type(exc).__name__)
    return created


def _review(system: Declared, today: date) -> int:
    """1 when a review task for `system` was written on `today`, else 0."""
    last = (SystemTask.objects.filter(system=system.id, action=REVIEW)
            .order_by("-created_at", "-id").first())
    interval = review_interval(system)
    if last is not None and (last.status in SystemTask.OPEN or
                             add_period(clock.day_of(last.created_at), interval) > today):
        return 0
    now, rule_id = timezone.now(), rule_of(system).id
    with transaction.atomic():
        task, made = SystemTask.objects.get_or_create(
            request_uid=uuid.uuid5(_NAMESPACE, f"{REVIEW}:{system.id}:{today}"),
            system=system.id, action=REVIEW,
            defaults={"request_ref": f"{REF} {today:%Y-%m-%d}", "person_ref": "",
                      "created_at": now, "updated_at": now, "owner_role": system.owner,
                      "status": SystemTask.MANUAL, "key_id": "", "ciphertext": b"",
                      "deadline": clock.start_of(add_period(today, interval)),
                      "detail": {"rule": rule_id}})
        if made:
            audit.record(actor="system", action="systems.review", object_type="systems.system",
                         object_id=system.id, person_ref="", purpose="retention",
                         detail={"rule": rule_id, "task": task.pk})
    return int(made)


# -- privacydesk check ----------------------------------------------------------------------

#: A sweep older than this means the daily sweep did not run (one day and a margin).
SWEEP_GRACE = timedelta(hours=36)


@dataclass
class Findings:
    """R1 across systems, from what the sweeps and reviews recorded (no network call):
    `failures`, `warnings` and `fine`, one line per system, never a value or a URL."""

    failures: list[str]
    warnings: list[str]
    fine: list[str]


def findings() -> Findings:
    """For `privacydesk check`: FAIL for a swept system whose last sweep failed (records
    past their date are still there, R1) or ran longer ago than SWEEP_GRACE (the daily
    sweep stopped), and for a review task past its deadline; WARN for a connected system
    never swept, or a reviewed system that never had a review (the daily prune has not run
    since it was declared)."""
    out = Findings([], [], [])
    now = timezone.now()
    states = {t.system: t for t in SystemTask.objects.filter(action=RETAIN)}
    for system, _ in _swept():
        state = states.get(system.id)
        if state is None:
            out.warnings.append(f"{system.id}: connected, never swept yet")
        elif state.status in SystemTask.OPEN:
            out.failures.append(f"{system.id}: the last {state.attempts} sweep(s) failed "
                                f"({state.error_kind}); what is due there is still held")
        elif now - state.updated_at > SWEEP_GRACE:
            out.failures.append(f"{system.id}: last swept on "
                                f"{clock.day_of(state.updated_at).isoformat()}; the daily "
                                "sweep has not run since")
        else:
            out.fine.append(f"{system.id}: swept on {clock.day_of(state.updated_at)}, "
                            f"{state.kept} kept by law, nothing else due left")
    for system in reviewed():
        last = (SystemTask.objects.filter(system=system.id, action=REVIEW)
                .order_by("-created_at", "-id").first())
        if last is None:
            out.warnings.append(f"{system.id}: no retention review yet")
        elif last.status in SystemTask.OPEN and last.deadline is not None \
                and last.deadline < now:
            out.failures.append(f"{system.id}: the retention review of "
                                f"{clock.day_of(last.created_at)} is past its deadline, "
                                f"staff role {system.owner!r}")
        else:
            out.fine.append(f"{system.id}: reviewed by hand (staff role {system.owner!r})")
    return out
