"""Erasure (Rt3) in every declared system, as tasks on the task queue (#16.3).

`plan` (inside the register's erasure transaction) writes one erase task per declared system:
queued for a connected system (the subject sealed with it), a manual task for its owner
role with the request's deadline, "not connected" for a system this installation does not
reach. After commit each queued task is handed to the queue (`dispatch`); `run` is one try:
find, erase (in an archive-only system: keep what the law keeps there, with the law, and
erase the rest — R3, C2), then search again — the re-search — and record "N records left at
HH:MM". A try that fails or leaves records
is retried up to `MAX_ATTEMPTS` times, later each time; then the task is failed and stays
open on the request, which is never reported done while a system fails or a manual task is
open (the request's clock keeps running). When the last task of a request settles, the
`settled` hooks run (the requests app sends the receipt).
"""

from __future__ import annotations

import functools
import logging
from collections import Counter
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from privacydesk.policy import clock
from privacydesk.policy.errors import RuleViolation
from privacydesk.systems import calls, declared, dispatch, retaining, tasks
from privacydesk.systems.connector import Outcome, Subject
from privacydesk.systems.models import SystemTask
from privacydesk.vault import audit

log = logging.getLogger("privacydesk.systems")

#: Tries per system, the first included (bounded retries, #16).
MAX_ATTEMPTS = 3
#: Wait before try n+1: RETRY_AFTER * n.
RETRY_AFTER = timedelta(minutes=1)

#: A connector's Outcome for text the system offers no way to change (connectors.rest).
LEFT = "left"

#: Called with the request's uid when its last erase task settled (the requests app).
settled: list[Callable[[str], None]] = []


def plan(*, request_uid: UUID | str, request_ref: str, person_ref: str,
         subject: Callable[[], Subject], deadline: datetime | None,
         actor: str) -> list[SystemTask]:
    """Write the erase task of every declared system but the register (call inside the
    register erasure's transaction); hand the queued ones to the queue after commit.
    `subject` reads the person's Subject (an audited read), once, only when a system
    is connected or manual."""
    now = timezone.now()
    the_subject = functools.cache(subject)
    written: list[SystemTask] = []
    for system in declared.systems():
        reached = system.reached()
        if reached == declared.REGISTER:
            continue
        task = tasks.upsert(request_uid=request_uid, request_ref=request_ref,
                            person_ref=person_ref, system=system, action=SystemTask.ERASE,
                            now=now)
        if task.status not in (SystemTask.QUEUED, SystemTask.RETRYING, SystemTask.FAILED,
                               SystemTask.MANUAL):
            written.append(task)   # settled before (a resent receipt): as it was
            continue
        if reached == declared.NOT_CONNECTED:
            task.status = SystemTask.NOT_CONNECTED
        else:
            task.status = SystemTask.MANUAL if reached == declared.MANUAL else SystemTask.QUEUED
            task.deadline = deadline
            tasks.seal_subject(task, the_subject())   # the owner's page shows whom to erase
        task.updated_at = now
        task.save()
        written.append(task)
    audit.record(actor=actor, action="systems.erase.plan", object_type="systems.systemtask",
                 person_ref=person_ref, purpose="erasure",
                 detail={"request": request_ref,
                         "systems": {t.system: t.status for t in written}})
    for queued in written:
        if queued.status == SystemTask.QUEUED:
            _enqueue_on_commit(queued.pk, 1)
    return written


def _enqueue_on_commit(task_id: int, attempt: int, delay: timedelta | None = None) -> None:
    """Hand try `attempt` of `task_id` to the queue once the transaction commits."""
    transaction.on_commit(functools.partial(dispatch.enqueue, task_id, attempt, delay))


def run(task_id: int, attempt: int = 1) -> dict[str, Any]:
    """One try of one erase task (what the queue's task calls); a small JSON summary."""
    task = SystemTask.objects.filter(pk=task_id).first()
    if task is None or task.status not in (SystemTask.QUEUED, SystemTask.RETRYING):
        return {"skipped": True}   # settled, or a second copy of the same try
    system = declared.system(task.system)
    now = timezone.now()
    if system is None or system.reached() != declared.CONNECTED:
        # Declared no longer, or its URL went away: nothing to call; staff see why.
        task.status, task.error_kind = SystemTask.FAILED, "misdeclared"
        task.error = f"misdeclared: {task.system} is not connected here"
        task.attempts, task.updated_at = attempt, now
        task.save()
        _after(task)
        return {"status": task.status}
    SystemTask.objects.filter(pk=task.pk).update(status=SystemTask.RUNNING, attempts=attempt,
                                                 updated_at=now)
    subject = tasks.subject_of(task)

    def erase() -> dict[str, Any]:
        plain = calls.connector_of(system)
        try:
            return erase_with(plain)
        finally:
            calls.close(plain)  # one session for find, erase and re-search (#16 Speed)

    def erase_with(plain: Any) -> dict[str, Any]:
        # In an archive-only system the connector keeps only the categories of the system's
        # rule (R3: the law keeps invoices, name, address; C2: not her phone or e-mail).
        connector = retaining.keeping(system, plain)
        if connector is None:
            # An archive-only system whose connector cannot keep by category: the law keeps
            # what is there as declared; nothing is erased. What the law keeps is counted as
            # kept, not as left (`check` Rt3 fails a receipt line with records left).
            records = plain.find(subject)
            return {"found": len(records), "done": 0, "kept": len(records),
                    "remaining": 0, "actions": {"kept": len(records)}}
        records = connector.find(subject)
        # Rt3: what an earlier try touched is read back by key too (a connector that can): a
        # try that scrubbed a ticket and then failed left its history where the system's
        # search does not look. What this try will touch is noted before it writes.
        by_key = getattr(connector, "find_again", None)
        if callable(by_key):
            earlier = [str(locator) for locator in task.detail.get("touched", [])]
            seen = {r.locator for r in records}
            records += [r for r in (by_key(subject, earlier) if earlier else [])
                        if r.locator not in seen]
            touched = sorted({*earlier, *(r.locator for r in records)})
            if touched != earlier:
                task.detail = {**task.detail, "touched": touched}
                SystemTask.objects.filter(pk=task.pk).update(detail=task.detail)
        # R3: the law keeps a record only for its rule's period; one past it is not kept but
        # expires, as the daily sweep would let it go (an invoice of 2018 erased in 2026).
        day = clock.today()
        past = {r.locator for r in retaining.past_the_law(system, records, day)} \
            if isinstance(connector, retaining.Expiring) else set()
        outcomes: list[Outcome] = []
        if past:
            outcomes = list(connector.expire([r for r in records if r.locator in past]))
        rest = [r for r in records if r.locator not in past]
        outcomes += connector.erase(rest, subject) if rest else []
        actions = dict(Counter(o.action for o in outcomes))
        # The re-search (Rt3): nothing erasable may be found; what the law keeps there
        # (an invoice, R3) is found again and counted as kept, not as left.
        kept = {o.locator for o in outcomes if o.action == "kept"}
        again = connector.find(subject)
        # A record the connector marks kept (Record.kept holds the reason) is kept where the
        # law or the declaration keeps it, under a locator the erasure may have given it
        # (mail moved to an archive-only quarantine folder): kept, not left. A record that
        # still holds what the law does not keep is not marked, so it is left (C2).
        kept |= {r.locator for r in again if r.kept}
        kept -= {r.locator for r in retaining.past_the_law(system, again, day)}
        left = [r for r in again if r.locator not in kept]
        reasons = sorted({o.detail for o in outcomes if o.action == "kept" and o.detail}
                         | {r.kept for r in again if r.kept})
        # Rt3: text the system offers no way to change (a ticket's history) is "left": no law
        # keeps it and no retry changes it, so its owner removes it by hand. Where (the
        # record and its fields, never a value) goes on the owner's task.
        unchangeable = {o.locator for o in outcomes if o.action == LEFT}
        by_hand = [{"locator": r.locator, "record": f"{r.kind} {r.locator.rsplit('/', 1)[-1]}",
                    "where": sorted(r.fields)} for r in left if r.locator in unchangeable]
        return {"found": len(records), "done": len(outcomes) - actions.get("kept", 0)
                - actions.get(LEFT, 0), "kept": len(kept), "remaining": len(left),
                "actions": actions, "reason": "; ".join(reasons)[:200],
                "by_hand": by_hand if len(by_hand) == len(left) else []}

    answer = calls.guarded(system, erase)
    now = timezone.now()
    task.attempts, task.updated_at = attempt, now
    if isinstance(answer, calls.Failure):
        task.error_kind, task.error = answer.kind, answer.line()
    else:
        task.found, task.done, task.kept = answer["found"], answer["done"], answer["kept"]
        task.remaining, task.researched_at = answer["remaining"], now
        task.detail = {**task.detail, "actions": answer["actions"]}
        if answer.get("reason"):
            task.detail["reason"] = answer["reason"]
        task.error_kind, task.error = "", ""
        if answer["remaining"] and answer.get("by_hand"):
            # Only what the system offers no way to change is left: a manual task for the
            # system's owner role, by the request's deadline (the request stays open, Rt3).
            task.status = SystemTask.MANUAL
            task.detail["left"] = answer["by_hand"]
        elif answer["remaining"]:
            task.error_kind = "garbage"
            task.error = (f"garbage: {system.id}: the re-search still found "
                          f"{answer['remaining']} record(s) after erasing")
        elif system.archive_only and answer["kept"]:
            # R3: the receipt names the law of the system's rule (its id, worded by the
            # receipt); "kept" alone when nothing else was there to erase.
            task.status = SystemTask.KEPT if not answer["done"] else SystemTask.DONE
            task.detail["reason"] = system.retention or "archive_only"
        else:
            task.status = SystemTask.DONE
    if task.status == SystemTask.MANUAL:
        pass   # the subject stays sealed: the owner's page shows whom, the confirmation searches
    elif task.status not in (SystemTask.DONE, SystemTask.KEPT):
        again = attempt < MAX_ATTEMPTS
        task.status = SystemTask.RETRYING if again else SystemTask.FAILED
        log.warning("erasure in %s for %s: try %d of %d failed (%s)", task.system,
                    task.request_ref, attempt, MAX_ATTEMPTS, task.error_kind)
    else:
        tasks.clear_subject(task)
    with transaction.atomic():
        task.save()
        tasks.audit_step(task, actor="system", step="systems.erase", status=task.status,
                         attempt=attempt, done=task.done, kept=task.kept,
                         remaining=task.remaining, error=task.error_kind)
        if task.status == SystemTask.RETRYING:
            _enqueue_on_commit(task.pk, attempt + 1, RETRY_AFTER * attempt)
    _after(task)
    return {"status": task.status, "remaining": task.remaining}


#: The error kind of a try whose worker stopped midway. Not a ConnectorError kind on
#: purpose: the system was never found unreachable (it may have erased all of it, or
#: nothing) — privacydesk's own worker died. Saying "unreachable" would send staff to check
#: a system that is fine; the next try's find and re-search tell what is left (Rt3).
INTERRUPTED = "interrupted"


def lost(task_id: int, attempt: int, *, now: datetime | None = None) -> SystemTask | None:
    """Try `attempt` of erase task `task_id` lost its worker (`jobs.lost` marked the queue's
    task failed): the task goes back to retrying — the next try after RETRY_AFTER * attempt —
    or, when that was the last of MAX_ATTEMPTS, failed (open on the request, as any failed
    erasure, Rt3). Only a task this try left behind (running; queued or retrying with fewer
    tries counted) is touched; a task that settled or moved on is left as it is. Returns the
    task changed, else None."""
    when = now or timezone.now()
    with transaction.atomic():
        task = SystemTask.objects.select_for_update().filter(pk=task_id).first()
        if task is None or not (
                task.status == SystemTask.RUNNING
                or (task.status in (SystemTask.QUEUED, SystemTask.RETRYING)
                    and task.attempts < attempt)):
            return None
        again = attempt < MAX_ATTEMPTS
        task.status = SystemTask.RETRYING if again else SystemTask.FAILED
        task.attempts, task.updated_at, task.error_kind = attempt, when, INTERRUPTED
        task.error = (f"{INTERRUPTED}: the worker stopped during try {attempt}; the next "
                      "try's re-search shows what is left")
        task.save(update_fields=["status", "attempts", "updated_at", "error_kind", "error"])
        tasks.audit_step(task, actor="system", step="systems.erase", status=task.status,
                         attempt=attempt, error=INTERRUPTED)
        if again:
            _enqueue_on_commit(task.pk, attempt + 1, RETRY_AFTER * attempt)
    log.warning("erasure in %s for %s: try %d of %d lost its worker", task.system,
                task.request_ref, attempt, MAX_ATTEMPTS)
    _after(task)
    return task


def retry(task: SystemTask, *, actor: str) -> SystemTask:
    """Staff try a failed erase task again (a fresh series of tries)."""
    if task.action != SystemTask.ERASE or task.status != SystemTask.FAILED:
        raise RuleViolation("task", "status", gettext_noop("only a failed erasure is retried"))
    if not task.key_id:
        raise RuleViolation("task", "status",
                            gettext_noop("this task has no subject left to search for"))
    with transaction.atomic():
        task.status, task.updated_at = SystemTask.QUEUED, timezone.now()
        task.save(update_fields=["status", "updated_at"])
        tasks.audit_step(task, actor=actor, step="systems.retry")
        _enqueue_on_commit(task.pk, 1)
    return task


def _after(task: SystemTask) -> None:
    if task.status not in SystemTask.OPEN:
        notify_settled(task.request_uid)


def research_left(task: SystemTask) -> None:
    """Before the owner confirms what an erasure left to be removed by hand
    (`detail["left"]`): search the system again — its find, and each record left read back
    by its key — and refuse the confirmation (RuleViolation) while the person is still found
    there, or when the system cannot be searched (Rt3: the receipt's 0 is a re-search)."""
    system = declared.system(task.system)
    if system is None or system.reached() != declared.CONNECTED:
        return   # not connected here any more: the owner's word is the re-search, as manually
    subject = tasks.subject_of(task)
    locators = [str(item.get("locator", "")) for item in task.detail.get("left", [])]

    def search() -> int:
        connector = calls.connector_of(system)
        try:
            found = {r.locator: r for r in connector.find(subject)}
            again = getattr(connector, "find_again", None)
            if callable(again):
                found.update({r.locator: r for r in again(subject, locators)})
        finally:
            calls.close(connector)  # the IMAP session ends with the re-search, not at GC
        return len([r for r in found.values() if not r.kept])

    answer = calls.guarded(system, search)
    if isinstance(answer, calls.Failure):
        raise RuleViolation("confirmation", "Rt3", gettext_noop(
            "the system could not be searched again; confirm once it answers"))
    if answer:
        raise RuleViolation("confirmation", "Rt3", gettext_noop(
            "the system still names the person; remove it where the task says first"))


def receipt_lines(request_uid: UUID | str) -> list[dict[str, Any]]:
    """The receipt's line per system (no personal data): system id, outcome (status),
    erased and kept counts, the reason kept, the records left at the re-search and its
    time on the controller's clock ("0 records for this person at 14:02"), who confirmed a
    manual task and when."""
    return [{"system": task.system, "status": task.status, "done": task.done,
             "kept": task.kept, "reason": str(task.detail.get("reason", "")),
             "remaining": task.remaining,
             "researched_at": task.researched_at.isoformat() if task.researched_at else None,
             "confirmed_by": task.confirmed_by, "confirmation": task.confirmation}
            for task in tasks.of_request(request_uid, SystemTask.ERASE).order_by("system")]


def notify_settled(request_uid: UUID | str) -> None:
    """Run the `settled` hooks when no erase task of the request is open (a manual task
    confirmed by its owner settles the request too)."""
    if not tasks.blocking(request_uid, (SystemTask.ERASE,)):
        for hook in settled:
            hook(str(request_uid))
