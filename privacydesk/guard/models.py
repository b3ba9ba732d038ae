"""The offender register and the allow-list (W2), and the shared counters of the database
store. The register is the only place a client address is ever stored (W1)."""

from __future__ import annotations

from django.db import models


class Offender(models.Model):
    """An address (IPv4, or IPv6 /64) that crossed the policy's threshold, with evidence.

    `evidence` holds {"rules": {rule: count}, "first_seen", "last_seen" (epoch seconds),
    "paths": [path without query values]} — never bodies, passwords or query values.
    The row is deleted at `expires_at` (policy guard.registration_days after the last offence)
    by `services.prune_expired`, called by the retention machinery.
    """

    address = models.CharField(max_length=64, unique=True)
    evidence = models.JSONField(default=dict)
    first_seen = models.DateTimeField()
    last_seen = models.DateTimeField()
    ban_until = models.DateTimeField(null=True, blank=True, db_index=True)
    ban_count = models.PositiveIntegerField(default=0)
    registered_at = models.DateTimeField()
    expires_at = models.DateTimeField(db_index=True)
    lifted_by = models.CharField(max_length=150, blank=True, default="")
    lifted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-last_seen"]

    def __str__(self) -> str:
        return f"offender #{self.pk}"


class AllowListEntry(models.Model):
    """An address or network (CIDR) the guard never counts, registers or blocks."""

    network = models.CharField(max_length=64, unique=True)
    note = models.CharField(max_length=200, blank=True, default="")
    added_by = models.CharField(max_length=150)
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["network"]

    def __str__(self) -> str:
        return self.network


class Counter(models.Model):
    """A counter of the database store: keyed by the keyed hash only, never an address."""

    key = models.CharField(max_length=16, primary_key=True)
    window_start = models.BigIntegerField()
    current = models.PositiveIntegerField(default=0)
    previous = models.PositiveIntegerField(default=0)
    first_seen = models.FloatField()
    rules = models.JSONField(default=dict)
    paths = models.JSONField(default=list)
    expires_at = models.FloatField(db_index=True)

    def __str__(self) -> str:
        return "counter"


class Salt(models.Model):
    """The random salt of one hashing generation (database store); deleted with it."""

    generation = models.BigIntegerField(primary_key=True)
    salt = models.BinaryField()
    expires_at = models.FloatField(db_index=True)

    def __str__(self) -> str:
        return f"salt of generation {self.generation}"


class ApiRate(models.Model):
    """The call counts of one API token in the database store (Sec3, guard/tokenrate.py):
    keyed by a prefix of the token's SHA-256 digest, never by a client address (W1)."""

    key = models.CharField(max_length=32, primary_key=True)
    window = models.BigIntegerField(db_index=True)   # index of the current window
    current = models.PositiveIntegerField(default=0)
    previous = models.PositiveIntegerField(default=0)
    refused = models.BooleanField(default=False)     # was the last call refused (429)?

    def __str__(self) -> str:
        return "API token rate"
