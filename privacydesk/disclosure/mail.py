"""E-mails to the person about a consent request (D3), in their language (nl/en).

Mail leaves through Django's configured backend, as every other privacydesk mail does
(SMTP when PRIVACYDESK_SMTP_URL is set, else files in the data folder's outbox). The address
is read through the register (an audited read with the consent's purpose) each time it is
needed and never stored here. Sending failures are logged without address or content (W1).
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext_noop

from privacydesk.disclosure.models import ConsentRequest
from privacydesk.policy.active import get_policy
from privacydesk.policy.errors import RuleViolation
from privacydesk.register import services as register
from privacydesk.register.models import Person

log = logging.getLogger("privacydesk.disclosure")


def registered_address(person: Person, *, actor: str, purpose: str) -> str:
    """The person's latest registered e-mail address (an audited read), or RuleViolation."""
    view = register.read_person(person, actor=actor, purpose=purpose)
    emails = view.data.get("email", ())
    if not emails:
        raise RuleViolation(
            "person", "D3", gettext_noop("this person has no registered e-mail address; "
                                         "ask their consent in writing and record the answer"))
    return str(emails[-1].values["address"])


def public_link(name: str, lang: str, token: str) -> str:
    """An absolute link to a public consent page (PRIVACYDESK_PUBLIC_URL + path)."""
    path = reverse(f"disclosure_public:{name}", kwargs={"lang": lang, "token": token})
    return str(settings.PRIVACYDESK_PUBLIC_URL).rstrip("/") + path


def _context(consent: ConsentRequest) -> dict[str, Any]:
    policy, lang = get_policy(), consent.language
    return {
        "controller": policy.controller, "consent": consent, "recipient": consent.recipient,
        "categories": [policy.categories[c].label(lang) for c in consent.categories
                       if c in policy.categories],
        "purpose": policy.purposes[consent.purpose].label(lang)
        if consent.purpose in policy.purposes else consent.purpose,
        "explanation": consent.explanation,
    }


def _send(template: str, consent: ConsentRequest, to: str, extra: dict[str, Any]) -> None:
    text = render_to_string(f"disclosure/mail/{template}.{consent.language}.txt",
                            {**_context(consent), **extra})
    subject, _, body = text.strip().partition("\n")
    EmailMessage(subject=subject.strip(), body=body.strip() + "\n", to=[to],
                 reply_to=[get_policy().controller.email]).send(fail_silently=False)


def send_request(consent: ConsentRequest, to: str, token: str) -> None:
    """Mail the request with its answer link; RuleViolation if it cannot be sent."""
    try:
        _send("request", consent, to, {"link": public_link("answer", consent.language, token),
                                       "link_expires": consent.link_expires_at})
    except Exception as exc:
        log.warning("consent request mail not sent (%s)", type(exc).__name__)
        raise RuleViolation(
            "email", "delivery", gettext_noop("the e-mail could not be sent; nothing was "
                                              "recorded, try again")) from exc


def _confirm(consent: ConsentRequest, token: str) -> None:
    try:
        fresh = ConsentRequest.objects.select_related("person").get(pk=consent.pk)
        if fresh.person is None:
            return
        to = registered_address(fresh.person, actor="public", purpose=fresh.purpose)
        _send("granted", fresh, to, {"link": public_link("withdraw", fresh.language, token)})
    except Exception as exc:   # the grant stands; the page showed the withdrawal link too
        log.warning("consent confirmation mail not sent (%s)", type(exc).__name__)


def confirm_after_commit(consent: ConsentRequest, withdraw_token: str) -> None:
    """Once the grant is committed, mail the confirmation with the withdrawal link."""
    transaction.on_commit(lambda: _confirm(consent, withdraw_token))
