"""Confirmation e-mails to the people who used a form, over SMTP, in their language.

A confirmation that cannot be sent never undoes what the person filed: it is sent after the
transaction commits, and a failure is logged without any address or content (W1).

Anyone can type anyone's address into a public form, so a confirmation is a mail to a
stranger on a stranger's word (#13, 5.12): it opens with a greeting that quotes nothing the
visitor typed, and one address receives at most `PER_ADDRESS_PER_DAY` of them a day and no
more than the guard's form-flood rule allows within its window. What went over the limit is
still filed; only the mail is not sent.
"""

from __future__ import annotations

import logging
from datetime import date, timedelta

from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation

from privacydesk.guard import conf as guard_conf
from privacydesk.policy import clock
from privacydesk.policy.active import get_policy
from privacydesk.public.models import ConfirmationSent
from privacydesk.vault.blind import blind_index

log = logging.getLogger("privacydesk.public")

PER_ADDRESS_PER_DAY = 3


def may_confirm(to: str) -> bool:
    """Count a confirmation to `to` and return True, or return False when that address had
    `PER_ADDRESS_PER_DAY` today (the policy's day) or a form flood's worth within the guard's
    flood window. Rows older than two days are pruned on the way."""
    recipient = blind_index(to, kind="confirmation_to")
    now = clock.now()
    flood = guard_conf.load()
    with transaction.atomic():
        prune_confirmations()
        sent = ConfirmationSent.objects.filter(recipient=recipient)
        if sent.filter(sent_at__gte=clock.start_of(clock.today())).count() >= PER_ADDRESS_PER_DAY:
            return False
        window_start = now - timedelta(seconds=flood.flood_seconds)
        if sent.filter(sent_at__gte=window_start).count() >= flood.flood_posts:
            return False
        ConfirmationSent.objects.create(recipient=recipient, sent_at=now)
    return True


def prune_confirmations(day: date | None = None) -> int:
    """Delete the counts older than two days, counted from now (they only serve today's
    limit; `day` plays no part); return how many went. Also the daily prune job
    (`retention.prune.prune_system`), so an address nobody types again is not kept either
    (R1)."""
    deleted, _ = ConfirmationSent.objects.filter(
        sent_at__lt=clock.now() - timedelta(days=2)).delete()
    return deleted


def _send(template: str, to: str, lang: str, context: dict[str, object]) -> None:
    if not may_confirm(to):
        log.info("confirmation e-mail not sent: daily limit for one address reached")
        return
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
    surrounding transaction has committed, unless `to` reached its limit (`may_confirm`)."""
    transaction.on_commit(lambda: _send(template, to, lang, context or {}))
