"""Consent (D3): ask the person, record their answer, honour a withdrawal at once.

`request_consent` e-mails the person (in Dutch or English, to the address the register holds)
a signed single-use link to a public page where they grant or refuse; nothing is shared
until they grant it. A grant returns — on the page and in a confirmation e-mail — a second
link that withdraws the consent; staff can record a withdrawal made by phone or letter too.
From the moment of withdrawal the gate refuses (`coverage.gap`).

A granted consent ends after `CONSENT_VALIDITY`: the policy declares no consent period, so
this module's default applies (one year, then ask again; docs/disclosure.md). An unanswered
request's link lapses after `ANSWER_DAYS`. Links carry signed secrets, only their sha256 is
stored, and the answer link's hash is cleared when used (privacydesk.requests.tokens).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from privacydesk.disclosure import mail
from privacydesk.disclosure.common import (
    check_actor,
    clean_categories,
    clean_purpose,
    clean_recipient,
    lock_shareable,
)
from privacydesk.disclosure.models import ConsentRequest, ConsentStatus
from privacydesk.policy import clock
from privacydesk.policy.active import get_policy
from privacydesk.policy.dates import add_period
from privacydesk.policy.errors import RuleViolation
from privacydesk.policy.model import Period
from privacydesk.register import formats
from privacydesk.register.models import Person
from privacydesk.requests import tokens
from privacydesk.vault import audit

CONSENT_VALIDITY = Period(years=1)   # default: the policy has no consent period (D3)
ANSWER_DAYS = 30                     # an unanswered request's link lapses after this
ANSWER_SALT = "privacydesk.disclosure.answer"
WITHDRAW_SALT = "privacydesk.disclosure.withdraw"
PUBLIC = "public"                    # the audit actor for the person themselves


def _record(action: str, consent: ConsentRequest, actor: str, **detail: Any) -> None:
    audit.record(actor=actor, action=action, object_type="disclosure.consentrequest",
                 object_id=str(consent.pk), person_ref=str(consent.person_ref),
                 purpose=consent.purpose, detail=detail)


def _consent_purpose(purpose: Any) -> str:
    """Art. 6(1)(a): the purpose must be one the policy allows to rest on consent."""
    key = clean_purpose(purpose)
    try:
        get_policy().check_purpose(key, "consent", has_agreement=False)
    except RuleViolation as error:
        raise RuleViolation("purpose", error.rule, error.message) from None
    return key


def expiry(granted_at: datetime) -> datetime:
    """When a consent granted at `granted_at` ends (CONSENT_VALIDITY later)."""
    day = clock.day_of(granted_at)
    return granted_at + timedelta(days=(add_period(day, CONSENT_VALIDITY) - day).days)


def request_consent(person: Person, recipient: str, categories: Any, purpose: str,
                    explanation: str, *, actor: str, language: str = "nl") -> ConsentRequest:
    """Ask `person` whether `recipient` may receive `categories` for `purpose`; e-mail the
    link. RuleViolation (nothing stored) if an input is bad, the person is restricted
    (Art. 18), has no registered e-mail address, or the mail cannot be sent."""
    check_actor(actor)
    name = clean_recipient(recipient)
    cats = clean_categories(categories)
    key = _consent_purpose(purpose)
    why = formats.text(explanation, "explanation", max_length=500)
    lang = formats.choice(language, "language", ("nl", "en"))
    with transaction.atomic():
        locked = lock_shareable(person, cats, key)
        address = mail.registered_address(locked, actor=actor, purpose=key)
        secret, digest = tokens.new_secret()
        now = timezone.now()
        consent = ConsentRequest.objects.create(
            person=locked, person_ref=locked.ref, recipient=name, categories=cats,
            purpose=key, explanation=why, language=lang, requested_by=actor,
            requested_at=now, link_expires_at=now + timedelta(days=ANSWER_DAYS),
            answer_hash=digest)
        _record("consent.request", consent, actor, recipient=name, categories=cats)
        # Raises (and so rolls back) if the mail does not leave: no request without a mail.
        mail.send_request(consent, address, tokens.make(consent.uid.hex, secret, ANSWER_SALT))
    return consent


def _locked(token: str, salt: str) -> ConsentRequest | None:
    """The request an answer (ANSWER_SALT) or withdrawal link points to, locked, while the
    link's secret is the one stored; None otherwise."""
    field = "answer_hash" if salt == ANSWER_SALT else "withdraw_hash"
    parsed = tokens.read(token, salt)
    if parsed is None or len(parsed[0]) != 32:
        return None
    found = ConsentRequest.objects.select_for_update().filter(uid=parsed[0]).first()
    if found is None or found.person_id is None \
            or not tokens.matches(parsed[1], getattr(found, field)):
        return None
    return found


def peek(token: str, salt: str) -> ConsentRequest | None:
    """The request a link points to while the link still works (for showing the page)."""
    with transaction.atomic():
        found = _locked(token, salt)
    wanted = ConsentStatus.PENDING if salt == ANSWER_SALT else ConsentStatus.GRANTED
    return found if found is not None and found.state() == wanted else None


def answer(token: str, grant: bool) -> tuple[ConsentRequest, str] | None:
    """Record the person's answer through their link; once only. Returns the request and,
    for a grant, the withdrawal link token; None if the link is not (or no longer) valid."""
    with transaction.atomic():
        consent = _locked(token, ANSWER_SALT)
        if consent is None or consent.state() != ConsentStatus.PENDING:
            return None
        now = timezone.now()
        consent.answered_at, consent.answer_hash = now, ""
        withdraw_token = ""
        if grant:
            secret, digest = tokens.new_secret()
            consent.status, consent.expires_at = ConsentStatus.GRANTED, expiry(now)
            consent.withdraw_hash = digest
            withdraw_token = tokens.make(consent.uid.hex, secret, WITHDRAW_SALT)
        else:
            consent.status = ConsentStatus.REFUSED
        consent.save()
        _record("consent.grant" if grant else "consent.refuse", consent, PUBLIC)
        if grant:
            mail.confirm_after_commit(consent, withdraw_token)
    return consent, withdraw_token


def _withdraw(consent: ConsentRequest, actor: str) -> ConsentRequest:
    consent.status, consent.withdrawn_at = ConsentStatus.WITHDRAWN, timezone.now()
    consent.withdrawn_by, consent.withdraw_hash = actor, ""
    consent.save()
    _record("consent.withdraw", consent, actor)
    return consent


def withdraw(token: str) -> ConsentRequest | None:
    """Art. 7(3): the person withdraws through their link; honoured at once. None if the
    link is not valid or the consent is no longer granted."""
    with transaction.atomic():
        found = _locked(token, WITHDRAW_SALT)
        if found is None or found.status != ConsentStatus.GRANTED:
            return None
        return _withdraw(found, PUBLIC)


def withdraw_by_staff(consent: ConsentRequest, *, actor: str) -> ConsentRequest:
    """Record a withdrawal the person made by phone, letter or e-mail (Art. 7(3): as easy
    to withdraw as to give). RuleViolation if the consent is not granted."""
    check_actor(actor)
    with transaction.atomic():
        locked = ConsentRequest.objects.select_for_update().get(pk=consent.pk)
        if locked.status != ConsentStatus.GRANTED:
            raise RuleViolation("consent", "D3", f"this consent is {locked.state()}; only a "
                                "granted consent can be withdrawn")
        return _withdraw(locked, actor)
