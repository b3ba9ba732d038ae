"""Keyed hashes of subjects under secrets that rotate and are thrown away (W1, no Django).

The guard never counts an address, only a keyed hash of it. The secret for generation `g`
(`g = floor(now / rotate_seconds)`) is derived from a random salt for that generation and a
pepper (the deployment's SECRET_KEY); it is dropped from memory once generation g+1 is older
than one counting window, after which nobody, not even the operator, can link a counter of
generation g to an address. Where the salt is shared (Redis with a TTL, or the database store)
the pepper keeps a copy of that store alone from reversing the hashes by trying all 2**32
IPv4 addresses.

The hash is keyed BLAKE2b (RFC 7693 keyed mode, a MAC/PRF like HMAC-SHA256 but about three
times faster here, which matters under a flood), 8 bytes of output: collisions among even
10**7 tracked subjects are about 1 in 400,000.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from typing import Any

SaltSource = Callable[[int], bytes]


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
        self._hashers: dict[int, Any] = {}

    def generation(self, now: float) -> int:
        return int(now // self.rotate_seconds)

    def in_overlap(self, now: float) -> bool:
        """True in the first window of a generation, while the previous one still counts."""
        return now % self.rotate_seconds < self.window_seconds

    def hasher(self, generation: int) -> Any:
        """The keyed BLAKE2b object of `generation`, to be `.copy()`-ed per subject (keying
        costs a compression; a copy does not)."""
        hasher = self._hashers.get(generation)
        if hasher is None:
            secret = hashlib.blake2b(self._salt_source(generation), key=self._pepper,
                                     digest_size=32).digest()
            hasher = hashlib.blake2b(key=secret, digest_size=8)
            self._hashers[generation] = hasher
            for old in [g for g in self._hashers if g < generation - 1]:
                del self._hashers[old]  # thrown away: old counters become unlinkable
        return hasher

    def key(self, subject: str, now: float) -> bytes:
        """The 8-byte keyed hash of `subject` in the generation current at `now`."""
        h = self.hasher(int(now // self.rotate_seconds)).copy()
        h.update(subject.encode())
        return h.digest()

    def previous_key(self, subject: str, now: float) -> bytes | None:
        """The hash in the previous generation while its counters may still matter
        (the first window of a generation); None otherwise."""
        generation = int(now // self.rotate_seconds)
        if now - generation * self.rotate_seconds >= self.window_seconds:
            return None
        h = self.hasher(generation - 1).copy()
        h.update(subject.encode())
        return h.digest()

    def forget_all(self) -> None:
        """Throw every secret away (tests, and a worker that shuts down)."""
        self._hashers.clear()
