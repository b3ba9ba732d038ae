"""Counters in Redis, shared by every worker and machine (W2 item 3; no Django).

One hash per keyed subject, `<prefix>:c:<hex>`, with a TTL of two windows: a non-offender's
counter disappears by itself. Each update is one Lua script, so the roll of the window, the
increment and the threshold test are atomic: of all workers, exactly one sees the crossing.
A batch is folded per subject and sent as one pipeline (one round trip).

The salt of each generation is shared through `<prefix>:salt:<generation>` (SET NX with a
TTL), so all workers hash alike; the pepper (SECRET_KEY) never goes to Redis, so a copy of
Redis alone cannot turn a counter back into an address.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

from privacydesk.guard.detector import MAX_EVIDENCE_PATHS, Evidence, Limits
from privacydesk.guard.keys import KeyRing
from privacydesk.guard.rules import RULES
from privacydesk.guard.stores.memory import fold

# One script call counts a whole batch. ARGV: now, window, threshold, ttl, max paths, key
# prefix, then one line per subject: "hex<TAB>oldhex-or-dash(<TAB>rule index<TAB>path)+".
# A line that starts with "=" is a subject with one signal and no older generation: the rest
# of the line is its ready-made record, stored with one SET NX unless a counter exists.
# A counter is one string: "ws<TAB>cur<TAB>prev<TAB>first<TAB>c1,...,c8(<TAB>path)*".
_ADD = """
local now = tonumber(ARGV[1])
local w = tonumber(ARGV[2])
local th = tonumber(ARGV[3])
local ttl = tonumber(ARGV[4])
local maxp = tonumber(ARGV[5])
local prefix = ARGV[6]
local out = {}
local idx = 0
for line in string.gmatch(ARGV[7], '[^\\n]+') do
  idx = idx + 1
  local stored = false
  if string.sub(line, 1, 1) == '=' then
    -- "=hex<TAB>rule<TAB>path<TAB>record": a new subject is one SET NX
    local k = prefix .. string.sub(line, 2, 17)
    local rest = string.sub(line, 19)
    local tab1 = string.find(rest, '\\t', 1, true)
    local tab2 = string.find(rest, '\\t', tab1 + 1, true)
    stored = redis.call('SET', k, string.sub(rest, tab2 + 1), 'NX', 'EX', ttl)
    if not stored then
      line = string.sub(line, 2, 17) .. '\\t-\\t' .. string.sub(rest, 1, tab2 - 1)
    end
  end
  if not stored then
  local f = {}
  for x in string.gmatch(line, '[^\\t]+') do f[#f + 1] = x end
  local k = prefix .. f[1]
  local raw = redis.call('GET', k)
  if not raw and f[2] ~= '-' then
    local ok = prefix .. f[2]
    raw = redis.call('GET', ok)
    if raw then redis.call('DEL', ok) end
  end
  local ws, cur, prev, first = now, 0, 0, now
  local counts = {0, 0, 0, 0, 0, 0, 0, 0}
  local paths = {}
  local seen = {}
  if raw then
    local g = {}
    for x in string.gmatch(raw, '[^\\t]+') do g[#g + 1] = x end
    ws, cur, prev, first = tonumber(g[1]), tonumber(g[2]), tonumber(g[3]), tonumber(g[4])
    local i = 0
    for c in string.gmatch(g[5], '[^,]+') do i = i + 1; counts[i] = tonumber(c) end
    for j = 6, #g do paths[#paths + 1] = g[j]; seen[g[j]] = true end
  end
  local el = now - ws
  if el >= w then
    if el < 2 * w then prev = cur; ws = ws + w; el = el - w else prev = 0; ws = now; el = 0 end
    cur = 0
  end
  for j = 3, #f - 1, 2 do
    local r = tonumber(f[j])
    local path = f[j + 1]
    cur = cur + 1
    counts[r] = counts[r] + 1
    if path ~= '-' and not seen[path] and #paths < maxp then
      paths[#paths + 1] = path
      seen[path] = true
    end
  end
  local value = ws .. '\\t' .. cur .. '\\t' .. prev .. '\\t' .. first .. '\\t' ..
    table.concat(counts, ',')
  if #paths > 0 then value = value .. '\\t' .. table.concat(paths, '\\t') end
  if cur + prev * (w - el) / w >= th then
    redis.call('DEL', k)
    out[#out + 1] = {idx, value}
  else
    redis.call('SET', k, value, 'EX', ttl)
  end
  end
end
return out
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
        salt = self.client.get(name)
        return bytes(salt)

    def tracked(self) -> int:
        return sum(1 for _ in self.client.scan_iter(match=f"{self.prefix}:c:*", count=1000))

    def add(self, subject: str, rule: str, path: str, now: float) -> Evidence | None:
        return self.add_many([(subject, rule, path)], now).get(subject)

    def add_many(self, signals: Sequence[tuple[str, str, str]],
                 now: float) -> dict[str, Evidence]:
        """Count a batch in one atomic script call (one round trip); signals are folded per
        subject, so a subject is hashed and stored once per batch."""
        if not signals:
            return {}
        groups = fold(signals)
        keyring = self.keyring
        lines = []
        order = list(groups)
        index = _RULE_INDEX
        limits = self.limits
        stamp = str(int(now))
        fresh_head = f"{stamp}\t1\t0\t{stamp}\t"
        single_ok = limits.threshold > 1
        for subject in order:
            group = groups[subject]
            old = keyring.previous_key(subject, now)
            key = keyring.key(subject, now).hex()
            if single_ok and old is None and type(group) is tuple:
                rule, path = index[group[1]], _clean(group[2])
                record = fresh_head + _FRESH_COUNTS[rule]
                if path != "-":
                    record += "\t" + path
                lines.append(f"={key}\t{rule}\t{path}\t{record}")
                continue
            items = (group,) if type(group) is tuple else group
            parts = [key, old.hex() if old else "-"]
            for _, rule, path in items:
                parts += (index[rule], _clean(path))
            lines.append("\t".join(parts))
        replies = self._script(keys=[], args=[
            int(now), limits.window_seconds, limits.threshold, 2 * limits.window_seconds + 1,
            MAX_EVIDENCE_PATHS, f"{self.prefix}:c:", "\n".join(lines)])
        crossed: dict[str, Evidence] = {}
        for position, value in replies:
            crossed[order[int(position) - 1]] = _evidence(value, now)
        return crossed


_RULE_INDEX = {rule: str(i + 1) for i, rule in enumerate(RULES)}
# The rule counts of a counter with one signal of rule number i.
_FRESH_COUNTS = {str(i + 1): ",".join("1" if j == i else "0" for j in range(len(RULES)))
                 for i in range(len(RULES))}


def _clean(path: str) -> str:
    # Tabs and newlines separate fields in the script's input; a dash means "no path".
    return path.replace("\t", " ").replace("\n", " ")[:200] or "-"


def _evidence(value: bytes | str, now: float) -> Evidence:
    text = value.decode() if isinstance(value, bytes) else value
    fields = text.split("\t")
    counts = [int(c) for c in fields[4].split(",")]
    return Evidence(rules={RULES[i]: c for i, c in enumerate(counts) if c},
                    first_seen=float(fields[3]), last_seen=float(now), paths=fields[5:])
