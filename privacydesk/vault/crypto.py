"""Field encryption with AES-256-GCM (promise Sec1: no disclosure, no silent modification).

A sealed value is `(key_id, nonce || ciphertext+tag)`: a fresh 96-bit random nonce per
value, and associated data (AAD) that binds the ciphertext to its context, e.g.
"register.financial:<person ref>". Moving a ciphertext to another row or person, flipping a
byte or naming the wrong key makes `unseal` raise DecryptionError; it never returns garbage.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping

from cryptography.exceptions import InvalidTag

from privacydesk.vault import DecryptionError, keyring

NONCE_BYTES = 12
TAG_BYTES = 16
Cipher = Callable[[bytes, bytes, bytes], bytes]  # AESGCM.encrypt/decrypt(nonce, data, aad)
# Nonces drawn from the OS per getrandom call by the Resealer (48 KiB).
NONCE_POOL = 4096


def seal_bytes(data: bytes, *, aad: str) -> tuple[str, bytes]:
    """Encrypt `data` under the current key; return (key_id, nonce || ciphertext)."""
    ring = keyring.get()
    nonce = os.urandom(NONCE_BYTES)
    return ring.current_id, nonce + ring.aead(ring.current_id).encrypt(
        nonce, data, aad.encode("utf-8"))


def unseal_bytes(key_id: str, blob: bytes | memoryview, *, aad: str) -> bytes:
    """Decrypt a sealed blob; DecryptionError on an unknown key, altered bytes or wrong AAD."""
    ring = keyring.get()
    try:
        cipher = ring.aead(key_id)
    except KeyError:
        raise DecryptionError(
            f"unknown key id {key_id!r}: the key that sealed this value is not in the keyring "
            "(was an old key removed from PRIVACYDESK_KEYS or the key file?)")
    raw = bytes(blob)
    if len(raw) < NONCE_BYTES + TAG_BYTES:
        raise DecryptionError("sealed value is too short: it was truncated or is not sealed")
    try:
        return cipher.decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], aad.encode("utf-8"))
    except InvalidTag:
        raise DecryptionError(
            "sealed value does not authenticate: it was altered, or it belongs to another "
            "record or person (AAD mismatch)")


def seal(plaintext: str, *, aad: str) -> tuple[str, bytes]:
    """Encrypt `plaintext` under the current key; return (key_id, nonce || ciphertext)."""
    return seal_bytes(plaintext.encode("utf-8"), aad=aad)


def unseal(key_id: str, blob: bytes | memoryview, *, aad: str) -> str:
    """Return the plaintext sealed by `seal`; DecryptionError if it cannot be authenticated."""
    return unseal_bytes(key_id, blob, aad=aad).decode("utf-8")


def reseal(key_id: str, blob: bytes | memoryview, *, aad: str) -> tuple[str, bytes]:
    """Re-encrypt a sealed blob under the current key (key rotation); same AAD."""
    return seal_bytes(unseal_bytes(key_id, blob, aad=aad), aad=aad)


class Resealer:
    """`reseal` for many values in a row (key rotation): the keyring and the ciphers are
    looked up once, not per value. Same errors as `unseal`.

    Nonces: still a fresh 96-bit random nonce per value, but drawn from the OS generator
    NONCE_POOL at a time (one getrandom call, not one per value; the call cost as much as
    decrypting). `list.pop` hands each one out exactly once, also across threads. A
    Resealer must not be used on both sides of a fork (the pool would be shared).
    """

    def __init__(self) -> None:
        ring = keyring.get()
        self.key_id = ring.current_id
        self._encrypt = ring.aead(ring.current_id).encrypt
        self._decrypts = {kid: ring.aead(kid).decrypt for kid in ring.keys}
        self.keys = ring.keys  # for rotation's worker process (vault/reseal_worker.py)
        self._nonces: list[bytes] = []

    def nonce(self) -> bytes:
        """A fresh random nonce, never handed out before."""
        while True:
            try:
                return self._nonces.pop()
            except IndexError:  # refilled in place: callers may hold `self._nonces.pop`
                pool = os.urandom(NONCE_BYTES * NONCE_POOL)
                self._nonces.extend(pool[i:i + NONCE_BYTES]
                                    for i in range(0, len(pool), NONCE_BYTES))

    def parts(self) -> tuple[Mapping[str, Cipher], Cipher, Callable[..., bytes]]:
        """(decrypt per key id, encrypt under `key_id`, pop a pooled nonce — IndexError when
        the pool is empty): for a caller's inlined loop, which must fall back to
        `with_aad` on any exception (it raises the precise error, or refills the pool)."""
        return self._decrypts, self._encrypt, self._nonces.pop

    def __call__(self, key_id: str, blob: bytes | memoryview, aad: str) -> bytes:
        """Return the blob re-encrypted under `self.key_id`."""
        return self.with_aad(key_id, blob, aad.encode("utf-8"))

    def with_aad(self, key_id: str, blob: bytes | memoryview, aad: bytes) -> bytes:
        """`__call__` with the AAD already encoded (rotation caches it per owner)."""
        try:
            plain = self._decrypts[key_id](blob[:NONCE_BYTES], blob[NONCE_BYTES:], aad)
        except (KeyError, ValueError, InvalidTag):
            # Unknown key, too short (a nonce under 8 bytes is a ValueError) or altered:
            # unseal_bytes names which, as DecryptionError.
            unseal_bytes(key_id, blob, aad=aad.decode("utf-8"))
            raise  # not reached: unseal_bytes raised DecryptionError
        try:
            nonce = self._nonces.pop()
        except IndexError:
            nonce = self.nonce()
        return nonce + self._encrypt(nonce, plain, aad)
