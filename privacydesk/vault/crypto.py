"""Encryption with AES-256-GCM (promise Sec1: no disclosure, no silent modification).

A sealed value is `(key_id, nonce || ciphertext+tag)`: a fresh 96-bit random nonce per
value, and associated data (AAD) that binds the ciphertext to its context, e.g.
"register.financial:<person ref>". Moving a ciphertext to another row or person, flipping a
byte or naming the wrong key makes `unseal` raise DecryptionError; it never returns garbage.

Two kinds of key: `seal`/`unseal` (fields in the database) use a data key
(vault/datakeys.py: envelope encryption, so rotating the KEK re-wraps keys, not fields);
`seal_bytes`/`unseal_bytes` (files: backups, report deliveries) use the keyring's KEK
directly, so a backup opens on a fresh database with nothing but the key file.
"""

from __future__ import annotations

import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from privacydesk.vault import DecryptionError, datakeys, keyring

NONCE_BYTES = 12
TAG_BYTES = 16


def seal_bytes(data: bytes, *, aad: str) -> tuple[str, bytes]:
    """Encrypt a file's `data` under the current KEK; return (KEK id, nonce || ciphertext)."""
    return keyring.get().wrap(data, aad=aad.encode("utf-8"))


def unseal_bytes(key_id: str, blob: bytes | memoryview, *, aad: str) -> bytes:
    """Decrypt what `seal_bytes` sealed under KEK `key_id`; DecryptionError on an unknown
    key, altered bytes or wrong AAD."""
    ring = keyring.get()
    try:
        cipher = ring.aead(key_id)
    except KeyError:
        raise DecryptionError(
            f"unknown key id {key_id!r}: the key that sealed this value is not in the keyring "
            "(was an old key removed from PRIVACYDESK_KEYS or the key file?)")
    return _open(cipher, blob, aad)


def _open(cipher: AESGCM, blob: bytes | memoryview, aad: str) -> bytes:
    raw = bytes(blob)
    if len(raw) < NONCE_BYTES + TAG_BYTES:
        raise DecryptionError("sealed value is too short: it was truncated or is not sealed")
    try:
        return cipher.decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], aad.encode("utf-8"))
    except InvalidTag:
        raise DecryptionError(
            "sealed value does not authenticate: it was altered, or it belongs to another "
            "record or person (AAD mismatch)")


def seal(plaintext: str, *, aad: str, purpose: str | None = None) -> tuple[str, bytes]:
    """Encrypt a field under the current data key of `purpose` (default: the AAD's label,
    the part before ":", i.e. the sealed model); return (data key id, nonce || ciphertext).
    """
    key_id, cipher = datakeys.current(purpose or aad.partition(":")[0])
    nonce = os.urandom(NONCE_BYTES)
    return key_id, nonce + cipher.encrypt(nonce, plaintext.encode("utf-8"),
                                          aad.encode("utf-8"))


def unseal(key_id: str, blob: bytes | memoryview, *, aad: str) -> str:
    """Return the plaintext sealed by `seal`; DecryptionError if it cannot be authenticated
    (unknown data key, altered bytes, wrong AAD)."""
    return _open(datakeys.cipher(key_id), blob, aad).decode("utf-8")
