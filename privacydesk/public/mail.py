"""Confirmation e-mails to the people who used a form, over SMTP, in their language.

A confirmation that cannot be sent never undoes what the person filed: it is sent after the
transaction commits, and a failure is logged without any address or content (W1).
"""

from __future__ import annotations

import logging

from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation

from privacydesk.policy.active import get_policy

log = logging.getLogger("privacydesk.public")


def _send(template: str, to: str, lang: str, context: dict[str, object]) -> None:
    controller = get_policy().controller
    with translation.override(lang):
        text = render_to_string(template, {**context, "controller": controller})
    subject, _, body = text.strip().partition("\n")
    try:
        EmailMessage(subject=subject.strip(), body=body.strip() + "\n", to=[to],
                     reply_to=[controller.email]).send(fail_silently=False)
    except Exception as exc:  # SMTP down must not break the site
        log.warning("confirmation e-mail not sent (%s)", type(exc).__name__)


def confirm_after_commit(template: str, to: str, lang: str,
                         context: dict[str, object] | None = None) -> None:
    """Send the confirmation rendered from `template` (first line = subject) once the
    surrounding transaction has committed."""
    transaction.on_commit(lambda: _send(template, to, lang, context or {}))
