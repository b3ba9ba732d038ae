"""Each worker's copy of the ban list and the allow-list (the cheap path of every request).

An ordinary request must not wait on Redis or the database (W2 item 7), so the middleware asks
this in-process copy. It is refreshed from the offender register at most every
`refresh_seconds` (one indexed query per worker), and immediately in the worker that registers
or lifts a ban. Trade-off: a ban made in another worker or machine takes effect here up to
`refresh_seconds` later; a lifted ban likewise. With an empty ban list a request costs one
clock read and one comparison: the client address is not even parsed.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime

from privacydesk.guard import net


class BanList:
    """Banned subjects (address -> ban end, epoch seconds) and allow-listed networks."""

    def __init__(self, refresh_seconds: float, clock: Callable[[], float] = time.time) -> None:
        self.refresh_seconds = refresh_seconds
        self.clock = clock
        self._banned: dict[str, float] = {}
        self._allowed: tuple[net.Network, ...] = ()
        self._next_refresh = 0.0
        self._lock = threading.Lock()

    def refresh(self) -> None:
        """Reload both lists from the database now."""
        from privacydesk.guard.models import AllowListEntry, Offender

        now = self.clock()
        banned = {
            address: until.timestamp()
            for address, until in Offender.objects.filter(
                ban_until__gt=datetime.fromtimestamp(now, tz=UTC)
            ).values_list("address", "ban_until")
            if until is not None
        }
        allowed = net.networks(AllowListEntry.objects.values_list("network", flat=True))
        with self._lock:
            self._banned, self._allowed = banned, allowed
            self._next_refresh = now + self.refresh_seconds

    def _fresh(self) -> None:
        if self.clock() >= self._next_refresh:
            try:
                self.refresh()
            except Exception:  # noqa: BLE001
                # The database cannot be read (down, or a test without one): keep the last
                # copy and try again later; the guard never turns an ordinary request into
                # an error of its own.
                self._next_refresh = self.clock() + self.refresh_seconds

    def is_banned(self, subject: str | None) -> bool:
        """True when `subject` is banned right now (the copy may be refresh_seconds old)."""
        self._fresh()
        if not self._banned or subject is None:
            return False
        until = self._banned.get(subject)
        return until is not None and until > self.clock()

    def has_bans(self) -> bool:
        self._fresh()
        return bool(self._banned)

    def is_allowed(self, subject: str) -> bool:
        self._fresh()
        return net.in_networks(subject, self._allowed)

    def note_ban(self, subject: str, until: float) -> None:
        with self._lock:
            self._banned = {**self._banned, subject: until}

    def note_lift(self, subject: str) -> None:
        with self._lock:
            self._banned = {k: v for k, v in self._banned.items() if k != subject}

    def expire(self) -> None:
        """Force a reload at the next request (after allow-list changes)."""
        self._next_refresh = 0.0
