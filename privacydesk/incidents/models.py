"""The incident register (Sec5): concerns reported by anyone, and personal data breaches.

A breach must be reported to the supervisory authority within 72 hours of becoming aware of
it (GDPR Art. 33(1)); `authority_deadline` holds that moment once staff mark a breach.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class IncidentKind(models.TextChoices):
    CONCERN = "concern", "concern"
    BREACH = "breach", "personal data breach"


class IncidentStatus(models.TextChoices):
    NEW = "new", "new"
    INVESTIGATING = "investigating", "investigating"
    CLOSED = "closed", "closed"


class Incident(models.Model):
    """One reported concern or breach. The reporter's contact details are optional."""

    kind = models.CharField(max_length=16, choices=IncidentKind.choices,
                            default=IncidentKind.CONCERN, db_index=True)
    description = models.TextField()
    reporter_name = models.CharField(max_length=200, blank=True)
    reporter_email = models.EmailField(max_length=254, blank=True)
    language = models.CharField(max_length=2, default="nl")
    source = models.CharField(max_length=32, default="web_form")  # web_form | mailbox | staff
    received_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=16, choices=IncidentStatus.choices,
                              default=IncidentStatus.NEW, db_index=True)
    breach_marked_at = models.DateTimeField(null=True, blank=True)
    authority_deadline = models.DateTimeField(null=True, blank=True)
    # Art. 33(1)/(5): when the authority was notified, and its reference, as evidence.
    reported_at = models.DateTimeField(null=True, blank=True)
    authority_reference = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["-received_at", "-id"]

    def __str__(self) -> str:
        return f"incident #{self.pk} ({self.kind}, {self.status})"

    @property
    def reported_late(self) -> bool:
        """True when the authority was (or still is not) notified after the 72 hours."""
        if self.authority_deadline is None:
            return False
        moment = self.reported_at or timezone.now()
        return moment > self.authority_deadline
