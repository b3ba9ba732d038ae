"""Filing requests (Rt5): from the web form, from the mailbox, or by staff.

Every request gets its two clocks at filing (Rt6: `policy.request_deadlines(received_at)`)
and, when its kind is known, the identity step (verification.begin). A failed e-mail never
loses a request: it stays "new" and the clock tick tries the identity step again.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop

from privacydesk.incidents import services as incidents
from privacydesk.policy.active import get_policy
from privacydesk.policy.errors import RuleViolation
from privacydesk.register.formats import forbidden_character
from privacydesk.requests import classify, events, kinds, verification
from privacydesk.requests.mailparse import ParsedMail
from privacydesk.requests.models import (
    STAFF_CHANNELS,
    Channel,
    DataSubjectRequest,
    FiledMail,
    Status,
)

log = logging.getLogger("privacydesk.requests")

#: detail key: how staff checked the requester's identity while filing (a call or a visit)
IDENTITY_CHECKED = "identity_checked_by_staff"
_SPOKEN_CHANNELS = (Channel.PHONE, Channel.IN_PERSON)


def _new(kind: str, channel: str, *, name: str, email: str, subject: str, message: str,
         language: str, received_at: datetime, actor: str, note: str = "",
         classified: classify.Classification | None = None,
         address: str = "") -> DataSubjectRequest:
    if kind not in kinds.ALL_KINDS:
        raise RuleViolation("kind", "Rt5", f"{kind!r} is not a kind of request; one of "
                            f"{', '.join(kinds.ALL_KINDS)}")
    statement, legal = get_policy().request_deadlines(received_at)
    request = DataSubjectRequest(
        kind=kind, channel=channel, language=language if language in ("nl", "en") else "nl",
        received_at=received_at, statement_deadline=statement, legal_deadline=legal,
        classified_kind=classified.kind if classified else "",
        confidence=classified.confidence if classified else 1.0,
        detail={"scores": classified.scores} if classified and classified.scores else {})
    request.set_contact(name=name[:200], email=email[:254], subject=subject[:300],
                        message=message, address=address[:500])
    request.save()
    events.log(request, "received", actor=actor, at=received_at,
               note=f"{channel}: {kind}" + (f" ({note})" if note else ""))
    return request


def start(request: DataSubjectRequest, *, actor: str) -> None:
    """Run the identity step if the kind is known; a failed mail leaves the request new.
    A request without an e-mail address (a letter with a postal address) has no address
    to search the register for or to send a link to: staff verify it another way
    (`verification.verify_by_staff`), so nothing is tried, now or on the clock's tick."""
    if (request.kind not in kinds.REQUEST_KINDS or request.status != Status.NEW
            or not request.contact()["email"]):
        return
    if request.detail.get(IDENTITY_CHECKED):
        # Staff checked the caller's identity in the call or visit (issue #15): a "please
        # confirm" e-mail would ask the person for what was already done. Staff match the
        # person and mark the request verified on its page instead.
        return
    try:
        verification.begin(request, actor=actor)
    except RuleViolation as exc:
        request.refresh_from_db()
        with transaction.atomic():
            events.log(request, "verification_failed", actor=actor, note=exc.message[:300])


def file_web_request(*, kind: str, name: str, email: str, message: str = "",
                     language: str = "nl", now: datetime | None = None) -> DataSubjectRequest:
    """The web form's request (the person chose the kind themselves)."""
    if kind not in kinds.REQUEST_KINDS:
        raise RuleViolation("kind", "Rt5", gettext_noop("choose what you would like us to do"))
    with transaction.atomic():
        request = _new(kind, Channel.WEB, name=name, email=email, subject="", message=message,
                       language=language, received_at=now or timezone.now(), actor="public")
    start(request, actor="public")
    request.refresh_from_db()
    return request


def file_staff_request(*, kind: str, name: str, email: str, message: str, language: str,
                       actor: str, received_at: datetime | None = None,
                       channel: str = Channel.STAFF, address: str = "",
                       identity_checked: str = "") -> DataSubjectRequest:
    """A request that came by letter, telephone or in person, entered by staff.

    The clocks run from when it was received (Rt6), which staff may date back but not
    ahead. The requester must be reachable: an e-mail address or a postal address. Bad
    input raises RuleViolation(field, rule, message) and stores nothing; the filing is one
    transaction (request, timeline, audit entry). With an e-mail address the identity step
    follows (the register search and the confirmation link, `start`); without one, staff
    verify the requester another way. `identity_checked` (a call or a visit only: how staff
    checked who they spoke to, no addresses) means the identity step is done: no
    confirmation e-mail goes out (issue #15); staff match the person and mark it verified.
    """
    now = timezone.now()
    when = received_at or now
    checked = (identity_checked or "").strip()
    problems = staff_filing_problems(channel=channel, name=name, email=email,
                                     address=address, received_at=when, now=now,
                                     message=message, identity_checked=checked)
    if problems:
        raise problems[0]
    with transaction.atomic():
        request = _new(kind, channel, name=name.strip(), email=email.strip(), subject="",
                       message=message, language=language, received_at=when, actor=actor,
                       address=address.strip(),
                       note="" if email.strip() else "no e-mail address: verify by other means")
        if checked:
            request.detail = {**request.detail, IDENTITY_CHECKED: checked[:300]}
            request.save(update_fields=["detail"])
            events.log(request, "identity_checked", actor=actor, at=when,
                       note=f"by staff while filing: {checked}"[:300])
    start(request, actor=actor)
    request.refresh_from_db()
    return request


def staff_filing_problems(*, channel: str, name: str, email: str, address: str,
                          received_at: datetime, now: datetime | None = None,
                          message: str = "", identity_checked: str = "") -> list[RuleViolation]:
    """Every rule a staff filing breaks, each naming its field (the back-office form shows
    them all at once; `file_staff_request` refuses with the first)."""
    now = now or timezone.now()
    found = []
    if channel not in (Channel.STAFF, *STAFF_CHANNELS):
        found.append(RuleViolation("channel", "Rt5", "the channel is one of "
                                   f"{', '.join(c.value for c in STAFF_CHANNELS)}"))
    if len(name) > 200:
        found.append(RuleViolation("name", "length", gettext_noop(
            "the name is at most 200 characters")))
    if len(address) > 500:
        found.append(RuleViolation("address", "length", gettext_noop(
            "the postal address is at most 500 characters")))
    # The name goes into mail headers and greetings: one line, valid text (#13, 5.7).
    for field, value, multiline in (("name", name, False), ("email", email, False),
                                    ("address", address, True), ("message", message, True)):
        if forbidden_character(value, multiline=multiline) is not None:
            found.append(RuleViolation(field, "format", gettext_noop(
                "contains a line break, a control character or text that is not valid "
                "UTF-8")))
    if email.strip():
        try:
            validate_email(email.strip())
        except ValidationError:
            found.append(RuleViolation("email", "format", "this is not an e-mail address"))
    elif channel in STAFF_CHANNELS and not address.strip():
        found.append(RuleViolation("email", "Rt5", gettext_noop(
            "give the requester's e-mail address or postal address: the answer has to "
            "reach them")))
    checked = (identity_checked or "").strip()
    if checked and channel not in _SPOKEN_CHANNELS:
        found.append(RuleViolation("identity_checked", "Art12", gettext(
            "only a request made by telephone or in person can have its identity checked "
            "while it is registered")))
    if checked and ("@" in checked or len(checked) > 300):
        found.append(RuleViolation("identity_checked", "format", gettext(
            "say in at most 300 characters how the identity was checked, without "
            "addresses")))
    if received_at > now:
        found.append(RuleViolation("received_at", "Rt6", gettext_noop(
            "a request cannot be received in the future; the clocks run from the day it "
            "came in")))
    return found


@dataclass(frozen=True)
class MailOutcome:
    outcome: str  # request | triage | concern | rejected | duplicate
    request: DataSubjectRequest | None = None


def file_mail(mail: ParsedMail, *, received_at: datetime | None = None,
              too_large: bool = False) -> MailOutcome:
    """File one mailbox message exactly once (FiledMail); see the module doc."""
    key = mail.mail_key
    if FiledMail.objects.filter(mail_key=key).exists():
        return MailOutcome("duplicate")
    when = received_at or timezone.now()
    found = classify.classify(mail.subject, mail.text)
    problems = list(mail.problems)
    if too_large:
        problems.append("message over the size limit: not read, open it in the mailbox")
    kind = found.kind
    if mail.auto_reply:
        outcome = "rejected"
    elif kind == classify.CONCERN and not too_large:
        outcome = "concern"
    elif problems or not mail.sender_email or kind == classify.CONCERN:
        # Unreadable parts or no one to answer: a person decides (never a guess).
        kind, outcome = kinds.TRIAGE, "triage"
    else:
        outcome = "triage" if kind in (kinds.TRIAGE, kinds.NONE) else "request"
    request = None
    with transaction.atomic():
        FiledMail.objects.create(mail_key=key, filed_at=when, outcome=outcome)
        if outcome == "concern":
            incidents.file_concern(mail.text or mail.subject or "(empty message)",
                                   reporter_name=mail.sender_name,
                                   reporter_email=mail.sender_email,
                                   language=found.language, source="mailbox",
                                   actor="mailbox")
        else:
            request = _new(kinds.NONE if outcome == "rejected" else kind, Channel.EMAIL,
                           name=mail.sender_name, email=mail.sender_email,
                           subject=mail.subject, message=mail.text,
                           language=found.language, received_at=when, actor="mailbox",
                           note="; ".join(problems)[:200], classified=found)
            if outcome == "rejected":
                request.status = Status.REJECTED
                request.detail = {**request.detail, "rejected": "auto-reply or bounce"}
                request.save(update_fields=["status", "detail"])
            elif problems:
                request.detail = {**request.detail, "problems": problems}
                request.save(update_fields=["detail"])
    if request is not None and outcome == "request":
        start(request, actor="mailbox")
        request.refresh_from_db()
    return MailOutcome(outcome, request)


def set_kind(request: DataSubjectRequest, kind: str, *, actor: str,
             reason: str = "") -> DataSubjectRequest:
    """Staff set the kind of a triage item, or change the kind of a request (Rt5, Rt6).

    The clocks are never touched: a re-typed request keeps `received_at` and both deadlines
    (Rt6 runs from receipt, whatever the kind turns out to be). Changing the kind of a
    data-subject request (access, erasure, …) needs `reason` (≤ 300 characters, no
    addresses): an access request re-typed to "none" and closed must not vanish from view;
    a triage item or a message classified "none" gets its kind without one. Every
    change is kept in `detail["kind_changes"]` ({from, to, at, by, reason}), on the
    timeline and in the audit chain, in one transaction; `check` Rt6 reads it. A request
    kind then starts the identity step. RuleViolation(field, rule, message) stores nothing.
    """
    if kind not in kinds.ALL_KINDS or kind == kinds.TRIAGE:
        raise RuleViolation("kind", "Rt5", f"choose one of {', '.join(kinds.REQUEST_KINDS)} "
                            "or none")
    if not request.is_open:
        raise RuleViolation("status", "Rt5", f"a {request.status} request keeps its kind")
    old = request.kind
    if kind == old:
        raise RuleViolation("kind", "Rt5", f"this request is already of kind {kind}")
    why = (reason or "").strip()
    if old in kinds.REQUEST_KINDS and not why:
        raise RuleViolation("reason", "Rt6", f"say why this {old} request is changed to "
                            f"{kind}; its clocks keep running from receipt")
    if len(why) > 300 or "@" in why:
        raise RuleViolation("reason", "format", "the reason is at most 300 characters and "
                            "holds no addresses")
    when = timezone.now()
    with transaction.atomic():
        request.kind = kind
        request.detail = {**request.detail, "kind_changes": [
            *request.detail.get("kind_changes", []),
            {"from": old, "to": kind, "at": when.isoformat(), "by": actor[:150],
             "reason": why}]}
        request.save(update_fields=["kind", "detail"])
        events.log(request, "kind_set", actor=actor, at=when,
                   note=f"{old} -> {kind}" + (f": {why}" if why else ""))
    start(request, actor=actor)
    request.refresh_from_db()
    return request
