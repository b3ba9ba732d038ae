"""What privacydesk remembers about the company's other systems (#16)."""

from __future__ import annotations

from django.db import models


class SystemScan(models.Model):
    """One run of `privacydesk systems scan NAME`: when, how many values were sampled, and
    what the detectors found per place. `findings` is a list of {"where", "detector",
    "count", "category", "allowed"} dicts with counts only, never a value (C2: the scan must
    not become a second copy of the data). `breaches` counts findings of a category the
    policy does not allow in that system or for its roles (C2–C5); `proposal` is the
    proposed dataset declaration (TOML); `error` a connector error's kind and safe message."""

    system = models.CharField(max_length=64, db_index=True)
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    sampled = models.PositiveIntegerField(default=0)
    findings = models.JSONField(default=list)
    breaches = models.PositiveIntegerField(default=0)
    proposal = models.TextField(blank=True)
    error = models.CharField(max_length=300, blank=True)
    started_by = models.CharField(max_length=150, blank=True)

    class Meta:
        ordering = ["-started_at"]

    def __str__(self) -> str:
        return f"{self.system} {self.started_at:%Y-%m-%d %H:%M}"
