"""Vault models: the data keys, the SealedMixin for encrypted fields and the append-only
audit chain."""

from __future__ import annotations

import json
from typing import Any, ClassVar, NoReturn

from django.core.exceptions import FieldDoesNotExist
from django.db import models

from privacydesk.vault import AuditImmutableError, crypto


def sealed_aad_for(label: str, owner_ref: object | None) -> str:
    """Return the AAD for a sealed field of model `label` owned by `owner_ref`."""
    return f"{label}:{owner_ref}" if owner_ref is not None else label


def key_id_field(*, index: bool = True) -> models.CharField:  # type: ignore[type-arg]
    """The `key_id` column of a sealed model: the id of the `DataKey` that sealed the row.
    A model whose table is large passes `index=False` (the register's sealed categories):
    an index there costs a B-tree write per insert, and only `keys reencrypt` (a rare
    maintenance run) selects by key id."""
    return models.CharField(max_length=40, db_index=index, editable=False)


class DataKey(models.Model):
    """A data key (AES-256) that seals fields, stored wrapped by a key-encryption key
    (Sec1, envelope encryption; vault/datakeys.py).

    `wrapped` = AES-GCM(KEK `kek_id`, the 32 key bytes, AAD "privacydesk/data-key/<id>/<
    purpose>"): a wrapped key moved to another id or purpose does not open. `keys rotate`
    re-wraps these rows under a new KEK and leaves every sealed field as it is. A key is
    `retired` once `keys reencrypt` made a newer one current for its purpose; retired keys
    stay, so older values (and restored backups) still open. Purpose "legacy": a key that
    sealed fields directly before envelope encryption (vault migration 0002).
    """

    id = models.CharField(max_length=40, primary_key=True)
    purpose = models.CharField(max_length=100)
    kek_id = models.CharField(max_length=40)
    wrapped = models.BinaryField()
    created_at = models.DateTimeField()
    retired = models.BooleanField(default=False)

    class Meta:
        indexes = [models.Index(fields=["purpose", "retired"], name="vault_datakey_current")]

    def __str__(self) -> str:
        return f"data key {self.id} ({self.purpose})"


class SealedMixin(models.Model):
    """An abstract model holding one encrypted value (Sec1).

    Contract for subclasses: store and read the value only through `set_secret` and
    `get_secret`. The ciphertext is bound (AAD) to the model label and the owning person's
    pseudonymous ref, so a ciphertext copied to another row type or person does not open.
    By default the owner is the foreign key named by `sealed_owner_field` ("person"; its
    `ref` is used) and the AAD is "<app_label>.<model>:<person ref>", e.g.
    "register.financial:7f0c…". A model without that field is bound to its label only.
    Override `sealed_aad()` only if another owner applies (it must not use `pk`, which is
    unknown before insert). If the owner of a row ever changes, call `set_secret` again so
    the AAD follows it. Values are sealed with the current data key of the model's label
    (vault/datakeys.py); every concrete subclass is found and re-encrypted by
    `vault.rotation.reencrypt` (`privacydesk keys reencrypt`).
    """

    sealed_owner_field: ClassVar[str] = "person"

    key_id = key_id_field()
    ciphertext = models.BinaryField(editable=False)

    class Meta:
        abstract = True

    @classmethod
    def sealed_owner_path(cls) -> str | None:
        """Return the ORM path of the owner's ref ("person__ref"), or None if no owner."""
        try:
            cls._meta.get_field(cls.sealed_owner_field)
        except FieldDoesNotExist:  # this model is bound to its label only
            return None
        return f"{cls.sealed_owner_field}__ref"

    def sealed_aad(self) -> str:
        """Return the associated data that binds this row's ciphertext to its context."""
        owner = getattr(self, self.sealed_owner_field, None) if self.sealed_owner_path() else None
        return sealed_aad_for(self._meta.label_lower, getattr(owner, "ref", None))

    def set_secret(self, value: str) -> None:
        """Encrypt `value` under the current data key into key_id/ciphertext (not saved)."""
        self.key_id, self.ciphertext = crypto.seal(value, aad=self.sealed_aad())

    def get_secret(self) -> str:
        """Return the decrypted value; DecryptionError if it was altered or moved."""
        return crypto.unseal(self.key_id, self.ciphertext, aad=self.sealed_aad())


class AuditQuerySet(models.QuerySet["AuditEntry"]):
    """Audit entries cannot be changed or removed through the ORM (Sec1)."""

    def update(self, **kwargs: Any) -> NoReturn:
        raise AuditImmutableError("audit entries are append-only; they are never updated")

    def delete(self) -> NoReturn:  # type: ignore[override]
        raise AuditImmutableError(
            "audit entries are append-only; old entries leave only via audit.prune_before()")

    def bulk_create(self, *args: Any, **kwargs: Any) -> NoReturn:  # type: ignore[override]
        raise AuditImmutableError("audit entries are written only by vault.audit.record()")

    def bulk_update(self, *args: Any, **kwargs: Any) -> NoReturn:  # type: ignore[override]
        raise AuditImmutableError("audit entries are append-only; they are never updated")


class AuditEntry(models.Model):
    """One link of the tamper-evident audit chain (Sec1). Written only by audit.record().

    `mac` = HMAC-SHA256(audit key, prev_mac, seq, at, actor, action, object_type, object_id,
    person_ref, purpose, detail); without the key nobody can recompute the chain after
    altering, removing or inserting an entry. `person_ref` is the person's pseudonymous
    UUID; `detail` is canonical JSON text and MUST NOT contain personal data (no names,
    e-mail addresses, values): ids, counts, field names and categories only.
    """

    seq = models.BigIntegerField(primary_key=True)
    at = models.DateTimeField()
    actor = models.CharField(max_length=150)
    action = models.CharField(max_length=32)
    object_type = models.CharField(max_length=100)
    object_id = models.CharField(max_length=64, blank=True)
    person_ref = models.CharField(max_length=64, blank=True, db_index=True)
    purpose = models.CharField(max_length=64, blank=True)
    detail = models.TextField(default="{}")
    prev_mac = models.CharField(max_length=64)
    mac = models.CharField(max_length=64)

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ["seq"]
        verbose_name_plural = "audit entries"

    def __str__(self) -> str:
        return f"#{self.seq} {self.actor} {self.action} {self.object_type}"

    def save(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AuditImmutableError(
            "audit entries are written only by vault.audit.record() and never changed")

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AuditImmutableError(
            "audit entries are append-only; old entries leave only via audit.prune_before()")

    @property
    def detail_data(self) -> Any:
        """Return `detail` parsed from its canonical JSON text."""
        return json.loads(self.detail)


class AuditHead(models.Model):
    """The single row naming the chain's last entry, so a cut-off tail is detected.
    `head_mac` = HMAC(audit key, "head", seq, mac): it cannot be moved back by hand."""

    id = models.PositiveSmallIntegerField(primary_key=True, default=1)
    seq = models.BigIntegerField()
    mac = models.CharField(max_length=64)
    head_mac = models.CharField(max_length=64)

    def __str__(self) -> str:
        return f"audit head #{self.seq}"


class AuditCheckpoint(models.Model):
    """Written when old entries are pruned: the seq and mac of the last pruned entry,
    signed with `checkpoint_mac`, so verification starts from here (retention)."""

    seq = models.BigIntegerField(primary_key=True)
    mac = models.CharField(max_length=64)
    at = models.DateTimeField()
    pruned = models.BigIntegerField()
    checkpoint_mac = models.CharField(max_length=64)

    class Meta:
        ordering = ["seq"]

    def __str__(self) -> str:
        return f"audit checkpoint #{self.seq}"
