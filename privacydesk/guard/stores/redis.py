"""Counters in Redis, shared by every worker and machine (W2 item 3; no Django).

One string per keyed subject, `<prefix>:c:<hex>`, with a TTL of two windows: a non-offender's
counter disappears by itself. A whole batch is one Lua script call (one round trip), so the
roll of the window, the increment and the threshold test are atomic: of all workers, exactly
one sees a crossing. The batch is folded per subject in Python first (one hash, one line and
aggregated rule counts per subject); the script reads every counter of the batch with one
MGET and writes each with one SET … EX (or DEL on a crossing).

The salt of each generation is shared through `<prefix>:salt:<generation>` (SET NX with a
TTL), so all workers hash alike; the pepper (SECRET_KEY) never goes to Redis, so a copy of
Redis alone cannot turn a counter back into an address.

A counter is "ws cur prev first c1 … c8 npaths" followed by "\\t<path>" per path and a final
tab, e.g. "1800000000 2 0 1800000000 0 0 0 2 0 0 0 0 1\\t/.env\\t".
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

from privacydesk.guard.detector import MAX_EVIDENCE_PATHS, Evidence, Limits
from privacydesk.guard.keys import KeyRing
from privacydesk.guard.rules import RULES
from privacydesk.guard.stores.memory import fold

# ARGV: now, window, threshold, ttl, max paths, key prefix, then the batch, one line per
# subject, "\n"-separated:
#   "=<key hex> <rule 1-8> <counter>"      one signal, no older generation: the new counter
#   "<key hex> <old key hex or -> c1,…,c8<TAB>path<TAB>…"   everything else (counts summed)
_ADD = """
local now, w, th = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local ttl, maxp, prefix = tonumber(ARGV[4]), tonumber(ARGV[5]), ARGV[6]
local HEAD = '^(%d+) (%d+) (%d+) (%d+) (%d+) (%d+) (%d+) (%d+) (%d+) (%d+) (%d+) (%d+) (%d+)'
local lines, keys = {}, {}
for line in string.gmatch(ARGV[7], '[^\\n]+') do
  lines[#lines + 1] = line
  local at = string.byte(line, 1) == 61 and 2 or 1  -- '='
  keys[#keys + 1] = prefix .. string.sub(line, at, at + 15)
end
local raws = {}
for i = 1, #keys, 1000 do
  local part = redis.call('MGET', unpack(keys, i, math.min(i + 999, #keys)))
  for j = 1, #part do raws[i + j - 1] = part[j] end
end
local out = {}
for i = 1, #lines do
  local line, k, raw = lines[i], keys[i], raws[i]
  local fresh = string.byte(line, 1) == 61
  if fresh and not raw then
    redis.call('SET', k, string.sub(line, 21), 'EX', ttl)  -- the common case of a flood
  else
    local old, counts, paths
    if fresh then  -- one signal of a subject with a counter: only its rule number is needed
      counts = {0, 0, 0, 0, 0, 0, 0, 0}
      counts[string.byte(line, 19) - 48] = 1
      paths = string.match(line, '(\\t.*)$') or ''
      old = '-'
    else
      local cs
      old, cs, paths = string.match(line, '^%x+ ([%x-]+) ([%d,]+)(.*)$')
      counts = {string.match(cs, '^(%d+),(%d+),(%d+),(%d+),(%d+),(%d+),(%d+),(%d+)$')}
      if not raw and old ~= '-' then
        raw = redis.call('GET', prefix .. old)
        if raw then redis.call('DEL', prefix .. old) end
      end
    end
    local ws, cur, prev, first, np, have = now, 0, 0, now, 0, '\\t'
    local c = {0, 0, 0, 0, 0, 0, 0, 0}
    if raw then
      local f = {string.match(raw, HEAD)}
      ws, cur, prev, first = tonumber(f[1]), tonumber(f[2]), tonumber(f[3]), tonumber(f[4])
      for r = 1, 8 do c[r] = tonumber(f[r + 4]) end
      np = tonumber(f[13])
      have = string.match(raw, '(\\t.*)$') or '\\t'
    end
    local el = now - ws
    if el >= w then
      if el < 2 * w then prev = cur; ws = ws + w; el = el - w else prev = 0; ws = now; el = 0 end
      cur = 0
    end
    for r = 1, 8 do
      local n = tonumber(counts[r])
      c[r] = c[r] + n
      cur = cur + n
    end
    for p in string.gmatch(paths, '[^\\t]+') do
      if np < maxp and not string.find(have, '\\t' .. p .. '\\t', 1, true) then
        have = have .. p .. '\\t'
        np = np + 1
      end
    end
    local value = ws .. ' ' .. cur .. ' ' .. prev .. ' ' .. first .. ' ' ..
      table.concat(c, ' ') .. ' ' .. np .. have
    if cur * w + prev * (w - el) >= th * w then
      if raw then redis.call('DEL', k) end
      out[#out + 1] = {i, value}
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
        subject, so a subject is hashed once and sent as one line with summed rule counts."""
        if not signals:
            return {}
        groups = fold(signals)
        keyring, limits = self.keyring, self.limits
        keys = keyring.hexes(groups, now)  # one AES call for the whole batch
        overlap = keyring.in_overlap(now)
        olds = keyring.hexes(groups, now, previous=True) if overlap else None
        stamp = int(now)
        # The counter of one signal, per (rule, path) pair: made once per batch.
        fresh_record: dict[tuple[str, str], str] = {}
        single_ok = limits.threshold > 1 and not overlap
        lines = []
        for i, group in enumerate(groups.values()):
            key = keys[i]
            if single_ok and type(group) is tuple:
                pair = (group[1], group[2])
                record = fresh_record.get(pair)
                if record is None:
                    record = fresh_record[pair] = _first_counter(stamp, *pair)
                lines.append(f"={key} {record}")  # record starts "<rule> <counter>"
                continue
            items = (group,) if type(group) is tuple else group
            old = olds[i] if olds is not None else "-"
            counts = [0] * len(RULES)
            paths: list[str] = []
            for _, rule, path in items:
                counts[_RULE_INDEX[rule]] += 1
                path = _clean(path)
                if path and path not in paths:
                    paths.append(path)
            lines.append(f"{key} {old} {','.join(map(str, counts))}"
                         + "".join(f"\t{p}" for p in paths[:MAX_EVIDENCE_PATHS]))
        order = list(groups)
        replies = self._script(keys=[], args=[
            stamp, limits.window_seconds, limits.threshold, 2 * limits.window_seconds + 1,
            MAX_EVIDENCE_PATHS, f"{self.prefix}:c:", "\n".join(lines)])
        return {order[int(position) - 1]: _evidence(value, now) for position, value in replies}


_RULE_INDEX = {rule: i for i, rule in enumerate(RULES)}


def _clean(path: str) -> str:
    # Tabs and newlines separate fields and lines in the script's input.
    return path.replace("\t", " ").replace("\n", " ").replace("\r", " ")[:200]


def _first_counter(stamp: int, rule: str, path: str) -> str:
    """"<rule number> <counter>" for a subject's first signal: the counter starts its window
    now with one signal of `rule`; the number lets the script count it into an existing one."""
    counts = " ".join("1" if r == rule else "0" for r in RULES)
    path, number = _clean(path), _RULE_INDEX[rule] + 1
    return (f"{number} {stamp} 1 0 {stamp} {counts} 1\t{path}\t" if path
            else f"{number} {stamp} 1 0 {stamp} {counts} 0\t")


def _evidence(value: bytes | str, now: float) -> Evidence:
    text = value.decode() if isinstance(value, bytes) else value
    head, _, tail = text.partition("\t")
    fields = head.split(" ")
    counts = [int(c) for c in fields[4:12]]
    return Evidence(rules={RULES[i]: c for i, c in enumerate(counts) if c},
                    first_seen=float(fields[3]), last_seen=float(now),
                    paths=[p for p in tail.split("\t") if p])
