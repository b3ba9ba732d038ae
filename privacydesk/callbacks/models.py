"""The call queue (P1) and the written fallback (P2).

A `CallbackRequest` is what a person asked for on the contact form: to be called back. Staff
log every `CallAttempt`; a `WrittenContact` (e-mail or letter) may only follow once phone
contact has failed by the policy's rule (`[callbacks]`: failed outcomes, spacing, days —
`privacydesk.policy.callbacks`, asked by `services.check_written_contact`). Everything
hangs off the register's `Person`, so erasing the person erases the queue entries too.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class CallbackStatus(models.TextChoices):
    OPEN = "open", _("open")
    REACHED = "reached", _("reached by phone")
    WRITTEN = "written", _("contacted in writing")


class Outcome(models.TextChoices):
    REACHED = "reached", _("reached")
    NO_ANSWER = "no_answer", _("no answer")
    VOICEMAIL = "voicemail", _("voicemail")
    BUSY = "busy", _("busy")
    WRONG_NUMBER = "wrong_number", _("wrong number")


class Channel(models.TextChoices):
    EMAIL = "email", _("e-mail")
    LETTER = "letter", _("letter")


class CallbackRequest(models.Model):
    """One request to be called back. `message` is what the person typed, nothing more."""

    person = models.ForeignKey("register.Person", on_delete=models.CASCADE,
                               related_name="callback_requests")
    phone = models.ForeignKey("register.Phone", on_delete=models.SET_NULL, null=True,
                              blank=True, related_name="+")
    message = models.TextField(blank=True)
    language = models.CharField(max_length=2, default="nl")
    requested_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=16, choices=CallbackStatus.choices,
                              default=CallbackStatus.OPEN, db_index=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["requested_at", "id"]

    def __str__(self) -> str:
        return f"callback #{self.pk} ({self.status})"

    def failed_attempts(self) -> int:
        """Return the number of logged attempts that did not reach the person (for the
        queue; whether they open written contact is the policy's P2 rule, not this count)."""
        return self.attempts.exclude(outcome=Outcome.REACHED).count()


class CallAttempt(models.Model):
    """One phone call made for a callback request: when, by whom, and how it went."""

    callback = models.ForeignKey(CallbackRequest, on_delete=models.CASCADE,
                                 related_name="attempts")
    attempted_at = models.DateTimeField(default=timezone.now)
    outcome = models.CharField(max_length=16, choices=Outcome.choices)
    actor = models.CharField(max_length=150)
    note = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["attempted_at", "id"]

    def __str__(self) -> str:
        return f"attempt #{self.pk}: {self.outcome}"


class WrittenContact(models.Model):
    """An e-mail sent or a letter printed after phone contact failed (P2)."""

    callback = models.ForeignKey(CallbackRequest, on_delete=models.CASCADE,
                                 related_name="written")
    channel = models.CharField(max_length=8, choices=Channel.choices)
    made_at = models.DateTimeField(default=timezone.now)
    actor = models.CharField(max_length=150)
    subject = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["made_at", "id"]

    def __str__(self) -> str:
        return f"written contact #{self.pk} by {self.channel}"
