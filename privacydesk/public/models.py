"""The public website files what its forms receive elsewhere: the request form a data-subject
request in `privacydesk.requests` (Rt5), the contact form a callback, the concern form an
incident. Its one model limits the confirmation mails the forms send."""

from __future__ import annotations

from django.db import models


class ConfirmationSent(models.Model):
    """One confirmation mail sent by a public form, kept for a day to limit how many one
    address receives (#13, 5.12). `recipient` is a keyed hash of the address, never the
    address; nothing about the visitor who typed it is kept (W1)."""

    recipient = models.CharField(max_length=64)
    sent_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["recipient", "sent_at"]),
                   models.Index(fields=["sent_at"])]

    def __str__(self) -> str:
        return f"confirmation {self.pk}"
