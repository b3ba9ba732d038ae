"""The rows of what a request asked of each system (`SystemTask`), and the staff steps on
them: a manual task confirmed by its owner, an unreachable system answered without (Rt1).

Every step is audited (Sec4) by the request's person ref, with counts and kinds only.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import date, datetime, timedelta
from typing import Any
from uuid import UUID

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_noop

from privacydesk.policy import clock
from privacydesk.policy.errors import RuleViolation
from privacydesk.systems.connector import Subject
from privacydesk.systems.declared import Declared
from privacydesk.systems.models import SystemTask
from privacydesk.vault import audit

MAX_NOTE = 300
# Marked for the catalogue (staff read it in Dutch): the number is MAX_NOTE's.
_NOTE_RULE = gettext_noop("at most 300 characters, no e-mail addresses (the note is kept as "
                          "a record, not personal data)")


def of_request(request_uid: UUID | str, action: str | None = None) -> QuerySet[SystemTask]:
    """The tasks of one request (of one action when given), in creation order."""
    found = SystemTask.objects.filter(request_uid=request_uid)
    return found.filter(action=action) if action else found


def blocking(request_uid: UUID | str, actions: tuple[str, ...]) -> list[SystemTask]:
    """The tasks of `actions` that keep the request from being answered (Rt1, Rt3): failed,
    queued, running, retrying, or a manual task its owner has not confirmed."""
    return list(of_request(request_uid).filter(action__in=actions,
                                               status__in=SystemTask.OPEN))


def upsert(*, request_uid: UUID | str, request_ref: str, person_ref: str, system: Declared,
           action: str, now: datetime | None = None, **defaults: Any) -> SystemTask:
    """The task of (request, system, action), created when first needed (with `defaults`)."""
    when = now or timezone.now()
    task, _created = SystemTask.objects.get_or_create(
        request_uid=request_uid, system=system.id, action=action,
        defaults={"request_ref": request_ref, "person_ref": person_ref, "created_at": when,
                  "updated_at": when, "owner_role": system.owner, "key_id": "",
                  "ciphertext": b"", **defaults})
    return task


def seal_subject(task: SystemTask, subject: Subject) -> None:
    """Keep the subject with the task (sealed) while it may still run (not saved)."""
    task.set_secret(json.dumps(asdict(subject), ensure_ascii=False))


def subject_of(task: SystemTask) -> Subject:
    """The sealed subject of a task; an empty Subject once it was cleared."""
    if not task.key_id:
        return Subject()
    data: dict[str, Any] = json.loads(task.get_secret())
    return Subject(name=data.get("name", ""), emails=tuple(data.get("emails", ())),
                   phones=tuple(data.get("phones", ())),
                   postcode_house_numbers=tuple(data.get("postcode_house_numbers", ())),
                   ids={k: tuple(v) for k, v in (data.get("ids") or {}).items()})


def clear_subject(task: SystemTask) -> None:
    """Forget the subject (not saved): the task has settled, its names may not outlive the
    need (R1). An empty key id marks a value cleared on purpose (vault.rotation)."""
    task.key_id, task.ciphertext = "", b""


def _note(note: str, field: str) -> str:
    text = (note or "").strip()
    if not text:
        raise RuleViolation(field, "required", gettext_noop("say what was done (or why)"))
    if len(text) > MAX_NOTE or "@" in text:
        raise RuleViolation(field, "format", _NOTE_RULE)
    return text


def confirm_manual(task: SystemTask, *, actor: str, note: str,
                   done: int | None = None) -> SystemTask:
    """The owner of a manual system confirms what was done there (#16.3): who, what, when.
    `done`: how many records were erased or found, when the owner counted them. Refused for
    a task that is not waiting for its owner."""
    text = _note(note, "confirmation")
    if task.status != SystemTask.MANUAL:
        raise RuleViolation("task", "status",
                            gettext_noop("this task is not waiting for confirmation"))
    if task.action == SystemTask.ERASE and task.detail.get("left"):
        # Rt3: what a connected system's erasure left for its owner is confirmed by searching
        # the system again, not by the owner's word alone.
        from privacydesk.systems import erasing

        erasing.research_left(task)
    now = timezone.now()
    with transaction.atomic():
        task.status, task.confirmed_by, task.confirmed_at = SystemTask.CONFIRMED, actor, now
        task.confirmation, task.updated_at = text, now
        if done is not None:
            if done < 0:
                raise RuleViolation("done", "format", gettext_noop("a count is 0 or more"))
            task.done = done
        if task.action == SystemTask.ERASE:
            # The owner's confirmation is the re-search of a system without a connector (of
            # a connected one, the search research_left made just now).
            task.remaining, task.researched_at = 0, now
        clear_subject(task)
        task.save()
        audit_step(task, actor=actor, step="systems.confirm", action=task.action,
                   done=task.done)
    return task


def resolve(task: SystemTask, *, actor: str, note: str) -> SystemTask:
    """Rt1: staff record why the answer goes without this system (it stays unreachable).
    Only for a search (find/export) that failed: an erasure is never answered while a
    system fails (Rt3) — retry it instead."""
    text = _note(note, "resolution")
    if task.action not in (SystemTask.FIND, SystemTask.EXPORT):
        raise RuleViolation("task", "Rt3", gettext_noop(
            "an erasure or correction is retried, never answered without the system"))
    if task.status not in (SystemTask.FAILED, SystemTask.MANUAL):
        raise RuleViolation("task", "status", gettext_noop(
            "only a system that could not be searched is answered without"))
    now = timezone.now()
    with transaction.atomic():
        task.status, task.resolved_by, task.resolved_at = SystemTask.RESOLVED, actor, now
        task.resolution, task.updated_at = text, now
        task.save(update_fields=["status", "resolved_by", "resolved_at", "resolution",
                                 "updated_at"])
        audit_step(task, actor=actor, step="systems.resolve", error=task.error_kind)
    return task


def audit_step(task: SystemTask, *, actor: str, step: str, **detail: Any) -> None:
    """The audit entry of `step` on `task` (Sec4), with the purpose of the task's right:
    its request and system, then `detail` (counts and kinds only)."""
    purpose = {"find": "access_request", "export": "portability", "erase": "erasure",
               "correct": "rectification"}.get(task.action, "data_subject_request")
    audit.record(actor=actor, action=step, object_type="systems.systemtask",
                 object_id=str(task.pk), person_ref=task.person_ref, purpose=purpose,
                 detail={"request": task.request_ref, "system": task.system, **detail})


def open_manual(owner_roles: tuple[str, ...] | None = None) -> QuerySet[SystemTask]:
    """The manual tasks waiting for their owner (of `owner_roles` when given), the nearest
    deadline first (Art. 12(3): the request's clock runs for them too)."""
    found = SystemTask.objects.filter(status=SystemTask.MANUAL)
    if owner_roles is not None:
        found = found.filter(owner_role__in=owner_roles)
    return found.order_by("deadline", "id")


#: A sealed subject of a task that never settled is cleared this long after the request's
#: deadline (Art. 12(3): two months' extension at most, and a margin).
SUBJECT_KEPT = timedelta(days=92)


def prune_subjects(day: date) -> int:
    """R1, the daily prune job: clear the sealed subject of every task that settled (a
    crash between settling and clearing) or whose request's deadline lies more than
    SUBJECT_KEPT before `day`; the task row stays as the record (pseudonymous). Returns how
    many subjects were cleared."""
    cutoff = clock.start_of(day) - SUBJECT_KEPT
    stale = SystemTask.objects.exclude(key_id="").filter(
        Q(status__in=SystemTask.SETTLED) | Q(deadline__lt=cutoff)
        | Q(deadline__isnull=True, updated_at__lt=cutoff))
    return stale.update(key_id="", ciphertext=b"")
