"""Key rotation (Sec1): re-wrap the data keys under a new KEK, or re-encrypt the fields.

`rotate_keys` (`privacydesk keys rotate`) makes a new key-encryption key current and
re-wraps the data keys (vault/datakeys.py): no sealed field is read or written, so it takes
the same few seconds at any number of people. Afterwards the database needs only the new
KEK; older KEKs stay in the key file only for backups sealed under them.

`reencrypt` (`privacydesk keys reencrypt`, after a suspected data-key leak) makes a new data
key current per sealed model and re-encrypts every field not under it: one plain ORM loop,
batch by batch in primary-key order, each batch in one transaction with its rows locked.
Killed at any moment (even kill -9) it loses nothing: every row is either still under its
old key, which stays stored (retired), or under the new one; `--resume` finishes the job.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from django.apps import apps
from django.conf import settings
from django.db import router, transaction
from django.db.models import Model
from tqdm import tqdm

from privacydesk.vault import VaultError, audit, datakeys, keyring
from privacydesk.vault.models import SealedMixin

BatchHook = Callable[[type[Model], int], None]
BATCH = 1000  # rows per transaction: short locks, a few hundred kB of memory


@dataclass(frozen=True)
class RotationReport:
    """What `keys rotate` did: data keys re-wrapped under `kek_id`, of `total`."""

    kek_id: str
    rewrapped: int
    total: int
    seconds: float


@dataclass(frozen=True)
class ReencryptReport:
    """What `keys reencrypt` did: fields re-encrypted, per model label, and the time."""

    fields: int
    models: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0


def sealed_models() -> list[type[SealedMixin]]:
    """Return every concrete, managed model that stores sealed fields."""
    return [m for m in apps.get_models()
            if issubclass(m, SealedMixin) and m._meta.managed and not m._meta.proxy]


def rotate_keys(generate_new: bool = True) -> RotationReport:
    """What `privacydesk keys rotate` does: make a new KEK current in the key file (unless
    `generate_new` is False) and re-wrap every data key under the current KEK. Keys from
    PRIVACYDESK_KEYS cannot be generated here; VaultError says what to do."""
    if generate_new:
        if (getattr(settings, "PRIVACYDESK_KEYS", "") or "").strip():
            raise VaultError(
                "PRIVACYDESK_KEYS is set, so privacydesk cannot add a key itself: append a new "
                "id:base64key entry at the END of PRIVACYDESK_KEYS (keep the old ones), "
                "restart, then run `privacydesk keys rotate --no-new-key`")
        keyring.generate_key(settings.PRIVACYDESK_KEY_FILE)
    keyring.reset()
    started = time.monotonic()
    done = datakeys.rewrap()
    audit.record(actor="system", action="rotate", object_type="vault.key",
                 object_id=done.kek_id,
                 detail={"data_keys_rewrapped": done.rewrapped, "data_keys": done.total})
    return RotationReport(done.kek_id, done.rewrapped, done.total,
                          time.monotonic() - started)


def _current_ids(models: list[type[SealedMixin]], new_keys: bool) -> dict[str, str]:
    """The data key each model's fields must end under (new ones when `new_keys`)."""
    label = {m: m._meta.label_lower for m in models}
    if new_keys:
        return {label[m]: datakeys.create(label[m], retire_others=True) for m in models}
    return {label[m]: datakeys.current(label[m])[0] for m in models}


def _reencrypt_model(model: type[SealedMixin], key_id: str, batch_size: int, bar: tqdm,
                     on_batch: BatchHook | None) -> int:
    """Re-encrypt one model's rows not under `key_id`, a batch per transaction."""
    alias = router.db_for_write(model)
    manager = model._base_manager.db_manager(alias)
    owner = model.sealed_owner_field if model.sealed_owner_path() else None
    done, after = 0, None
    while True:
        with transaction.atomic(using=alias):
            # An empty key id marks a value cleared on purpose: nothing to re-encrypt.
            todo = manager.exclude(key_id="").exclude(key_id=key_id).order_by("pk")
            if after is not None:
                todo = todo.filter(pk__gt=after)
            if owner:
                todo = todo.select_related(owner)
            # Locked (PostgreSQL; SQLite's IMMEDIATE transaction locks the whole file), so
            # a value saved meanwhile is never overwritten with its stale re-encryption.
            rows = list(todo.select_for_update(of=("self",))[:batch_size])
            if not rows:
                return done
            for row in rows:
                row.set_secret(row.get_secret())
                if row.key_id != key_id:  # another process made a newer key current
                    raise VaultError(f"{model._meta.label_lower}: the current data key "
                                     f"changed during the run; run it again with --resume")
            manager.bulk_update(rows, ["key_id", "ciphertext"])
            if on_batch is not None:
                on_batch(model, len(rows))  # inside the transaction: raising undoes it
        done, after = done + len(rows), rows[-1].pk
        bar.update(len(rows))


def reencrypt(new_keys: bool = True, progress: bool = True, batch_size: int = BATCH,
              on_batch: BatchHook | None = None) -> ReencryptReport:
    """Re-encrypt every sealed field under its model's current data key; with `new_keys`
    (the default) new data keys are made current first, retiring the old ones (kept, so
    values not yet moved still open). Resumable: run it again with `new_keys=False`.

    `on_batch(model, n)` runs inside each batch's transaction before it commits.
    DecryptionError names the model if a stored value cannot be opened (that batch is not
    written).
    """
    if batch_size < 1:
        raise VaultError("batch_size must be at least 1")
    started = time.monotonic()
    models = sealed_models()
    current = _current_ids(models, new_keys)
    total = (sum(m._base_manager.exclude(key_id="").exclude(
        key_id=current[m._meta.label_lower]).count() for m in models) if progress else None)
    per_model: dict[str, int] = {}
    with tqdm(total=total, unit="fields", file=sys.stderr, disable=not progress,
              desc="re-encrypting") as bar:
        for model in models:
            label = model._meta.label_lower
            try:
                n = _reencrypt_model(model, current[label], batch_size, bar, on_batch)
            except VaultError as exc:
                raise type(exc)(f"{label}: {exc}") from exc
            if n:
                per_model[label] = n
    report = ReencryptReport(sum(per_model.values()), per_model, time.monotonic() - started)
    audit.record(actor="system", action="reencrypt", object_type="vault.key",
                 detail={"fields": report.fields, "models": report.models,
                         "data_keys": sorted(current.values())})
    return report
