"""Access (Rt1) and portability (Rt4) across the declared systems (#16.3).

`search_for_request` asks every connected system at once for the person, records one task
per system (its status, what was found, a failure's kind and safe message), opens a manual
task for the owner of each manual system, and returns one `Section` per declared system for
the report and the zip. Systems declared but not connected here are listed as such and never
block; a connected system that could not be searched blocks sending until a search succeeds
or staff record why the answer goes without it (`tasks.resolve`).

A person is found by more than what the register knows (#16, `expand`): the first round
searches with the register's identities; the identities the records found hold beyond them
(`Record.identities`: a second address in the CRM, a work phone in the directory) are
added — unless another person in the register holds one, or it is the controller's own
(`subjects.shared`: skipped, counted for staff) — and every system declaring a kind of a new
identity is searched again with them. Two rounds at most: what the second round's records
hold is not followed further.
"""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from uuid import UUID

from django.db import transaction
from django.utils import timezone

from privacydesk.systems import calls, declared, subjects, tasks
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
    #: Records found only by identities another system knows her by: locator ->
    #: ((kind, (source system ids, ...)), ...) — the report says "found by the address the
    #: CRM holds" (#16).
    via: dict[str, tuple[tuple[str, tuple[str, ...]], ...]] = field(default_factory=dict)


@dataclass
class Expansion:
    """The register's subject and what the first round added to it (#16): each new
    identity (kind, normalised value) with the systems whose records held it, and per
    system the identities its records held that were not used because they are shared
    (counts by kind, never a value)."""

    subject: Subject
    added: dict[tuple[str, str], list[str]] = field(default_factory=dict)
    skipped: dict[str, dict[str, int]] = field(default_factory=dict)

    def for_system(self, system: Declared) -> Subject:
        """The subject `system` is searched with: the register's, plus the added
        identities of the kinds the system declares (a system is asked only by what it
        can be searched by)."""
        extra: dict[str, list[str]] = {}
        for kind, value in self.added:
            if kind in system.identities:
                extra.setdefault(kind, []).append(value)
        return subjects.extended(self.subject, extra)

    def sources(self, kind: str, subject: Subject) -> tuple[str, ...]:
        """The systems whose records gave an added identity of `kind` in `subject`."""
        return tuple(dict.fromkeys(
            s for (added_kind, value), systems in self.added.items()
            if added_kind == kind and subjects.holds(subject, kind, value) for s in systems))

    def kinds(self) -> dict[str, int]:
        return dict(Counter(kind for kind, _value in self.added))


def expand(subject: Subject, answers: list[calls.Searched], *,
           person_ref: str) -> Expansion:
    """What the first round's records add to `subject` (see the module doc)."""
    expansion = Expansion(subject)
    shared: dict[tuple[str, str, str], bool] = {}   # (kind, value, origin): asked once
    held = ((answer.system.id, kind, subjects.identity(kind, raw))
            for answer in answers if answer.failure is None
            for record in answer.records
            for kind, values in record.identities.items() if kind in subjects.EXPANDABLE
            for raw in values)
    for origin, kind, value in held:
        if not value or subjects.holds(subject, kind, value):
            continue
        key = (kind, value)
        if key in expansion.added:
            if origin not in expansion.added[key]:
                expansion.added[key].append(origin)
            continue
        if (kind, value, origin) in shared:
            continue   # counted once per system, however many records hold it
        shared[kind, value, origin] = subjects.shared(kind, value, person_ref=person_ref,
                                                      origin=origin)
        if shared[kind, value, origin]:
            counts = expansion.skipped.setdefault(origin, {})
            counts[kind] = counts.get(kind, 0) + 1
        else:
            expansion.added[key] = [origin]
    return expansion


def search_expanded(systems: list[Declared], subject: Subject, *, person_ref: str,
                    export: bool = False) -> tuple[dict[str, calls.Searched], Expansion,
                                                   dict[str, dict[str, Any]]]:
    """Search `systems` (connected ones) in at most two rounds (see the module doc): the
    answer per system id, the expansion, and per system searched again the records the
    second round alone found, by locator, with the identities that found them (`via`)."""
    # Rt4: the first round only finds; a system searched again exports what the second
    # round found, the others their first round's records, all at the same time.
    first = calls.search(systems, subject)
    answers = {a.system.id: a for a in first}
    expansion = expand(subject, first, person_ref=person_ref)
    again = [(s, expansion.for_system(s)) for s in systems]
    again = [(s, extended) for s, extended in again if extended != subject]
    asked_again = {s.id for s, _extended in again}
    later = [a for a in first if export and a.system.id not in asked_again
             and a.failure is None and a.records]
    via: dict[str, dict[str, Any]] = {}
    for answer in calls.search_each(again, export=export, then_export=later):
        if answer.system.id not in asked_again:
            answers[answer.system.id] = answer
            continue
        asked = expansion.for_system(answer.system)
        before = {r.locator for r in answers[answer.system.id].records}
        answers[answer.system.id] = answer
        new_kinds = [k for k in subjects.EXPANDABLE if expansion.sources(k, asked)]
        found: dict[str, Any] = {}
        for record in answer.records:
            if record.locator in before:
                continue
            matched = {m.split()[0] for m in record.matched_by if m}
            kinds = [k for k in new_kinds if k in matched] or new_kinds
            found[record.locator] = tuple((k, expansion.sources(k, asked)) for k in kinds)
        via[answer.system.id] = found
    return answers, expansion, via


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
    the_subject = functools.cache(subject)   # one audited read, only when a system needs it
    answers: dict[str, calls.Searched] = {}
    expansion: Expansion | None = None
    via: dict[str, dict[str, Any]] = {}
    if connected:
        answers, expansion, via = search_expanded(connected, the_subject(),
                                                  person_ref=person_ref, export=export)
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
                        tasks.seal_subject(task, expansion.for_system(system) if expansion
                                           else the_subject())
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
                    task.detail = {"kinds": dict(Counter(r.kind for r in answer.records))}
                    section = Section(system, FOUND, answer.records, answer.exports, task,
                                      via=via.get(system.id, {}))
            if expansion is not None:
                task.detail = {**task.detail, **identity_notes(expansion, system, via)}
            task.updated_at = now
            task.save()
            sections.append(section)
        if sections:
            audit.record(actor=actor, action="systems.search", object_type="systems.systemtask",
                         person_ref=person_ref,
                         purpose="portability" if export else "access_request",
                         detail={"request": request_ref,
                                 "systems": {s.system.id: s.state for s in sections},
                                 "found": sum(len(s.records) for s in sections),
                                 **identity_counts(expansion)})
    return sections


def identity_notes(expansion: Expansion, system: Declared,
                   via: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """What a task's `detail` keeps of the expansion for staff, counts and system ids only
    (never a value, Sec4): `identities_given` — new identities this system's records gave
    (by kind); `identities_shared` — identities its records held that were not used because
    another person in the register (or the controller) holds them; `searched_again` — this
    system was searched again with identities from `from` and found `found` more."""
    notes: dict[str, Any] = {}
    given = dict(Counter(kind for (kind, _v), sources in expansion.added.items()
                         if system.id in sources))
    if given:
        notes["identities_given"] = given
    if expansion.skipped.get(system.id):
        notes["identities_shared"] = dict(expansion.skipped[system.id])
    if system.id in via:
        asked = expansion.for_system(system)
        origins = sorted({s for k in subjects.EXPANDABLE for s in expansion.sources(k, asked)})
        notes["searched_again"] = {"from": origins, "found": len(via[system.id])}
    return notes


def identity_counts(expansion: Expansion | None) -> dict[str, Any]:
    """The audit entry's part on the expansion: counts by kind only (Sec4)."""
    if expansion is None or not (expansion.added or expansion.skipped):
        return {}
    shared = sum(map(Counter, expansion.skipped.values()), Counter[str]())
    return {"identities_added": expansion.kinds(), "identities_shared": dict(shared)}
