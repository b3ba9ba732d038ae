"""The call queue's rules: request a callback (P1), log attempts, written contact only after
the policy's number of failed attempts (P2). Views and the CLI call these and nothing else.
"""

from __future__ import annotations

from datetime import datetime

from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from privacydesk.callbacks import contact, letter
from privacydesk.callbacks.models import (
    CallAttempt,
    CallbackRequest,
    CallbackStatus,
    Channel,
    Outcome,
    WrittenContact,
)
from privacydesk.policy.active import get_policy
from privacydesk.policy.callbacks import Readiness
from privacydesk.policy.errors import RuleViolation
from privacydesk.register.models import Person, Phone
from privacydesk.vault import audit

WRITTEN_PURPOSE = "written_contact"


def request_callback(person: Person, *, phone: Phone | None, message: str, language: str,
                     actor: str = "public") -> CallbackRequest:
    """Queue a callback for `person` (P1) and record it in the audit chain."""
    with transaction.atomic():
        callback = CallbackRequest.objects.create(
            person=person, phone=phone, message=message,
            language=language if language in ("nl", "en") else "nl")
        _audit("create", callback, actor, "callback")
    return callback


def open_queue() -> list[CallbackRequest]:
    """Return the open callback requests, oldest first, with their attempts prefetched."""
    return list(CallbackRequest.objects.filter(status=CallbackStatus.OPEN)
                .select_related("person", "phone").prefetch_related("attempts"))


def log_attempt(callback: CallbackRequest, outcome: str, *, actor: str,
                note: str = "") -> CallAttempt:
    """Log one call. "reached" closes the request. Refuses a closed request or a bad outcome."""
    if outcome not in Outcome.values:
        raise RuleViolation("outcome", "choice",
                            f"outcome must be one of: {', '.join(Outcome.values)}")
    if len(note) > 500:
        raise RuleViolation("note", "format", gettext_noop("note is longer than 500 characters"))
    with transaction.atomic():
        locked = CallbackRequest.objects.select_for_update().get(pk=callback.pk)
        if locked.status != CallbackStatus.OPEN:
            raise RuleViolation(
                "callback", "P1", gettext_noop("this callback request is already closed"))
        attempt = CallAttempt.objects.create(callback=locked, outcome=outcome, actor=actor,
                                             note=note)
        if outcome == Outcome.REACHED:
            locked.status, locked.closed_at = CallbackStatus.REACHED, timezone.now()
            locked.save(update_fields=["status", "closed_at"])
        _audit("update", locked, actor, "callback", {"attempt": attempt.pk, "outcome": outcome})
    callback.refresh_from_db()
    return attempt


def call_log(callback: CallbackRequest) -> list[tuple[datetime, str]]:
    """The callback's logged calls as (moment, outcome), oldest first."""
    return list(callback.attempts.order_by("attempted_at", "id")
                .values_list("attempted_at", "outcome"))


def readiness(callback: CallbackRequest) -> Readiness:
    """How far the call log is from allowing written contact, by the policy's rule (P2)."""
    return get_policy().written_contact_readiness(call_log(callback))


def check_written_contact(callback: CallbackRequest) -> None:
    """Raise RuleViolation (rule P2) unless written contact is allowed for `callback` now.

    # P2: the statement allows written contact only "if you cannot be reached by telephone":
    # the policy says which outcomes are failed calls and how far apart they must be
    # (`[callbacks]`, privacydesk.policy.callbacks), so a burst of calls never opens it.
    """
    if callback.status != CallbackStatus.OPEN:
        raise RuleViolation(
            "callback", "P2", gettext_noop("this callback request is already closed"))
    get_policy().check_written_contact(call_log(callback))


def send_email(callback: CallbackRequest, *, subject: str, body: str,
               actor: str) -> WrittenContact:
    """Send `body` to the person's e-mail address over SMTP (P2) and close the request."""
    check_written_contact(callback)
    if not subject.strip() or not body.strip():
        raise RuleViolation("body", "required", gettext_noop("subject and text are required"))
    details = contact.read(callback, actor=actor, purpose=WRITTEN_PURPOSE)
    if not details.email:
        raise RuleViolation(
            "channel", "P2", gettext_noop("no e-mail address is known for this person"))
    controller = get_policy().controller
    with transaction.atomic():
        written = _close_written(callback, Channel.EMAIL, actor, subject[:200])
        EmailMessage(subject=subject[:200], body=body, to=[details.email],
                     reply_to=[controller.email]).send(fail_silently=False)
    return written


def write_letter(callback: CallbackRequest, *, body: str, actor: str) -> bytes:
    """Return the letter (PDF) to the person's postal address (P2) and close the request."""
    check_written_contact(callback)
    details = contact.read(callback, actor=actor, purpose=WRITTEN_PURPOSE)
    if not details.address_lines:
        raise RuleViolation(
            "channel", "P2", gettext_noop("no postal address is known for this person"))
    with transaction.atomic():
        pdf = letter.render(get_policy(), details, body=body, lang=callback.language)
        _close_written(callback, Channel.LETTER, actor, "")
    return pdf


def _close_written(callback: CallbackRequest, channel: str, actor: str,
                   subject: str) -> WrittenContact:
    locked = CallbackRequest.objects.select_for_update().get(pk=callback.pk)
    written = WrittenContact.objects.create(callback=locked, channel=channel, actor=actor,
                                            subject=subject)
    locked.status, locked.closed_at = CallbackStatus.WRITTEN, timezone.now()
    locked.save(update_fields=["status", "closed_at"])
    _audit("update", locked, actor, WRITTEN_PURPOSE, {"written": written.pk,
                                                      "channel": channel})
    callback.refresh_from_db()
    return written


def _audit(action: str, callback: CallbackRequest, actor: str, purpose: str,
           detail: dict[str, object] | None = None) -> None:
    # The audit detail names keys and outcomes only, never what the person typed.
    audit.record(actor=actor, action=action, object_type="callbacks.callbackrequest",
                 object_id=str(callback.pk), person_ref=str(callback.person.ref),
                 purpose=purpose, detail=detail or {})
