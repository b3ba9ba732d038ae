"""Retention's own records: legal holds, last contact, receipts, the erasure ledger, backups.

None of these hold personal data beyond the pseudonymous person ref: a receipt proves THAT
something was deleted (category, rule, law, count, when), never WHAT it was (R1, Art. 5(2)).
"""

from __future__ import annotations

import uuid
from typing import ClassVar

from django.db import models
from django.utils.translation import gettext_lazy as _


class LegalHold(models.Model):
    """Art. 17(3)(e): a person's data are kept while a claim or dispute runs.

    `until` None is open-ended: nothing of the person is swept until the hold is lifted.
    `reason` is a short case description for staff, without personal details.
    """

    person = models.ForeignKey("register.Person", on_delete=models.CASCADE,
                               related_name="legal_holds")
    reason = models.CharField(max_length=200)
    until = models.DateField(null=True, blank=True)
    created_by = models.CharField(max_length=150)
    created_at = models.DateTimeField(auto_now_add=True)
    lifted_by = models.CharField(max_length=150, blank=True, default="")
    lifted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "id"]

    def __str__(self) -> str:
        return f"legal hold #{self.pk}"


class ContactMark(models.Model):
    """The last day the person was in contact (R2 counts the contact period from it)."""

    person = models.OneToOneField("register.Person", on_delete=models.CASCADE,
                                  primary_key=True, related_name="contact_mark")
    last_contact_on = models.DateField()

    def __str__(self) -> str:
        return f"contact mark {self.pk}"


class DeletionReceipt(models.Model):
    """Proof of one deletion: what category, which rule and law, how many, when (R1).

    `object_ids` and `person_ref` let a restore from an older backup delete the same rows
    again; both are forgotten once no older backup exists (`prune.forget_replay_data`).
    """

    RETENTION = "retention"
    ERASURE = "erasure"
    SYSTEM = "system"
    KINDS: ClassVar = ((RETENTION, _("Retention sweep")), (ERASURE, _("Erasure (Art. 17)")),
                       (SYSTEM, _("System data")))

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    at = models.DateTimeField(db_index=True)
    kind = models.CharField(max_length=16, choices=KINDS)
    model = models.CharField(max_length=100)  # e.g. "register.phone"
    category = models.CharField(max_length=32, blank=True)
    rule_id = models.CharField(max_length=64)
    law_nl = models.CharField(max_length=200, blank=True)
    law_en = models.CharField(max_length=200, blank=True)
    promise = models.CharField(max_length=16, blank=True)
    count = models.PositiveIntegerField()
    person_ref = models.CharField(max_length=64, blank=True, db_index=True)
    object_ids = models.JSONField(default=list)
    generation = models.PositiveIntegerField(default=0)  # latest backup when written
    actor = models.CharField(max_length=150, default="system")

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"receipt {self.uid}: {self.count} {self.model} ({self.rule_id})"


class ErasureLedger(models.Model):
    """Every erasure (Art. 17), by pseudonymous ref, so a restore re-applies it.

    `signature`: HMAC over the entry and its summary, the other systems' lines included
    (retention.ledger: Rt3, altering a line fails verification); "" for an entry made
    before entries were signed."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    person_ref = models.CharField(max_length=64, db_index=True)
    erased_at = models.DateTimeField(db_index=True)
    actor = models.CharField(max_length=150)
    request_ref = models.CharField(max_length=64, blank=True)
    generation = models.PositiveIntegerField(default=0)  # latest backup when erased
    summary = models.JSONField(default=dict)  # ErasureReceipt.as_dict(): no personal data
    signature = models.CharField(max_length=64, blank=True, default="")

    class Meta:
        ordering = ["erased_at", "id"]

    def __str__(self) -> str:
        return f"erasure {self.uid}"


class BackupRecord(models.Model):
    """One encrypted backup file; `generation` orders them; expires by policy."""

    generation = models.AutoField(primary_key=True)
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    taken_at = models.DateTimeField()
    file_name = models.CharField(max_length=200)
    expires_on = models.DateField(null=True, blank=True)
    rule_id = models.CharField(max_length=64, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["generation"]

    def __str__(self) -> str:
        return f"backup {self.generation}"
