"""Sign-in limits per account (Sec1): guessing a password or a one-time code is slowed down
for the account, whichever addresses the guesses come from.

The break-in guard (W2) bans an address after repeated failures; an attacker with ten
addresses stays under its threshold on each. So every wrong password and every wrong code
also counts for the account. After the policy's `staff_accounts.failures_before_delay`
failures in a row, the account refuses sign-in attempts — a correct password or code too —
for `first_delay_seconds`; each failure after a delay multiplies the next delay by
`delay_multiplier`, up to `max_delay_seconds`. It is never a permanent lock-out, which an
attacker could otherwise use to keep staff out. Attempts refused during a delay are not
checked at all (so a guess cannot be confirmed while the account waits) and do not make the
delay longer. Failures older than `failure_memory_seconds` are forgotten; a complete
sign-in (password and code) forgets them at once.

The account holder is told by e-mail when a burst of failures starts its first delay: once
per burst, not per attempt. The staff page shows the count and the delay.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Case, F, Q, Value, When
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from privacydesk.policy import clock
from privacydesk.policy.active import get_policy
from privacydesk.staff.models import StaffUser

log = logging.getLogger("privacydesk.staff")


def delayed_until(user: StaffUser, now: datetime | None = None) -> datetime | None:
    """The moment `user` accepts sign-in attempts again, or None when it does now."""
    until = StaffUser.objects.filter(pk=user.pk).values_list(
        "sign_in_delayed_until", flat=True).first()
    if until is None or until <= (now or timezone.now()):
        return None
    return until


def delay_for(failures: int) -> timedelta | None:
    """The delay after `failures` failures in a row, or None below the policy's threshold."""
    rules = get_policy().staff_accounts
    steps = failures - rules.failures_before_delay
    if steps < 0:
        return None
    # Whole seconds (the policy's integers): the power is exact, then capped.
    seconds = rules.first_delay_seconds * rules.delay_multiplier ** min(steps, 64)
    return timedelta(seconds=min(seconds, rules.max_delay_seconds))


def record_failure(user: StaffUser, now: datetime | None = None) -> datetime | None:
    """Count a wrong password or code for `user`; return the end of the delay it starts,
    or None. The first delay of a burst is mailed to the account holder (after commit)."""
    now = now or timezone.now()
    rules = get_policy().staff_accounts
    forgotten = now - timedelta(seconds=rules.failure_memory_seconds)
    with transaction.atomic():
        # One UPDATE counts, so simultaneous failures from many addresses are all counted
        # (a read-then-write would lose some of them).
        StaffUser.objects.filter(pk=user.pk).update(
            failed_sign_ins=Case(
                When(Q(last_failed_sign_in_at__isnull=True)
                     | Q(last_failed_sign_in_at__lt=forgotten), then=Value(1)),
                default=F("failed_sign_ins") + 1),
            last_failed_sign_in_at=now)
        count = StaffUser.objects.filter(pk=user.pk).values_list(
            "failed_sign_ins", flat=True).get()
        delay = delay_for(count)
        if delay is not None:
            until = user.sign_in_delayed_until = now + delay
            StaffUser.objects.filter(pk=user.pk).update(sign_in_delayed_until=until)
            if count == rules.failures_before_delay:
                transaction.on_commit(lambda: tell_account_holder(user.pk, count, until))
    user.failed_sign_ins, user.last_failed_sign_in_at = count, now
    return now + delay if delay is not None else None


def record_success(user: StaffUser) -> None:
    """A complete sign-in (password and code): forget the failures and any delay."""
    StaffUser.objects.filter(pk=user.pk).update(
        failed_sign_ins=0, last_failed_sign_in_at=None, sign_in_delayed_until=None)
    user.failed_sign_ins, user.last_failed_sign_in_at = 0, None
    user.sign_in_delayed_until = None


def local_time(moment: datetime) -> str:
    """`moment` as staff read it: the policy's time zone, rounded up to the minute (so
    "after 10:42" is never a second too early), with the date when it is not today."""
    local = moment.astimezone(clock.zone())
    if local.second or local.microsecond:
        local = (local + timedelta(minutes=1)).replace(second=0, microsecond=0)
    if clock.day_of(local) == clock.today():
        return local.strftime("%H:%M")
    return local.strftime("%d-%m-%Y %H:%M")


def delay_message(until: datetime) -> str:
    """What a refused attempt during a delay says (the sign-in pages)."""
    return _("Too many failed sign-in attempts on this account. Sign-in is paused; try "
             "again after %(time)s.") % {"time": local_time(until)}


def tell_account_holder(pk: int, failures: int, until: datetime) -> bool:
    """Mail the account holder that sign-in is paused after `failures` failures; False when
    the account has no e-mail address or the mail could not be sent (logged without
    address or content)."""
    user = StaffUser.objects.filter(pk=pk).first()
    if user is None or not user.email:
        return False
    controller = get_policy().controller
    rules = get_policy().staff_accounts
    # In the language the holder reads the back office in (issue #15), else Dutch.
    with translation.override(user.language or settings.LANGUAGE_CODE):
        text = render_to_string("staff/mail/sign_in_paused.txt", {
            "username": user.username, "failures": failures, "time": local_time(until),
            "max_minutes": max(1, rules.max_delay_seconds // 60), "controller": controller})
    subject, _sep, body = text.strip().partition("\n")
    try:
        EmailMessage(subject=subject.strip(), body=body.strip() + "\n", to=[user.email],
                     reply_to=[controller.email]).send(fail_silently=False)
    except Exception as exc:  # a mail server that is down must not break the sign-in page
        log.warning("sign-in pause notice not sent (%s)", type(exc).__name__)
        return False
    return True
