"""Data keys: the keys that seal fields, stored in the database wrapped by a KEK (Sec1).

Envelope encryption, as in the AWS Encryption SDK, Tink and Vault's transit engine: a
sealed row names the data key that sealed it (`key_id`); the data key is kept in
`vault.DataKey`, encrypted ("wrapped") by a key-encryption key from the keyring. Rotating
the KEK re-wraps the few data keys and leaves every sealed field untouched, so it takes
the same time at 10 people or 1M. Each purpose (a sealed model's label) has one current
data key; `keys reencrypt` makes new ones current and re-encrypts the fields.

Unwrapped keys are cached per process by id: a data key's bytes never change (re-wrapping
changes only how they are stored). Which key is current for a purpose is cached only once
it is committed, so a rolled-back transaction never leaves this process sealing under a
key that is stored nowhere.
"""

from __future__ import annotations

import secrets
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.db import router, transaction

from privacydesk.vault import DecryptionError, keyring

LEGACY = "legacy"  # keys that sealed fields directly before envelope encryption
REWRAP_BATCH = 1000

_lock = threading.Lock()
_ciphers: dict[str, AESGCM] = {}
_current: dict[str, tuple[str, AESGCM]] = {}
# Data keys this process created whose transaction has not committed yet: only these may
# vanish with a rollback (every other stored key another transaction committed).
_uncommitted: set[str] = set()
_ring: list[keyring.Keyring | None] = [None]  # the ring the caches were filled with


def wrap_aad(key_id: str, purpose: str) -> bytes:
    """The associated data that binds a wrapped data key to its id and purpose."""
    return f"privacydesk/data-key/{key_id}/{purpose}".encode()


def _model() -> Any:
    from privacydesk.vault.models import DataKey

    return DataKey


def _alias() -> str:
    return router.db_for_write(_model())


def _check_ring() -> keyring.Keyring:
    """The keyring; the caches are dropped when it was reloaded (keyring.reset())."""
    ring = keyring.get()
    if _ring[0] is not ring:
        with _lock:
            _ciphers.clear()
            _current.clear()
            _ring[0] = ring
    return ring


def reset() -> None:
    """Forget cached data keys (after a restore or `keys reencrypt` in this process)."""
    with _lock:
        _ciphers.clear()
        _current.clear()
        _ring[0] = None


def _unwrap(row: Any) -> bytes:
    for reloaded in (False, True):
        try:
            return _check_ring().unwrap(row.kek_id, bytes(row.wrapped),
                                        aad=wrap_aad(row.id, row.purpose))
        except KeyError:
            if reloaded:
                raise DecryptionError(
                    f"data key {row.id!r} is wrapped by key {row.kek_id!r}, which the keyring "
                    "does not hold (was it removed before `privacydesk keys rotate` re-wrapped "
                    "the data keys?)")
            # Another process may have rotated to a KEK this process has not loaded yet.
            keyring.reset()
        except InvalidTag:
            break
    raise DecryptionError(f"data key {row.id!r} does not authenticate: its stored row was "
                          "altered or belongs to another id or purpose")


def cipher(key_id: str) -> AESGCM:
    """The AES-GCM cipher of data key `key_id`; DecryptionError if it is not stored or does
    not unwrap."""
    _check_ring()
    found = _ciphers.get(key_id)
    if found is not None:
        return found
    row = _model().objects.using(_alias()).filter(pk=key_id).first()
    if row is None:
        raise DecryptionError(f"unknown key id {key_id!r}: no data key of that id is stored "
                              "(the value was sealed under a key this database does not hold)")
    found = AESGCM(_unwrap(row))
    with _lock:
        _ciphers[key_id] = found
    return found


def create(purpose: str, *, retire_others: bool = False) -> str:
    """Store a new data key for `purpose`, wrapped by the current KEK; return its id. With
    `retire_others`, the purpose's older keys stop sealing (they still open)."""
    ring = _check_ring()
    raw = AESGCM.generate_key(bit_length=256)
    key_id = f"d{secrets.token_hex(8)}"  # fresh and unique enough: 64 random bits
    kek_id, wrapped = ring.wrap(raw, aad=wrap_aad(key_id, purpose))
    model = _model()
    with transaction.atomic(using=_alias()):
        if retire_others:
            model.objects.using(_alias()).filter(purpose=purpose, retired=False).update(
                retired=True)
        model.objects.using(_alias()).create(
            id=key_id, purpose=purpose, kek_id=kek_id, wrapped=wrapped,
            created_at=datetime.now(UTC))
    with _lock:
        _ciphers[key_id] = AESGCM(raw)
        _current.pop(purpose, None)
        _uncommitted.add(key_id)
    transaction.on_commit(lambda: _uncommitted.discard(key_id), using=_alias())
    return key_id


def current(purpose: str) -> tuple[str, AESGCM]:
    """(id, cipher) of the data key that seals new values of `purpose`; created on first
    use. Two processes creating one at the same moment is harmless: both keys are stored,
    and the newest is current from then on."""
    _check_ring()
    found = _current.get(purpose)
    if found is not None:
        return found
    row = (_model().objects.using(_alias()).filter(purpose=purpose, retired=False)
           .order_by("-created_at", "-id").values_list("id", flat=True).first())
    key_id = row if row is not None else create(purpose)
    entry = (key_id, cipher(key_id))

    def remember() -> None:
        with _lock:
            _current[purpose] = entry

    if row is not None and key_id not in _uncommitted:
        # A committed key stays when this transaction rolls back: cache it now, so that a
        # long transaction (an import, #16.4) does not look the key up for every seal.
        remember()
        return entry
    # Cached after commit only: if the enclosing transaction rolls back, so does the key.
    transaction.on_commit(remember, using=_alias())
    return entry


@dataclass(frozen=True)
class RewrapReport:
    """What a re-wrap did: data keys now under `kek_id`, and how many were re-wrapped."""

    kek_id: str
    rewrapped: int
    total: int


def rewrap() -> RewrapReport:
    """Re-wrap every data key not under the current KEK (`keys rotate`), in one
    transaction: afterwards the database needs no other KEK. The fields stay untouched."""
    ring = _check_ring()
    model = _model()
    alias = _alias()
    with transaction.atomic(using=alias):
        stale = list(model.objects.using(alias).exclude(kek_id=ring.current_id)
                     .order_by("pk").select_for_update())
        for row in stale:
            row.kek_id, row.wrapped = ring.wrap(_unwrap(row), aad=wrap_aad(row.id, row.purpose))
        model.objects.using(alias).bulk_update(stale, ["kek_id", "wrapped"],
                                               batch_size=REWRAP_BATCH)
        total = model.objects.using(alias).count()
    return RewrapReport(ring.current_id, len(stale), total)
