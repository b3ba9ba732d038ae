"""Access (Rt1) and portability (Rt4) across the declared systems (#16.3).

`search_for_request` asks every connected system at once for the person, records one task
per system (its status, what was found, a failure's kind and safe message), opens a manual
task for the owner of each manual system, and returns one `Section` per declared system for
the report and the zip. Systems declared but not connected here are listed as such and never
block; a connected system that could not be searched blocks sending until a search succeeds
or staff record why the answer goes without it (`tasks.resolve`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from uuid import UUID

from django.db import transaction
from django.utils import timezone

from privacydesk.systems import calls, declared, tasks
from privacydesk.systems.connector import Export, Record, Subject
from privacydesk.systems.declared import Declared
from privacydesk.systems.models import SystemTask
from privacydesk.vault import audit

#: What a section says about a system.
FOUND = "found"                  # searched; `records` may be empty (nothing held)
UNREACHABLE = "unreachable"      # a connected system that could not be searched
NOT_CONNECTED = "not_connected"  # declared, not connected in this installation
MANUAL = "manual"                # its owner searches by hand (task open or confirmed)


@dataclass
class Section:
    """One declared system in an access report or export."""

    system: Declared
    state: str
    records: list[Record] = field(default_factory=list)
    exports: list[Export] = field(default_factory=list)
    task: SystemTask | None = None


def searchable() -> list[Declared]:
    """The declared systems a request looks in: every one but the register itself (the
    requests app reads that) that can find a person or is searched by hand."""
    return [s for s in declared.systems()
            if s.reached() != declared.REGISTER
            and (s.can("find") or s.reached() == declared.MANUAL)]


def search_for_request(*, request_uid: UUID | str, request_ref: str, person_ref: str,
                       subject: Callable[[], Subject], export: bool,
                       deadline: datetime | None, actor: str) -> list[Section]:
    """Search every declared system for the person for one request; see the module doc.
    `subject`: reads the person's Subject (an audited read), called only when a connected
    system is to be searched. `export`: also fetch each system's export files (Rt4)."""
    action = SystemTask.EXPORT if export else SystemTask.FIND
    systems = searchable()
    connected = [s for s in systems if s.reached() == declared.CONNECTED]
    read: list[Subject] = []

    def the_subject() -> Subject:   # one audited read, only when a system needs it
        if not read:
            read.append(subject())
        return read[0]

    answers = ({a.system.id: a for a in calls.search(connected, the_subject(),
                                                       export=export)}
               if connected else {})
    now = timezone.now()
    sections: list[Section] = []
    with transaction.atomic():
        for system in systems:
            task = tasks.upsert(request_uid=request_uid, request_ref=request_ref,
                                person_ref=person_ref, system=system, action=action, now=now)
            reached = system.reached()
            if reached == declared.NOT_CONNECTED:
                task.status = SystemTask.NOT_CONNECTED
                section = Section(system, NOT_CONNECTED, task=task)
            elif reached == declared.MANUAL:
                if task.status not in (SystemTask.CONFIRMED, SystemTask.RESOLVED):
                    task.status, task.deadline = SystemTask.MANUAL, deadline
                    if not task.key_id:   # the owner's page shows whom to look for
                        tasks.seal_subject(task, the_subject())
                section = Section(system, MANUAL, task=task)
            else:
                answer = answers[system.id]
                task.attempts += 1
                if answer.failure is not None:
                    task.error_kind, task.error = answer.failure.kind, answer.failure.line()
                    if task.status != SystemTask.RESOLVED:   # staff's record stands
                        task.status = SystemTask.FAILED
                    section = Section(system, UNREACHABLE, task=task)
                else:
                    task.status, task.error_kind, task.error = SystemTask.DONE, "", ""
                    task.found, task.done = len(answer.records), len(answer.exports)
                    task.detail = {"kinds": _count_kinds(answer.records)}
                    section = Section(system, FOUND, answer.records, answer.exports, task)
            task.updated_at = now
            task.save()
            sections.append(section)
        if sections:
            audit.record(actor=actor, action="systems.search", object_type="systems.systemtask",
                         person_ref=person_ref,
                         purpose="portability" if export else "access_request",
                         detail={"request": request_ref,
                                 "systems": {s.system.id: s.state for s in sections},
                                 "found": sum(len(s.records) for s in sections)})
    return sections


def _count_kinds(records: list[Record]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for record in records:
        counts[record.kind] = counts.get(record.kind, 0) + 1
    return counts
