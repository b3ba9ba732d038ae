"""Counters in the database, shared by every worker when there is no Redis (W2 item 3).

Rows carry only the keyed hash of a subject; the salt of each generation lives in `Salt` and
is deleted with its generation, and the pepper (SECRET_KEY) never reaches the database, so
neither a copy of the database nor (after a generation ends) the operator can turn a counter
back into an address. Each update is one transaction with a row lock, so exactly one worker
sees a crossing. Prefer Redis in production: every signal is a write here.
"""

from __future__ import annotations

import os

from django.db import IntegrityError, transaction

from privacydesk.guard.detector import MAX_EVIDENCE_PATHS, Evidence, Limits
from privacydesk.guard.keys import KeyRing
from privacydesk.guard.models import Counter, Salt


class DatabaseStore:
    """Counters in the `guard_counter` table."""

    def __init__(self, limits: Limits, pepper: bytes, rotate_seconds: int) -> None:
        self.limits = limits
        self.keyring = KeyRing(rotate_seconds, limits.window_seconds,
                               salt_source=self._shared_salt, pepper=pepper)

    def _shared_salt(self, generation: int) -> bytes:
        life = self.keyring.rotate_seconds
        expires = (generation + 1) * life + self.limits.window_seconds + 60
        try:
            with transaction.atomic():
                row, created = Salt.objects.get_or_create(
                    generation=generation,
                    defaults={"salt": os.urandom(32), "expires_at": expires})
        except IntegrityError:  # another worker created it between our get and create
            row, created = Salt.objects.get(generation=generation), False
        if created:
            Salt.objects.filter(generation__lt=generation - 1).delete()
        return bytes(row.salt)

    def tracked(self) -> int:
        return Counter.objects.count()

    def add(self, subject: str, rule: str, path: str, now: float) -> Evidence | None:
        key = self.keyring.key(subject, now).hex()
        previous = self.keyring.previous_key(subject, now)
        old = previous.hex() if previous is not None else None
        try:
            return self._count(key, old, rule, path, now)
        except IntegrityError:  # a worker created the same counter at the same moment
            return self._count(key, old, rule, path, now)

    def _count(self, key: str, old: str | None, rule: str, path: str,
               now: float) -> Evidence | None:
        window, t = self.limits.window_seconds, int(now)
        with transaction.atomic():
            row = Counter.objects.select_for_update().filter(key=key).first()
            if row is None and old is not None:
                row = Counter.objects.select_for_update().filter(key=old).first()
                if row is not None:
                    Counter.objects.filter(key=old).delete()
                    row.key = key
            if row is None:
                row = Counter(key=key, window_start=t, first_seen=now)
            elapsed = t - row.window_start
            if elapsed >= window:
                if elapsed < 2 * window:
                    row.previous, row.window_start = row.current, row.window_start + window
                    elapsed -= window
                else:  # both windows over: the old counter says nothing any more
                    row.previous, row.window_start, elapsed = 0, t, 0
                    row.rules, row.paths, row.first_seen = {}, [], now
                row.current = 0
            row.current += 1
            row.rules[rule] = row.rules.get(rule, 0) + 1
            if path and path[:200] not in row.paths and len(row.paths) < MAX_EVIDENCE_PATHS:
                row.paths.append(path[:200])
            row.expires_at = now + 2 * window
            estimate = row.current + row.previous * (window - elapsed) / window
            if estimate >= self.limits.threshold:
                Counter.objects.filter(key=key).delete()
                return Evidence(rules=dict(row.rules), first_seen=row.first_seen,
                                last_seen=now, paths=list(row.paths))
            row.save()
        return None

    @staticmethod
    def prune(now: float) -> int:
        """Delete counters and salts whose time is over; return how many counters went."""
        Salt.objects.filter(expires_at__lt=now).delete()
        deleted, _ = Counter.objects.filter(expires_at__lt=now).delete()
        return deleted
