"""The incident register (Sec5): concerns reported by anyone, and personal data breaches.

A breach must be reported to the supervisory authority within 72 hours of becoming aware of
it (GDPR Art. 33(1)); `authority_deadline` holds that moment once staff mark a breach.

What a person wrote and who they are is sealed (Sec1): the description, the reporter's
name and e-mail address, and staff's free text (the assessment's, closing's and reopening's
reasons: staff are asked for facts, but free text can name someone) are one AES-GCM value
(`SealedMixin`), never a clear column. The
register keeps the facts as Art. 33(5) documentation; the policy's `[incidents]` periods
(R1) decide how long: the reporter's contact data go `reporter_period` after the incident is
closed, the whole record `documentation_period` after it (incidents.retention).
"""

from __future__ import annotations

import json
from typing import Any

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from privacydesk.vault.models import SealedMixin


class IncidentKind(models.TextChoices):
    CONCERN = "concern", _("concern")
    BREACH = "breach", _("personal data breach")


class IncidentStatus(models.TextChoices):
    NEW = "new", _("new")
    INVESTIGATING = "investigating", _("investigating")
    CLOSED = "closed", _("closed")


#: The keys of an incident's sealed JSON, each read through the property of its name.
SEALED_FIELDS = ("description", "reporter_name", "reporter_email", "assessment_reason",
                 "close_reason", "reopen_reason")


def _sealed_field(key: str) -> Any:
    """A read-only property: the sealed value `key` of an incident."""
    return property(lambda incident: incident._sealed()[key])


class Incident(SealedMixin):
    """One reported concern or breach. The sealed secret is JSON with the keys of
    `SEALED_FIELDS` (all but the description may be ""); read it through the properties of
    the same names, write it with `seal()` (everything) or `reseal()` (some keys)."""

    kind = models.CharField(max_length=16, choices=IncidentKind.choices,
                            default=IncidentKind.CONCERN, db_index=True)
    language = models.CharField(max_length=2, default="nl")
    source = models.CharField(max_length=32, default="web_form")  # web_form | mailbox | staff
    received_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=16, choices=IncidentStatus.choices,
                              default=IncidentStatus.NEW, db_index=True)
    breach_marked_at = models.DateTimeField(null=True, blank=True)
    # Art. 33(5): staff's assessment (a breach or not) and why (sealed: assessment_reason),
    # as documentation; the record goes with the rest after the documentation period (R1).
    assessed_at = models.DateTimeField(null=True, blank=True)
    authority_deadline = models.DateTimeField(null=True, blank=True)
    # Art. 33(1)/(5): when the authority was notified, and its reference, as evidence.
    reported_at = models.DateTimeField(null=True, blank=True)
    authority_reference = models.CharField(max_length=100, blank=True)
    # Art. 34(1): when the data subjects were informed of a breach.
    subjects_informed_at = models.DateTimeField(null=True, blank=True)
    # R1: the retention periods count from closing; clearing the reporter is recorded.
    # The reason for closing is sealed (close_reason).
    closed_at = models.DateTimeField(null=True, blank=True, db_index=True)
    reporter_cleared_at = models.DateTimeField(null=True, blank=True)
    # The last time a closed incident was opened again (why: sealed reopen_reason).
    reopened_at = models.DateTimeField(null=True, blank=True)

    # The opened sealed value and the (key_id, ciphertext) it was opened from; not a field.
    _opened: tuple[tuple[str, bytes], dict[str, str]] | None = None

    class Meta:
        ordering = ["-received_at", "-id"]

    def __str__(self) -> str:
        return f"incident #{self.pk} ({self.kind}, {self.status})"

    def seal(self, **values: str) -> None:
        """Seal `values` (keys of `SEALED_FIELDS`; a key left out seals "") into this row
        (not saved); KeyError for any other key."""
        unknown = set(values) - set(SEALED_FIELDS)
        if unknown:
            raise KeyError(f"not a sealed field of an incident: {', '.join(sorted(unknown))}")
        self.set_secret(json.dumps({k: values.get(k, "") for k in SEALED_FIELDS},
                                   ensure_ascii=False))

    def reseal(self, **changes: str) -> None:
        """Seal again with `changes`, keeping the other sealed values (not saved)."""
        self.seal(**{**self._sealed(), **changes})

    def _sealed(self) -> dict[str, str]:
        # Decrypted once per sealed value (the staff list reads three fields a row).
        stamp = (self.key_id, bytes(self.ciphertext or b""))
        cached = self._opened
        if cached is None or cached[0] != stamp:
            data = json.loads(self.get_secret()) if stamp[1] else {}
            cached = (stamp, {k: str(data.get(k, "")) for k in SEALED_FIELDS})
            self._opened = cached
        return cached[1]

    description = _sealed_field("description")
    reporter_name = _sealed_field("reporter_name")
    reporter_email = _sealed_field("reporter_email")
    assessment_reason = _sealed_field("assessment_reason")
    close_reason = _sealed_field("close_reason")
    reopen_reason = _sealed_field("reopen_reason")

    @property
    def reported_late(self) -> bool:
        """True when the authority was (or still is not) notified after the 72 hours."""
        if self.authority_deadline is None:
            return False
        moment = self.reported_at or timezone.now()
        return moment > self.authority_deadline
