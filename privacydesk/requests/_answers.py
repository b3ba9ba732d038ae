"""Answering a request by post or by telephone, and closing it (Rt5, Rt6; #15 blocker 3).

A request that came by letter or telephone may have no e-mail address. Its answer goes as a
letter (`answer_letter`: the PDF on the controller's letterhead, `_answer_letter`) or is
given in a call; staff record which (`answer_by_post`, `answer_by_phone`). Either records
the moment of the answer (Rt6 counts it: `answered_at`), how it was given
(`answered_how`, `detail["answer"]`), puts it on the timeline and closes the request — all
in one transaction.

What may be answered this way (`answerable`):
- a request whose register search found nobody (outcome "no data held", any kind);
- an erasure once it is done (its receipt is what the letter carries, Rt3);
- a correction, restriction or objection once verified (the letter or call says what was
  done; `summary` is required for these).
Access and portability requests are answered with the data themselves: a single-use
download link (`actions.send_export`), which needs an e-mail address.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from privacydesk.policy import clock
from privacydesk.policy.active import get_policy
from privacydesk.policy.errors import RuleViolation
from privacydesk.requests import _answer_letter, events, kinds
from privacydesk.requests._reply import without_greeting
from privacydesk.requests.models import NO_DATA_HELD, DataSubjectRequest, Status
from privacydesk.retention.erasure_receipt import ErasureReceipt
from privacydesk.vault import audit

POST, PHONE = "post", "phone"

#: Kinds whose answer is a statement of what was done, written by staff.
_SUMMARISED = (kinds.RECTIFICATION, kinds.RESTRICTION, kinds.OBJECTION)
_NOTE_LIMIT = 300


def no_data_held(request: DataSubjectRequest) -> bool:
    """True when the register search for this request found nobody (the answer says so)."""
    return request.detail.get("outcome") == NO_DATA_HELD


def answerable(request: DataSubjectRequest) -> str:
    """"" when `request` can be answered by post or telephone now, else why not (a message
    for staff). Never raises."""
    if request.status != Status.VERIFIED:
        return gettext_noop("only a verified request that is not answered yet can be answered")
    if no_data_held(request) or request.kind in _SUMMARISED:
        return ""
    if request.kind == kinds.ERASURE:
        return "" if "receipt" in request.detail else gettext_noop(
            "erase first: the answer carries the erasure receipt")
    return gettext_noop("access and portability are answered with a download link by e-mail; "
                   "ask the requester for an e-mail address")


def _check(request: DataSubjectRequest, summary: str) -> str:
    why = answerable(request)
    if why:
        raise RuleViolation("status", "Rt6", why)
    # The letter has its own "Geachte …": a typed greeting would be the second (#15).
    text = without_greeting(summary)
    if request.kind in _SUMMARISED and not no_data_held(request) and not text:
        raise RuleViolation("summary", "required", gettext_noop(
            "write what was done, for the person"))
    if len(text) > 2000:
        raise RuleViolation("summary", "format", gettext_noop(
            "the explanation is at most 2000 characters"))
    return text


def answer_letter(request: DataSubjectRequest, *, actor: str, summary: str = "") -> bytes:
    """The answer as a PDF letter on the controller's letterhead, to the requester's postal
    address, in their language: the erasure receipt, "no data held", or `summary` (what was
    done). RuleViolation when the request cannot be answered by post now (see `answerable`)
    or `summary` is missing where it is needed. Making it changes nothing but the audit
    trail (the letter shows the requester's name and address: an audited read, Sec4)."""
    text = _check(request, summary)
    lang = "en" if request.language == "en" else "nl"
    words = _answer_letter.TEXT[lang]
    kind = kinds.label(request.kind, lang)
    none = no_data_held(request)
    body = words["no_data" if none else "done"].format(kind=kind, reference=request.reference)
    if request.kind == kinds.ERASURE and not none:
        body += "\n\n" + ErasureReceipt.from_dict(request.detail["receipt"]).render(lang)
    if text:
        body += f"\n\n{text}"
    contact = request.contact()
    if not contact["address"].strip():
        raise RuleViolation("address", "Rt5", gettext_noop(
            "this request has no postal address; answer by telephone"))
    audit.record(actor=actor, action="read", object_type="requests.datasubjectrequest",
                 object_id=str(request.pk), person_ref=request.person_ref,
                 purpose=events.purpose_of(request),
                 detail={"request": request.reference, "made": "answer letter"})
    return _answer_letter.render(get_policy(), name=contact["name"],
                                 address=contact["address"], reference=request.reference,
                                 kind=kind, body=body, lang=request.language)


def _finish(request: DataSubjectRequest, how: str, note: str, record: dict[str, Any], *,
            actor: str, when: datetime) -> None:
    with transaction.atomic():
        request.status, request.answered_at, request.answered_how = (
            Status.CLOSED, when, how[:64])
        request.closed_at = timezone.now()
        request.detail = {**request.detail, "answer": record}
        request.save(update_fields=["status", "answered_at", "answered_how", "closed_at",
                                    "detail"])
        events.log(request, "answered", actor=actor, at=when, note=note[:_NOTE_LIMIT])
        events.log(request, "closed", actor=actor, note=f"answered by {record['by']}")


def answer_by_post(request: DataSubjectRequest, *, actor: str, summary: str = "",
                   note: str = "") -> DataSubjectRequest:
    """Record that the answer letter (`answer_letter` with the same `summary`) was posted;
    the request is answered now and closed. `note`: optional, what was sent (≤ 200
    characters, no addresses)."""
    _check(request, summary)
    if not request.contact()["address"].strip():
        raise RuleViolation("address", "Rt5", gettext_noop(
            "this request has no postal address; answer by telephone"))
    what = (note or "").strip()
    if len(what) > 200 or "@" in what:
        raise RuleViolation("note", "format", gettext_noop(
            "the note is at most 200 characters and holds no addresses"))
    when = timezone.now()
    # `answered_how` is a fixed text (shown in the staff member's language); the note goes
    # on the timeline and into the answer's record.
    _finish(request, "post: letter sent", "letter sent by post" + (f": {what}" if what else ""),
            {"by": POST, "at": when.isoformat(), "by_staff": actor[:150], "note": what},
            actor=actor, when=when)
    return request


@dataclass(frozen=True)
class Call:
    """One call in which the answer was given: who spoke with the requester (`who`, staff),
    when (`at`), and what was said (`said`, ≤ 300 characters, no addresses)."""

    who: str
    at: datetime
    said: str


def answer_by_phone(request: DataSubjectRequest, call: Call, *, actor: str) -> DataSubjectRequest:
    """Record that the answer was given by telephone in `call`; the request is answered at
    the moment of the call (Rt6) and closed. RuleViolation naming the field for a call
    without a speaker, a moment before the request came in or in the future, or without
    what was said."""
    who, said = (call.who or "").strip(), (call.said or "").strip()
    if not who or len(who) > 100 or "@" in who:
        raise RuleViolation("who", "required", gettext_noop(
            "say who spoke with the requester (at most 100 characters, no addresses)"))
    if not said or len(said) > _NOTE_LIMIT or "@" in said:
        raise RuleViolation("said", "required", gettext_noop(
            "write what was said (at most 300 characters, no addresses)"))
    _check(request, said)
    # A moment without an offset is read in the policy's time zone ("today" is its day).
    at = call.at if call.at.tzinfo is not None else call.at.replace(tzinfo=clock.zone())
    now = timezone.now()
    if at > now + timedelta(minutes=5):
        raise RuleViolation("at", "Rt6", gettext_noop("the call cannot be in the future"))
    if at < request.received_at:
        raise RuleViolation("at", "Rt6", gettext_noop(
            "the call cannot be before the request came in"))
    _finish(request, "phone: answered in a call", f"answered by telephone ({who}): {said}",
            {"by": PHONE, "at": at.isoformat(), "who": who, "said": said,
             "by_staff": actor[:150]}, actor=actor, when=at)
    return request
