"""Requests filed through the website's request form (Rt5), waiting for the request workflow.

The data-subject request workflow (`privacydesk.requests`) picks these up: it reads the
rows with `picked_up_at` empty, files each as a request of its own and sets `picked_up_at`.
The 7-day clock (Rt6) runs from `received_at`.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone


class WebRequest(models.Model):
    """One request as the person typed it: what they want, who they are, how to answer."""

    kind = models.CharField(max_length=16)  # access | rectification | erasure | ...
    name = models.CharField(max_length=200)
    email = models.EmailField(max_length=254)
    message = models.TextField(blank=True)
    language = models.CharField(max_length=2, default="nl")
    received_at = models.DateTimeField(default=timezone.now)
    picked_up_at = models.DateTimeField(null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["received_at", "id"]

    def __str__(self) -> str:
        return f"web request #{self.pk} ({self.kind})"
