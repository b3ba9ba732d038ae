"""A re-submission after a validation error is not a second form post (#13.5.4).

A visitor whose form came back with an error (the public form views answer 400) corrects it
and sends it again; the form-flood counter must not count that as another post. The worker
remembers, for a while, that a client's post to a path was refused by validation; the next
form post of that client to that path is then not counted (one pass per refusal).

Only a keyed hash of (client, path) is held, under a random key of this process that is
never stored, so the table names nobody (W1); it is bounded and its entries expire.
"""

from __future__ import annotations

import hashlib
import os
import threading
import time
from collections import OrderedDict

GRACE_SECONDS = 1800      # time to correct and re-send a form
MAX_ENTRIES = 20_000      # bounded under a flood of refused posts: the oldest go first


class Resubmissions:
    def __init__(self, grace_seconds: float = GRACE_SECONDS,
                 max_entries: int = MAX_ENTRIES) -> None:
        self._key = os.urandom(32)
        self._grace = grace_seconds
        self._max = max_entries
        self._until: OrderedDict[bytes, float] = OrderedDict()
        self._lock = threading.Lock()

    def _digest(self, subject: str, path: str) -> bytes:
        return hashlib.blake2b(f"{subject}\0{path}".encode(), key=self._key,
                               digest_size=16).digest()

    def grant(self, subject: str, path: str, now: float | None = None) -> None:
        """The client's post to `path` was refused by validation: its next one is free."""
        now = time.monotonic() if now is None else now
        digest = self._digest(subject, path)
        with self._lock:
            self._until[digest] = now + self._grace
            self._until.move_to_end(digest)
            while len(self._until) > self._max:
                self._until.popitem(last=False)

    def take(self, subject: str, path: str, now: float | None = None) -> bool:
        """True (and the pass is used) when this post re-sends a refused form."""
        now = time.monotonic() if now is None else now
        with self._lock:
            until = self._until.pop(self._digest(subject, path), None)
        return until is not None and until >= now
