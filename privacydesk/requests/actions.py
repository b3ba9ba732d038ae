"""What staff do with a verified request: export and send (Rt1, Rt4), correct (Rt2),
erase (Rt3), restrict (Art. 18), record an objection (Art. 21), close. Each is audited
and on the request's timeline; each answer records when and how it was given (Rt6).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from privacydesk.policy.active import get_policy
from privacydesk.policy.errors import RuleViolation
from privacydesk.register import services as register
from privacydesk.register.models import Person
from privacydesk.requests import (
    _answers,
    _reply,
    _systems,
    delivery,
    events,
    kinds,
    notify,
    portability,
    render,
    report,
)
from privacydesk.requests.models import DataSubjectRequest, Status
from privacydesk.requests.recipients import notify_recipients
from privacydesk.retention.erasure import erase_data, erase_person, plan
from privacydesk.retention.erasure_receipt import ErasureReceipt


def person_of(request: DataSubjectRequest) -> Person:
    """The verified person of `request`; RuleViolation before verification (Art. 12(6))."""
    if request.status != Status.VERIFIED or not request.person_ref:
        raise RuleViolation("status", "Art12", "verify the requester's identity first "
                            f"(this request is {request.status})")
    person = Person.objects.filter(ref=request.person_ref).first()
    if person is None:
        raise RuleViolation("person_ref", "exists", "the person of this request is no longer "
                            "in the register")
    return person


def addressed(request: DataSubjectRequest, document: dict[str, Any]) -> dict[str, Any]:
    """The access report of `request` addressed to its requester under its reference
    (VZ-…), as the HTML, the PDF and the staff review show it (issue #15)."""
    contact = request.contact()
    return render.for_request(document, reference=request.reference, name=contact["name"],
                              address=contact["address"])


def access_document(request: DataSubjectRequest, *, actor: str) -> dict[str, Any]:
    """The access report of `request`, addressed, with a section per declared system
    (#16.3: each searched again now; the register's part as `report.build` makes it)."""
    person = person_of(request)
    document = report.build(person, actor=actor, lang=request.language)
    sections = _systems.search(request, person, actor=actor, export=False)
    if sections:
        document["systems"] = _systems.report_sections(sections, request.language)
    return addressed(request, document)


def export_files(request: DataSubjectRequest, *, actor: str) -> tuple[str, dict[str, bytes]]:
    """Build the export of an access or portability request: (kind, {file name: bytes})."""
    person = person_of(request)
    if request.kind == kinds.ACCESS:
        document = access_document(request, actor=actor)
        return "access", {
            "report.json": json.dumps(document, ensure_ascii=False, indent=2).encode(),
            "report.html": render.html(document).encode(),
            "report.pdf": render.pdf(document)}
    if request.kind == kinds.PORTABILITY:
        collected = portability.collect(person, actor=actor)
        # Rt4 (#16.3): each system's own export beside the register's data.
        sections = _systems.search(request, person, actor=actor, export=True)
        if sections:
            collected["systems"] = _systems.export_summary(sections)
        return "portability", {"export.zip": portability.zip_bytes(
            collected, extra=_systems.export_files(sections))}
    raise RuleViolation("kind", "Rt1", "only access and portability requests are exported")


def send_export(request: DataSubjectRequest, *, actor: str,
                now: datetime | None = None) -> str:
    """Export, seal and e-mail the single-use link to the verified address; the request is
    answered. Returns the link (for the staff timeline only shown once)."""
    when = now or timezone.now()
    if not request.contact()["email"]:
        # Refused before anything is built or sealed: the link can only go by e-mail, and
        # an action either happens and says so, or does not happen at all (#13, 5.11).
        raise RuleViolation("email", "Rt5", "this request has no e-mail address to send a "
                            "download link to; ask the requester for one")
    kind, files = export_files(request, actor=actor)
    # Rt1/Rt4 (#16.3): not while a system could not be searched, unless staff said why.
    _systems.require_searched(request)
    payload = files["export.zip"] if kind == "portability" else delivery.bundle(files)
    found, link = delivery.create(request, kind, payload, actor=actor, now=when)
    notify.to_requester(request, "download", {"link": link, "until": found.expires_at})
    _answered(request, f"e-mail: single-use download link ({kind})", actor=actor, now=when)
    return link


def _answered(request: DataSubjectRequest, how: str, *, actor: str,
              now: datetime | None = None) -> None:
    when = now or timezone.now()
    with transaction.atomic():
        request.status, request.answered_at, request.answered_how = (
            Status.ANSWERED, when, how[:64])
        request.save(update_fields=["status", "answered_at", "answered_how"])
        events.log(request, "answered", actor=actor, at=when, note=how)


def _done(request: DataSubjectRequest, summary: str, how: str, *, actor: str) -> None:
    notify.to_requester(request, "done", {"summary": summary,
                                          "authority": get_policy().controller.authority})
    _answered(request, how, actor=actor)


def erase(request: DataSubjectRequest, *, actor: str,
          picks: Sequence[tuple[str, int]] | None = None) -> dict[str, Any]:
    """Rt3: erase through the retention engine; the person gets the receipt (nl/en).
    `picks` (category, datum id): only the data the person asked for (#15; all or nothing:
    a pick that is not the person's, or that a legal rule keeps, is refused with
    RuleViolation("datum", …) and nothing is erased); None: all the person's data.

    Returns the receipt (`ErasureReceipt.as_dict()`) plus `"answer"`: {"by": "e-mail" |
    "post", "answered": bool}. A request without an e-mail address (a letter, Rt5) is
    erased all the same — the erasure, its receipt and timeline entry are one transaction —
    and is NOT marked answered: the receipt has to go by post, and staff record that with
    `answered_by_post` once the letter has left (Rt6 keeps running until then). A receipt
    mail that fails raises RuleViolation("email", "delivery"); repeating the step resends
    it without erasing again."""
    if request.kind != kinds.ERASURE:
        raise RuleViolation("kind", "Rt3", "only an erasure request erases")
    if request.status != Status.VERIFIED:  # answered already: never a second answer
        raise RuleViolation("status", "Art12", f"a {request.status} request is not erased "
                            "(again)")
    if "receipt" in request.detail:  # erased before, but the receipt mail failed: resend
        receipt = ErasureReceipt.from_dict(request.detail["receipt"])
    else:
        person = person_of(request)
        with transaction.atomic():
            if picks is not None:   # refused picks erase nothing and tell no one
                receipt = erase_data(person, picks, actor=actor, request_ref=request.reference)
                told = _erasure_recipients(person, request=request, actor=actor,
                                           categories={c for c, _ in picks})
            else:
                # Art. 19: the recipients of what goes are named while the data still exist.
                told = _erasure_recipients(person, request=request, actor=actor)
                # Rt3 (#16.3): an erase task per system, the subject read before it goes.
                _systems.plan_erasure(request, person, actor=actor)
                receipt = erase_person(person, actor=actor, request_ref=request.reference)
            request.detail = {**request.detail, "receipt": receipt.as_dict(),
                              "recipients": told}
            request.save(update_fields=["detail"])
            events.log(request, "erased", actor=actor,
                       note=(f"deleted {sum(d.count for d in receipt.deleted)}, kept "
                             f"{sum(k.count for k in receipt.kept)}; recipients to inform: "
                             f"{', '.join(told) or 'none'}")[:300])
    waiting = _systems.waiting(request)
    if waiting:
        # Rt3 (#16.3): never reported done while a system fails or a manual task is open;
        # the receipt goes when the last one settles (`_systems.finish_erasure`), and the
        # request's clock keeps running meanwhile.
        return {**receipt.as_dict(), "answer": {
            "by": "e-mail" if request.contact()["email"] else "post", "answered": False,
            "waiting": sorted({t.system for t in waiting})}}
    if _systems.SETTLED not in request.detail:
        # Every system settled at once (or none is declared): their lines, then the mail.
        _systems.finish_erasure(str(request.uid), mail=False)
        request.refresh_from_db()
        receipt = ErasureReceipt.from_dict(request.detail["receipt"])
    data = receipt.as_dict()
    if not request.contact()["email"]:
        return {**data, "answer": {"by": "post", "answered": False}}
    send_receipt(request, actor=actor)
    return {**data, "answer": {"by": "e-mail", "answered": True}}


def send_receipt(request: DataSubjectRequest, *, actor: str) -> None:
    """Rt3: mail the erasure receipt on the request (register and systems) and mark the
    request answered; RuleViolation("email", "delivery") if the mail fails."""
    receipt = ErasureReceipt.from_dict(request.detail["receipt"])
    _done(request, receipt.render(request.language), "e-mail: erasure receipt", actor=actor)


def _erasure_recipients(person: Person, *, request: DataSubjectRequest, actor: str,
                        categories: set[str] | None = None) -> list[str]:
    """Art. 19: the recipients of `categories` (default: every category the erasure of the
    whole person deletes, not data kept by law), told through `notify_recipients`."""
    going = sorted(categories if categories is not None else
                   {category for (category, _), kept in plan(person).items() if kept is None})
    return sorted({name for category in going
                   for name in notify_recipients(person, category, request=request, actor=actor)})


def answered_by_post(request: DataSubjectRequest, *, actor: str, note: str = "") -> None:
    """Record that the answer letter was posted (`_answers.answer_by_post`, Rt5, Rt6);
    `note`, what was sent, is its summary too."""
    _answers.answer_by_post(request, actor=actor, note=note, summary=note)


def correct(request: DataSubjectRequest, category: str, datum_id: int,
            values: dict[str, Any], *, actor: str) -> list[str]:
    """Rt2: change one datum through the register's rules; return the recipients that
    received the old data (Art. 19), recorded on the request for notification."""
    if request.kind != kinds.RECTIFICATION:
        raise RuleViolation("kind", "Rt2", "only a rectification request corrects data")
    person = person_of(request)
    model = register.model_for(category)
    datum = model._default_manager.filter(pk=datum_id, person=person).first()
    if datum is None:
        raise RuleViolation("datum", "exists", f"this person has no {category} datum "
                            f"#{datum_id}")
    datum.person = person
    # Rt2 (#16.3): the systems are matched by the old value, so read before the change.
    before = _systems.before_correction(person, category, actor=actor)
    with transaction.atomic():
        register.update_datum(datum, values, actor=actor, purpose=register.RECTIFICATION)
        told = notify_recipients(person, category, request=request, actor=actor)
        corrections = [*request.detail.get("corrections", []),
                       {"category": category, "datum": datum_id, "recipients": told}]
        request.detail = {**request.detail, "corrections": corrections}
        request.save(update_fields=["detail"])
        events.log(request, "corrected", actor=actor,
                   note=f"{category} #{datum_id}; recipients to inform: "
                        f"{', '.join(told) or 'none'}"[:300])
    if before is not None:
        new_values = {**datum.get_values(), **values} if category == "names" else values
        _systems.correct(request, before, category, new_values, actor=actor)
    return told


def restrict(request: DataSubjectRequest, *, actor: str, reason: str = "") -> None:
    """Art. 18: the person's data stay stored but may not be used (RestrictedError)."""
    if request.kind not in (kinds.RESTRICTION, kinds.OBJECTION):
        raise RuleViolation("kind", "Art18", "only a restriction or objection restricts")
    person = person_of(request)
    with transaction.atomic():
        register.set_restricted(person, True, actor=actor,
                                reason=(reason or f"request {request.reference}")[:200])
        events.log(request, "restricted", actor=actor, note="all data restricted (Art. 18)")


def record_objection(request: DataSubjectRequest, *, actor: str, upheld: bool,
                     note: str) -> None:
    """Art. 21: record the objection and the decision. Upheld: the data are restricted
    (not used) until staff erase or end the processing; rejected: the reason is recorded
    (compelling legitimate grounds, Art. 21(1)) and told to the person."""
    if request.kind != kinds.OBJECTION:
        raise RuleViolation("kind", "Art21", "only an objection request")
    why = (note or "").strip()
    if not why or "@" in why:
        raise RuleViolation("note", "Art21", "state the decision's reason (no addresses)")
    person_of(request)
    with transaction.atomic():
        request.detail = {**request.detail, "objection": {"upheld": upheld, "reason": why}}
        request.save(update_fields=["detail"])
        events.log(request, "objection_upheld" if upheld else "objection_rejected",
                   actor=actor, note=why[:300])
        if upheld:
            restrict(request, actor=actor, reason=f"objection {request.reference}")


def confirm_done(request: DataSubjectRequest, summary: str, *, actor: str) -> None:
    """Tell the person that a correction, restriction or objection was handled."""
    if request.kind not in (kinds.RECTIFICATION, kinds.RESTRICTION, kinds.OBJECTION):
        raise RuleViolation("kind", "Rt6", "access, portability and erasure answer themselves")
    person_of(request)
    # The mail greets the person itself: a greeting typed into the summary is dropped so
    # the person is not greeted twice (issue #15, `_reply.without_greeting`).
    text = _reply.without_greeting(summary)
    if not text:
        raise RuleViolation("summary", "required", "write what was done, for the person")
    _done(request, text, f"e-mail: {request.kind} carried out", actor=actor)


def close(request: DataSubjectRequest, *, actor: str, note: str = "") -> None:
    """Close an answered request, or reject one that is not a request (kind none).

    Rejecting means closing without an answer to the person, which needs `note` as its
    reason (≤ 300 characters, no addresses): it is kept in `detail["closed_without_answer"]`
    ({reason, at, by}) and shown by `check` Rt6, with the kinds the request had before."""
    if request.status in (Status.CLOSED, Status.REJECTED):
        raise RuleViolation("status", "Rt6", "this request is already closed")
    if request.status != Status.ANSWERED and request.kind != kinds.NONE:
        raise RuleViolation("status", "Rt6", "answer the request before closing it")
    why = (note or "").strip()
    unanswered = request.status != Status.ANSWERED
    if unanswered and not why:
        raise RuleViolation("note", "Rt6", "say why this is closed without an answer to the "
                            "person (e.g. not a privacy request but a sales question)")
    if len(why) > 300 or "@" in why:
        raise RuleViolation("note", "format", "the reason is at most 300 characters and holds "
                            "no addresses")
    when = timezone.now()
    with transaction.atomic():
        request.status = Status.REJECTED if unanswered else Status.CLOSED
        request.closed_at = when
        if unanswered:
            request.detail = {**request.detail, "closed_without_answer": {
                "reason": why, "at": when.isoformat(), "by": actor[:150]}}
        request.save(update_fields=["status", "closed_at", "detail"])
        events.log(request, "closed", actor=actor, at=when,
                   note=("without an answer: " if unanswered else "") + why)
