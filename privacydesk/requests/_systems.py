"""The request workflow's reach into the company's other systems (#16.3).

- Access (Rt1) and portability (Rt4): every declared system is searched (connected ones in
  parallel, manual ones as a task for their owner); the report gets a section per system
  (what was found, its categories, purposes and retention, from the declaration), the zip
  each system's export files; a system that could not be searched, or a manual task not
  confirmed, blocks sending until it is searched or staff record why (`require_searched`).
- Erasure (Rt3): the register's erasure plans an erase task per system in its own
  transaction; the request is answered (receipt mailed) only when every task settled,
  with "N records left at HH:MM" per system in the receipt (`finish_erasure`).
- Correction (Rt2): pushed to every connected system holding the field's category
  (`correct`), else a manual task for the system's owner.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from contextlib import suppress
from functools import partial
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from privacydesk.policy.active import get_policy
from privacydesk.policy.errors import RuleViolation
from privacydesk.register.models import Person
from privacydesk.requests import events, kinds
from privacydesk.requests.models import DataSubjectRequest, Status
from privacydesk.retention import ledger
from privacydesk.systems import calls, declared, erasing, searching, subjects, tasks, wording
from privacydesk.systems.connector import Subject
from privacydesk.systems.models import SystemTask
from privacydesk.vault import audit

log = logging.getLogger("privacydesk.requests")

#: Free text in a record is cut here in the report (the Record contract: 200 characters).
MAX_TEXT = 200

BLOCKED = gettext_noop("a system could not be searched or its owner has not confirmed yet: "
                       "retry it, or record why the answer goes without it")
BLOCKED_ERASURE = gettext_noop("not every system has finished erasing: the receipt goes "
                               "once each one has")

_STATE = {
    "nl": {"found": "doorzocht", "nothing": "niets gevonden", "unreachable":
           "kon niet worden doorzocht",
           "not_connected": "niet gekoppeld aan privacydesk: niet automatisch doorzocht",
           "manual": "met de hand nagekeken", "title": "In onze andere systemen",
           "operator_own": "eigen systeem", "operator_processor": "verwerker",
           "categories": "Categorieën", "purposes": "Doelen", "retention": "Bewaartermijn",
           "found_n": "Gevonden", "found_by": "gevonden via {what}",
           "yours": "uw {what}", "found_in_text": "uw {what} in de tekst",
           "found_linked": "hoort bij een gevonden gegeven van u",
           "found_by_other": "gevonden via {what} {that} {system} kent", "and": " en "},
    "en": {"found": "searched", "nothing": "nothing found", "unreachable":
           "could not be searched",
           "not_connected": "not connected to privacydesk: not searched automatically",
           "manual": "checked by hand", "title": "In our other systems",
           "operator_own": "our own system", "operator_processor": "processor",
           "categories": "Categories", "purposes": "Purposes", "retention": "Retention",
           "found_n": "Found", "found_by": "found by {what}",
           "yours": "your {what}", "found_in_text": "your {what} in its text",
           "found_linked": "belongs to a record of yours found",
           "found_by_other": "found by {what} {system} holds", "and": " and "},
}

#: An identity kind in words: what the register matched (`found_by`), and one another
#: system knows her by (`found_by_other`: the article, and Dutch's relative pronoun).
_IDENTITY = {
    "nl": {"email": ("e-mailadres", "het e-mailadres", "dat"),
           "phone": ("telefoonnummer", "het telefoonnummer", "dat"),
           "name": ("naam", "", ""),
           "postcode_house_number": ("postcode en huisnummer", "", ""),
           "customer_number": ("klantnummer", "het klantnummer", "dat"),
           "employee_number": ("personeelsnummer", "het personeelsnummer", "dat"),
           "external_id": ("gebruikersnaam", "de gebruikersnaam", "die")},
    "en": {"email": ("e-mail address", "the e-mail address", ""),
           "phone": ("phone number", "the phone number", ""),
           "name": ("name", "", ""),
           "postcode_house_number": ("postcode and house number", "", ""),
           "customer_number": ("customer number", "the customer number", ""),
           "employee_number": ("employee number", "the employee number", ""),
           "external_id": ("user name", "the user name", "")},
}


def found_by(record: Any, via: tuple[tuple[str, tuple[str, ...]], ...], lang: str) -> str:
    """By which identity `record` was found, in the report's language (#16): "gevonden via
    het e-mailadres dat Klantenbestand (CRM) kent" when only an identity another system
    holds found it (`via`), else "gevonden via uw naam en e-mailadres" from what the
    connector says matched; "" when it says nothing. Systems by their label, never a
    value."""
    lang = "en" if lang == "en" else "nl"
    t, words = _STATE[lang], _IDENTITY[lang]
    if via:
        parts = []
        for kind, sources in via:
            noun = words.get(kind)
            if noun is None or not noun[1]:
                continue
            labels = [_label(source, lang) for source in sources]
            parts.append(t["found_by_other"].format(what=noun[1], that=noun[2],
                                                    system=t["and"].join(labels))
                         .replace("  ", " "))
        return "; ".join(parts)
    # What the connector says matched: "email" (a field of hers), "name in text" (free text
    # naming her), "via <table>" or "owner" (a record linked to one of hers).
    direct, in_text, linked = [], [], False
    for match in dict.fromkeys(m for m in record.matched_by if m):
        kind, _sep, rest = match.partition(" ")
        if kind in words and not rest:
            direct.append(words[kind][0])
        elif kind in words and rest == "in text":
            in_text.append(words[kind][0])
        elif kind in ("via", "owner"):
            linked = True
    pieces = ([t["yours"].format(what=t["and"].join(direct))] if direct else []) + (
        [t["found_in_text"].format(what=t["and"].join(in_text))] if in_text else [])
    if pieces:
        return t["found_by"].format(what="; ".join(pieces))
    return t["found_linked"] if linked else ""


def _label(system_id: str, lang: str) -> str:
    system = declared.system(system_id)
    return system.name(lang) if system is not None else system_id


def search(request: DataSubjectRequest, person: Person, *, actor: str,
           export: bool) -> list[searching.Section]:
    """Search every declared system for the person of `request` (see the module doc)."""
    if not searching.searchable():
        return []
    purpose = "portability" if export else "access_request"
    return searching.search_for_request(
        request_uid=request.uid, request_ref=request.reference, person_ref=request.person_ref,
        subject=partial(subjects.subject_of, person, actor=actor, purpose=purpose), export=export,
        deadline=request.statement_deadline, actor=actor)


def require_searched(request: DataSubjectRequest) -> None:
    """Rt1/Rt4: refuse to send while a system could not be searched (and staff did not
    record why) or a manual search is not confirmed."""
    action = SystemTask.EXPORT if request.kind == kinds.PORTABILITY else SystemTask.FIND
    if tasks.blocking(request.uid, (action,)):
        raise RuleViolation("systems", "Rt1", BLOCKED)


def _labels(keys: tuple[str, ...], table: Any, lang: str) -> list[str]:
    return [table[k].label(lang) if k in table else k for k in keys]


def report_sections(sections: list[searching.Section], lang: str) -> list[dict[str, Any]]:
    """The access report's part per system (JSON-ready; the declaration's facts, Art. 15(1)
    (a)-(d), and what was found there, free text cut to 200 characters)."""
    lang = "en" if lang == "en" else "nl"
    policy = get_policy()
    rules = {rule.id: rule for rule in policy.retention.rules}
    out = []
    for section in sections:
        system = section.system
        rule = rules.get(system.retention)
        task = section.task
        out.append({
            "system": system.id, "label": system.name(lang), "state": section.state,
            "operator": system.operator, "processor": system.processor,
            "categories": _labels(system.categories, policy.categories, lang),
            "purposes": _labels(system.purposes, policy.purposes, lang),
            "retention": (f"{rule.label(lang)} — {rule.law.get(lang)}" if rule
                          else system.retention),
            "found": len(section.records),
            "confirmation": task.confirmation if task is not None else "",
            "records": [{"kind": r.kind, "categories": _labels(r.categories,
                                                               policy.categories, lang),
                         "fields": {k: str(v)[:MAX_TEXT] for k, v in r.fields.items()},
                         "dated": r.dated.isoformat() if r.dated else None,
                         "found_by": found_by(r, section.via.get(r.locator, ()), lang)}
                        for r in section.records]})
    return out


def report_lines(report: dict[str, Any]) -> list[tuple[str, str]]:
    """The systems part of the readable report as (style, text) lines (render.lines)."""
    systems = report.get("systems") or []
    if not systems:
        return []
    t = _STATE["en" if report["language"] == "en" else "nl"]
    out: list[tuple[str, str]] = [("h2", t["title"])]
    for s in systems:
        state = s["state"]
        if state == "found" and not s["found"]:
            state = "nothing"
        operator = t["operator_processor"] + f" {s['processor']}".rstrip() \
            if s["operator"] == "processor" else t["operator_own"]
        out.append(("h3", f"{s['label']} ({operator})"))
        out.append(("li", t[state] + (f": {s['confirmation']}" if s["confirmation"] else "")))
        facts = (("categories", ", ".join(s["categories"])),
                 ("purposes", ", ".join(s["purposes"])), ("retention", s["retention"]),
                 ("found_n", s["found"]))
        out += [("li", f"{t[key]}: {value}") for key, value in facts if value]
        for record in s["records"]:
            values = "; ".join(f"{k}: {v}" for k, v in record["fields"].items())
            how = record.get("found_by") or ""
            out.append(("value", f"{record['kind']}" + (f" ({record['dated']})"
                                                        if record["dated"] else "")
                        + (f" — {values}" if values else "") + (f" ({how})" if how else "")))
    return out


def export_files(sections: list[searching.Section]) -> dict[str, bytes]:
    """Rt4: each system's export files, under systems/<system id>/ in the zip."""
    return {f"systems/{s.system.id}/{e.filename}": e.data
            for s in sections for e in s.exports}


def export_summary(sections: list[searching.Section]) -> list[dict[str, Any]]:
    """What data.json says per system: its state, the number of records and files."""
    return [{"system": s.system.id, "state": s.state, "records": len(s.records),
             "files": [f"systems/{s.system.id}/{e.filename}" for e in s.exports]}
            for s in sections]


def plan_erasure(request: DataSubjectRequest, person: Person, *, actor: str) -> int:
    """Rt3: inside the register erasure's transaction — the subject is read while the
    register still holds it — write the erase task of every system; return how many keep
    the request open. Once the transaction has committed, and before the queue hands the
    tasks to a worker, each task's sealed subject gains the identities the other systems
    know her by (`_expand_sealed`), so its erasure, re-search and every retry search by the
    same."""
    if not [s for s in declared.systems() if s.reached() != declared.REGISTER]:
        return 0
    read: list[Subject] = []
    planned: list[int] = []

    def the_subject() -> Subject:   # one audited read for the plan and the expansion
        if not read:
            read.append(subjects.subject_of(person, actor=actor, purpose="erasure"))
        return read[0]

    # The other systems are searched after the commit, so the register's erasure never
    # holds its write transaction open on their answers; registered before `erasing.plan`
    # registers the queue's hand-over, so a worker only ever sees the extended subject.
    expand = partial(_expand_sealed, request, planned, read, actor=actor)
    after = transaction.get_connection().in_atomic_block
    if after:
        transaction.on_commit(expand, robust=True)
    written = erasing.plan(request_uid=request.uid, request_ref=request.reference,
                           person_ref=request.person_ref, subject=the_subject,
                           deadline=request.statement_deadline, actor=actor)
    planned += [task.pk for task in written]
    if not after:
        expand()
    return sum(1 for task in written if task.is_open)


def _expand_sealed(request: DataSubjectRequest, planned: list[int], read: list[Subject], *,
                   actor: str) -> None:
    """#16: search every connected system once with the register's identities (`read`,
    the subject the plan sealed) and seal, with each planned erase task still to run
    (queued, or waiting for its owner), the subject extended by what the records found hold
    (of the kinds its system declares; shared identities skipped and counted). The tasks'
    own find is the second round. A task a worker already took keeps what it has."""
    connected = [s for s in searching.searchable() if s.reached() == declared.CONNECTED]
    if not read or not planned or not connected:
        return
    base = read[0]
    expansion = searching.expand(base, calls.search(connected, base),
                                 person_ref=request.person_ref)
    if not expansion.added and not expansion.skipped:
        return
    with transaction.atomic():
        for task in SystemTask.objects.select_for_update().filter(pk__in=planned):
            system = declared.system(task.system)
            if system is None:
                continue
            notes = searching.identity_notes(expansion, system, {})
            extended = expansion.for_system(system)
            if (task.key_id and task.status in (SystemTask.QUEUED, SystemTask.MANUAL)
                    and extended != base):
                tasks.seal_subject(task, extended)
                notes["searched_with"] = sorted(
                    {s for k in subjects.EXPANDABLE for s in expansion.sources(k, extended)})
            if notes:
                task.detail = {**task.detail, **notes}
                task.save(update_fields=["detail", "key_id", "ciphertext"])
        audit.record(actor=actor, action="systems.identities",
                     object_type="systems.systemtask", person_ref=request.person_ref,
                     purpose="erasure",
                     detail={"request": request.reference,
                             **searching.identity_counts(expansion)})


def waiting(request: DataSubjectRequest) -> list[SystemTask]:
    """The erase tasks that keep `request` from being answered."""
    return tasks.blocking(request.uid, (SystemTask.ERASE,))


#: `request.detail` key: when the systems' lines were written into the receipt.
SETTLED = "systems_settled_at"


def finish_erasure(request_uid: str, *, mail: bool = True) -> None:
    """The `settled` hook: when the last system of an erasure settled, write the systems'
    lines into the receipt and (`mail`) answer the request with the receipt mail, as
    `actions.erase` does for the register alone. Idempotent: once the lines are in,
    nothing happens."""
    from privacydesk.requests import actions  # actions imports this module

    with transaction.atomic():
        request = (DataSubjectRequest.objects.select_for_update()
                   .filter(uid=request_uid, kind=kinds.ERASURE).first())
        if (request is None or request.status != Status.VERIFIED
                or "receipt" not in request.detail or SETTLED in request.detail
                or waiting(request)):
            return
        # The receipt's lines per system (retention.erasure_receipt.SystemLine's fields); a
        # connector's reason is English, the receipt is in the request's language.
        lines = [{**line, "reason": wording.outcome_detail(line["reason"], request.language),
                  "label_nl": _label(line["system"], "nl"),
                  "label_en": _label(line["system"], "en")}
                 for line in erasing.receipt_lines(request.uid)]
        request.detail = {**request.detail, SETTLED: timezone.now().isoformat(),
                          "receipt": {**request.detail["receipt"], "systems": lines}}
        request.save(update_fields=["detail"])
        _sign_lines(request, lines)
        if [line for line in lines if line["status"] != SystemTask.NOT_CONNECTED]:
            events.log(request, "systems_erased", actor="system",
                       note=("; ".join(f"{line['system']}: {line['status']}, "
                                       f"{line['remaining'] or 0} left"
                                       for line in lines))[:300])
    if mail and request.contact()["email"]:
        # A mail that fails: staff resend it from the request page (erase again).
        with suppress(RuleViolation):
            actions.send_receipt(request, actor="system")


def _sign_lines(request: DataSubjectRequest, lines: list[dict[str, Any]]) -> None:
    """Rt3: the systems' lines into the erasure ledger's signed summary, beside the
    register's (the requests app joins them: retention does not import systems). An entry
    that no longer matches its signature is not signed again: the receipt still goes (the
    systems did erase), staff see the entry as altered on the request page and in `check`
    Rt3, and the audit chain records the refusal."""
    try:
        ledger.add_systems(request.reference, lines, actor="system")
    except ledger.LedgerAltered:
        log.warning("erasure ledger of %s does not match its signature; the systems' lines "
                    "were not signed into it", request.reference)
        audit.record(actor="system", action="erasure.ledger_altered",
                     object_type="retention.ledger", person_ref=request.person_ref,
                     purpose="erasure", detail={"request": request.reference})


def finish_waiting() -> int:
    """`finish_erasure` for every erasure request erased in the register whose systems'
    lines are not in its receipt yet (the clock tick's safety net); how many it looked at."""
    waiting_ones = [str(uid) for uid, detail in DataSubjectRequest.objects.filter(
        kind=kinds.ERASURE, status=Status.VERIFIED).values_list("uid", "detail")
        if isinstance(detail, dict) and "receipt" in detail and SETTLED not in detail]
    for uid in waiting_ones:
        finish_erasure(uid)
    return len(waiting_ones)


def before_correction(person: Person, category: str, *, actor: str) -> Any | None:
    """Rt2: the subject as the systems still know the person — read BEFORE the register
    changes, so the old value is what the systems are searched and matched by. None when
    no declared system holds `category`."""
    holding = [s for s in searching.searchable() if category in s.categories]
    if not holding:
        return None
    if all(s.reached() == declared.NOT_CONNECTED for s in holding):
        return Subject()   # not-connected systems are only listed: nobody searches them
    return subjects.subject_of(person, actor=actor, purpose="rectification")


def correct(request: DataSubjectRequest, subject: Any, category: str,
            values: dict[str, Any], *, actor: str) -> list[SystemTask]:
    """Rt2: push the corrected `values` of `category` to every connected system that holds
    the category and can correct — each field of the person's records there that holds the
    old value (`subject`, from `before_correction`) gets the new one; a manual task for the
    owner of every other system holding it (not-connected ones are listed). Returns the
    tasks; a system that fails is shown on the request with its error (retry by
    correcting again)."""
    holding = [s for s in searching.searchable() if category in s.categories]
    written = []
    for system in holding:
        task = tasks.upsert(request_uid=request.uid, request_ref=request.reference,
                            person_ref=request.person_ref, system=system,
                            action=SystemTask.CORRECT)
        reached = system.reached()
        if reached == declared.CONNECTED and system.can("correct"):
            task.attempts += 1
            answer = calls.guarded(system, partial(_push, system, subject, category, values))
            if isinstance(answer, calls.Failure):
                task.status, task.error_kind, task.error = (SystemTask.FAILED, answer.kind,
                                                            answer.line())
            else:
                task.status, task.error_kind, task.error = SystemTask.DONE, "", ""
                task.found, task.done = answer
        elif reached == declared.NOT_CONNECTED:
            task.status = SystemTask.NOT_CONNECTED
        else:
            # Manual, or a connector that cannot correct: the owner does it by hand.
            task.status, task.deadline = SystemTask.MANUAL, request.statement_deadline
            tasks.seal_subject(task, subject)   # whom to correct, on the owner's page
        task.detail = {**task.detail, "category": category, "fields": sorted(values)}
        task.updated_at = timezone.now()
        task.save()
        written.append(task)
    if [t for t in written if t.status != SystemTask.NOT_CONNECTED]:
        events.log(request, "systems_corrected", actor=actor,
                   note="; ".join(f"{t.system}: {t.status}" for t in written)[:300])
    return written


#: Rt2: a category a system's field holds by value — the subject's old values, how a field's
#: value is compared with them, and the new value ("" for none) from the register's values.
_BY_VALUE: dict[str, tuple[Callable[[Any], set[str]], Callable[[str], str],
                           Callable[[dict[str, Any]], str]]] = {
    "names": (lambda s: {s.name, *s.ids.get("name", ())} - {""}, str.strip,
              subjects.full_name),
    "email": (lambda s: set(s.emails), subjects.email,
              lambda values: str(values.get("address", ""))),
    "phone": (lambda s: set(s.phones), subjects.phone,
              lambda values: str(values.get("number", ""))),
}


def _push(system: declared.Declared, subject: Any, category: str,
          values: dict[str, Any]) -> tuple[int, int]:
    """Correct the person's records in one system: a field named as the register's field
    gets its value; a field holding the old name, e-mail address or phone number gets the
    new one. Returns (records holding the category, fields corrected)."""
    connector = calls.connector_of(system)
    records = [r for r in connector.find(subject) if category in r.categories]
    olds, normal, new_of = _BY_VALUE.get(category, (lambda _: set(), str, lambda _: ""))
    old, new = olds(subject), new_of(values)
    corrected = 0
    for record in records:
        for name, current in record.fields.items():
            if name in values:
                value = str(values[name])
            elif new and normal(str(current)) in old:
                value = new
            else:
                continue
            if value != current:
                connector.correct(record, name, value)
                corrected += 1
    return len(records), corrected
