"""The rate limit of each API token (Sec3; #13.5.3), shared by every worker.

An authenticated API call is counted against its token, never against the client's
address: a busy integration is slowed down (429 with Retry-After), not banned from the
site as a form flood (W2's break-in rules are for visitors, see runtime.Guard.note_post).

Limits come from the policy's `[api]` section (`requests_per_window` per
`window_seconds`). The estimate is the guard's two-bucket sliding window: the calls of the
current window plus those of the previous window times the share of it still inside the
last `window_seconds`. A call is allowed when the estimate with it stays within the limit;
a refused call is not counted, so a client that waits the Retry-After gets in again.

Where the counts live follows the guard's store (`GUARD_STORE`): Redis (one atomic Lua
script per call), the database (`guard_apirate`, one row per token, one upsert per call),
or this process's memory. A token is known by the first 32 hex digits of its SHA-256 digest,
which the token table stores anyway; nothing about the client is counted (W1).
"""

from __future__ import annotations

import math
import threading
from dataclasses import dataclass
from typing import Any

from django.db import connection


@dataclass(frozen=True)
class Verdict:
    """The answer for one call: allowed, or refused with the seconds to wait."""

    allowed: bool
    retry_after: int = 0


def decide(current: int, previous: int, elapsed: float, window: int, limit: int) -> Verdict:
    """Allow one more call given the counts of the current and previous window, `elapsed`
    seconds into the current one; refused: the whole seconds until one would be allowed."""
    weight = max(0.0, 1.0 - elapsed / window)
    if current + previous * weight + 1 <= limit:
        return Verdict(True)
    room = limit - 1 - current
    if room >= 0 and previous > 0:
        # Within this window, as the previous window's share shrinks.
        wait = window * (1.0 - room / previous) - elapsed
    else:
        # This window alone is full: into the next one, as this window's share shrinks.
        wait = (window - elapsed) + max(0.0, window * (1.0 - (limit - 1) / current))
    return Verdict(False, max(1, math.ceil(wait)))


class MemoryRates:
    """Counts in this process only (`GUARD_STORE=memory`): one worker's view."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._counts: dict[str, tuple[int, int, int]] = {}   # key -> (window, cur, prev)

    def hit(self, key: str, now: float, window: int, limit: int) -> Verdict:
        index = int(now // window)
        with self._lock:
            at, current, previous = self._counts.get(key, (index, 0, 0))
            current, previous = _roll(at, index, current, previous)
            verdict = decide(current, previous, now - index * window, window, limit)
            self._counts[key] = (index, current + verdict.allowed, previous)
            if len(self._counts) > 10_000:  # tokens are few; forget idle ones
                for old in [k for k, v in self._counts.items() if v[0] < index - 1]:
                    del self._counts[old]
        return verdict


def _roll(at: int, index: int, current: int, previous: int) -> tuple[int, int]:
    """The (current, previous) counts of window `index` from those kept for window `at`."""
    if at == index:
        return current, previous
    if at == index - 1:
        return 0, current
    return 0, 0


class DatabaseRates:
    """Counts in `guard_apirate` (one row per token; `GUARD_STORE=database`): check and
    count are ONE statement (an upsert whose SET rolls the windows and adds the call only
    when allowed), atomic on both databases and about 0.2 ms on SQLite, where the ORM's
    select-for-update and save in a transaction took 2.7 ms a call."""

    def hit(self, key: str, now: float, window: int, limit: int) -> Verdict:
        index = int(now // window)
        elapsed = now - index * window
        weight = max(0.0, 1.0 - elapsed / window)
        with connection.cursor() as cursor:
            cursor.execute(_UPSERT, {"key": key, "w": index, "prev_w": index - 1,
                                     "weight": weight, "limit": limit})
            current, previous, refused = cursor.fetchone()
            if current == 1 and previous == 0 and not refused:
                # This token's first call of a fresh window: forget tokens idle since.
                cursor.execute('DELETE FROM guard_apirate WHERE "window" < %s', [index - 1])
        if not refused:
            return Verdict(True)
        verdict = decide(int(current), int(previous), elapsed, window, limit)
        # SQL and Python may round the estimate apart at the very edge: the database refused.
        return verdict if not verdict.allowed else Verdict(False, 1)


# Raw SQL: a conditional upsert checks and counts in one atomic statement, which the ORM
# cannot express (a correctness need across workers; see DatabaseRates for its cost).
# The counts of the current window (C) and the previous one (P) as of this call, from the
# row as it was: SET expressions read the old row on SQLite and PostgreSQL alike.
_C = 'CASE WHEN t."window" = %(w)s THEN t."current" ELSE 0 END'
_P = ('CASE WHEN t."window" = %(w)s THEN t."previous" '
      'WHEN t."window" = %(prev_w)s THEN t."current" ELSE 0 END')
_ALLOWED = f"({_C}) + ({_P}) * %(weight)s + 1 <= %(limit)s"
_UPSERT = f"""
INSERT INTO guard_apirate AS t ("key", "window", "current", "previous", "refused")
VALUES (%(key)s, %(w)s, 1, 0, FALSE)
ON CONFLICT ("key") DO UPDATE SET
  "previous" = {_P},
  "current" = ({_C}) + CASE WHEN {_ALLOWED} THEN 1 ELSE 0 END,
  "refused" = CASE WHEN {_ALLOWED} THEN FALSE ELSE TRUE END,
  "window" = %(w)s
RETURNING "current", "previous", "refused"
"""


_SCRIPT = """
local cur = tonumber(redis.call('GET', KEYS[1]) or '0')
local prev = tonumber(redis.call('GET', KEYS[2]) or '0')
local elapsed = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local limit = tonumber(ARGV[3])
local weight = 1 - elapsed / window
if weight < 0 then weight = 0 end
if cur + prev * weight + 1 <= limit then
  redis.call('INCR', KEYS[1])
  redis.call('EXPIRE', KEYS[1], 2 * window + 1)
  return {1, cur, prev}
end
return {0, cur, prev}
"""


class RedisRates:
    """Counts in Redis: a key per token and window, `<prefix>:api:<token>:<window>`, each
    expiring two windows after its start; check and increment are one atomic script."""

    def __init__(self, client: Any, prefix: str) -> None:
        self.prefix = prefix
        self.script = client.register_script(_SCRIPT)

    def hit(self, key: str, now: float, window: int, limit: int) -> Verdict:
        index = int(now // window)
        elapsed = now - index * window
        keys = [f"{self.prefix}:api:{key}:{index}", f"{self.prefix}:api:{key}:{index - 1}"]
        allowed, current, previous = self.script(keys=keys, args=[repr(elapsed), window, limit])
        if allowed:
            return Verdict(True)
        verdict = decide(int(current), int(previous), elapsed, window, limit)
        # Lua and Python may round the estimate apart at the very edge: Redis refused.
        return verdict if not verdict.allowed else Verdict(False, 1)
