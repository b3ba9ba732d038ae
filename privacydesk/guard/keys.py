"""Keyed hashes of subjects under secrets that rotate and are thrown away (W1, no Django).

The guard never counts an address, only a keyed hash of it: BLAKE2b keyed with the secret
of the current generation (`g = floor(now / rotate_seconds)`), 8 bytes long. The secret is
derived from a random salt for that generation and a pepper (the deployment's SECRET_KEY);
it is dropped from memory once generation g+1 is older than one counting window, after which
nobody, not even the operator, can link a counter of generation g to an address. Where the
salt is shared (Redis with a TTL, or the database store) the pepper keeps a copy of that
store alone from reversing the hashes by trying all 2**32 IPv4 addresses.

Collisions of the 60-bit keys of the memory store among 10**6 tracked subjects: about 1 in
2,000,000, and a collision only merges two counters.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable

SaltSource = Callable[[int], bytes]

KEY_BYTES = 8
_INT_MASK = (1 << 60) - 1  # below 2**60 an int is 32 bytes in CPython: the memory budget
_blake2b = hashlib.blake2b
_from_bytes = int.from_bytes


def random_salt(generation: int) -> bytes:
    """A fresh salt that exists only in this process's memory."""
    return os.urandom(32)


class KeyRing:
    """Keyed hashes of subjects for the current and (during the overlap) previous generation."""

    def __init__(self, rotate_seconds: int, window_seconds: int,
                 salt_source: SaltSource = random_salt, pepper: bytes = b"") -> None:
        if rotate_seconds < window_seconds:
            raise ValueError("rotate_seconds must be at least window_seconds")
        self.rotate_seconds = rotate_seconds
        self.window_seconds = window_seconds
        self._salt_source = salt_source
        self._pepper = hashlib.blake2b(pepper, digest_size=32).digest()
        self._secrets: dict[int, bytes] = {}
        # The span of `now` values the two secrets below hold for: the first window of a
        # generation (the overlap, with the previous generation's secret) or the rest of it
        # (without). A signal costs one comparison and one BLAKE2b call per secret needed
        # (the hot path of an attack and of a flood).
        self._from = self._until = 0.0
        self._now_secret = b""
        self._previous_secret: bytes | None = None

    def generation(self, now: float) -> int:
        return int(now // self.rotate_seconds)

    def _secret(self, generation: int) -> bytes:
        secret = self._secrets.get(generation)
        if secret is None:
            secret = hashlib.blake2b(self._salt_source(generation), key=self._pepper,
                                     digest_size=32).digest()
            self._secrets[generation] = secret
            for old in [g for g in self._secrets if g < generation - 1]:
                del self._secrets[old]  # thrown away: old counters become unlinkable (W1)
        return secret

    def _current(self, now: float) -> bytes:
        if not self._from <= now < self._until:
            self._enter(now)
        return self._now_secret

    def _enter(self, now: float) -> None:
        """Set the span holding `now`: the overlap or the rest of its generation."""
        generation = self.generation(now)
        start = float(generation * self.rotate_seconds)
        self._now_secret = self._secret(generation)
        if now < start + self.window_seconds:
            self._from, self._until = start, start + self.window_seconds
            self._previous_secret = self._secret(generation - 1)
        else:
            self._from, self._until = start + self.window_seconds, start + self.rotate_seconds
            self._previous_secret = None
            # The overlap is over: the previous secret is thrown away now, so its counters
            # become unlinkable one window after the rotation (W1).
            self._secrets.pop(generation - 1, None)

    def key(self, subject: str, now: float) -> bytes:
        """The 8-byte keyed hash of `subject` in the generation current at `now`."""
        return _blake2b(subject.encode("utf-8", "surrogatepass"), key=self._current(now),
                        digest_size=KEY_BYTES).digest()

    def int_key(self, subject: str, now: float) -> int:
        """`key` as a 60-bit int (the memory store's compact form, `as_int`)."""
        return _from_bytes(_blake2b(subject.encode("utf-8", "surrogatepass"),
                                    key=self._current(now), digest_size=KEY_BYTES).digest(),
                           "little") & _INT_MASK

    def previous_key(self, subject: str, now: float) -> bytes | None:
        """The hash in the previous generation while its counters may still matter
        (the first window of a generation); None otherwise."""
        self._current(now)
        previous = self._previous_secret
        if previous is None:
            return None
        return _blake2b(subject.encode("utf-8", "surrogatepass"), key=previous,
                        digest_size=KEY_BYTES).digest()

    def previous_int_key(self, subject: str, now: float) -> int | None:
        """`previous_key` as a 60-bit int (the memory store's compact form)."""
        previous = self.previous_key(subject, now)
        return None if previous is None else self.as_int(previous)

    @staticmethod
    def as_int(key: bytes) -> int:
        """A key as a 60-bit int (the memory store's compact form)."""
        return _from_bytes(key, "little") & _INT_MASK

    def forget_all(self) -> None:
        """Throw every secret away (tests, and a worker that shuts down)."""
        self._secrets.clear()
        self._from = self._until = 0.0
        self._now_secret = b""
        self._previous_secret = None
