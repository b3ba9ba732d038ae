"""Counters in Redis, shared by every worker and machine (W2 item 3; no Django).

One hash per keyed subject, `<prefix>:c:<16 hex digits of the keyed hash>`, with the fields
`ws cur prev first paths` and `r:<rule>` per rule that fired; it expires two windows after
its last signal, so a non-offender's counter disappears by itself. One signal is one Lua
script call (one round trip): carry the counter over from the previous generation's key after
a rotation of the secret, roll the window, count, and test the threshold. The script is
atomic, so of all workers exactly one sees a crossing, and the crossing deletes the counter.

The salt of each generation is shared through `<prefix>:salt:<generation>` (SET NX with a
TTL), so all workers hash alike; the pepper (SECRET_KEY) never goes to Redis, so a copy of
Redis alone cannot turn a counter back into an address (W1).
"""

from __future__ import annotations

import os
from typing import Any

from privacydesk.guard.detector import MAX_EVIDENCE_PATHS, Evidence, Limits
from privacydesk.guard.keys import KeyRing

# KEYS: the counter, the same subject's counter under the previous secret (or the counter
# again). ARGV: now (whole seconds), window, threshold, max paths, rule, path, now (float).
# Returns nil, or on a crossing {first seen, paths joined by tabs, rule, count, rule, count…}.
_ADD = """
local key, old = KEYS[1], KEYS[2]
local now, w, th = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local maxp, rule, path = tonumber(ARGV[4]), ARGV[5], ARGV[6]
if old ~= key and redis.call('EXISTS', key) == 0 then
  if redis.call('EXISTS', old) == 1 then redis.call('RENAME', old, key) end
end
local r = redis.call('HMGET', key, 'ws', 'cur', 'prev')
local ws, cur, prev = tonumber(r[1]), tonumber(r[2]) or 0, tonumber(r[3]) or 0
if ws and now - ws >= 2 * w then  -- both windows over: the old counter says nothing
  redis.call('DEL', key)
  ws, cur, prev = nil, 0, 0
end
if not ws then
  ws = now
  redis.call('HSET', key, 'first', ARGV[7], 'paths', '')
end
local el = now - ws
if el >= w then prev, cur, ws, el = cur, 0, ws + w, el - w end  -- a new window
cur = cur + 1
redis.call('HINCRBY', key, 'r:' .. rule, 1)
if path ~= '' then
  local paths = redis.call('HGET', key, 'paths')
  local n = 0
  for _ in string.gmatch(paths, '\\t') do n = n + 1 end
  if n < maxp and not string.find('\\t' .. paths, '\\t' .. path .. '\\t', 1, true) then
    redis.call('HSET', key, 'paths', paths .. path .. '\\t')
  end
end
if cur * w + prev * (w - el) >= th * w then
  local all = redis.call('HGETALL', key)
  redis.call('DEL', key)
  local out, first, paths = {}, '', ''
  for i = 1, #all, 2 do
    local f = all[i]
    if f == 'first' then first = all[i + 1]
    elseif f == 'paths' then paths = all[i + 1]
    elseif string.sub(f, 1, 2) == 'r:' then
      out[#out + 1] = string.sub(f, 3); out[#out + 1] = all[i + 1]
    end
  end
  table.insert(out, 1, paths); table.insert(out, 1, first)
  return out
end
redis.call('HSET', key, 'ws', ws, 'cur', cur, 'prev', prev)
redis.call('EXPIRE', key, ws + 2 * w - now)
return nil
"""


class RedisStore:
    """Counters shared through Redis; `client` is a redis.Redis (bytes responses)."""

    def __init__(self, limits: Limits, client: Any, prefix: str, pepper: bytes,
                 rotate_seconds: int) -> None:
        self.limits = limits
        self.client = client
        self.prefix = prefix
        self.keyring = KeyRing(rotate_seconds, limits.window_seconds,
                               salt_source=self._shared_salt, pepper=pepper)
        self._script = client.register_script(_ADD)

    def _shared_salt(self, generation: int) -> bytes:
        name = f"{self.prefix}:salt:{generation}"
        ttl = self.keyring.rotate_seconds + self.limits.window_seconds + 60
        self.client.set(name, os.urandom(32), nx=True, ex=ttl)
        return bytes(self.client.get(name))

    def tracked(self) -> int:
        """Counters held (each expires by itself two windows after its last signal)."""
        return sum(1 for _ in self.client.scan_iter(match=f"{self.prefix}:c:*", count=1000))

    def add(self, subject: str, rule: str, path: str, now: float) -> Evidence | None:
        key = f"{self.prefix}:c:{self.keyring.key(subject, now).hex()}"
        previous = self.keyring.previous_key(subject, now)
        old = f"{self.prefix}:c:{previous.hex()}" if previous is not None else key
        limits = self.limits
        # Tabs separate the paths inside the record.
        clean = path.replace("\t", " ")[:200]
        reply = self._script(keys=[key, old], args=[
            int(now), limits.window_seconds, limits.threshold, MAX_EVIDENCE_PATHS, rule,
            clean, repr(float(now))])
        if reply is None:
            return None
        first, paths, *counts = (item.decode() for item in reply)
        return Evidence(rules={counts[i]: int(counts[i + 1]) for i in range(0, len(counts), 2)},
                        first_seen=float(first), last_seen=float(now),
                        paths=[p for p in paths.split("\t") if p])
