"""Counters in Redis, shared by every worker and machine (W2 item 3; no Django).

Counters live in one hash per window-sized time bucket, `<prefix>:w:<floor(now / window)>`,
one field per keyed subject (16 hex digits). A bucket expires two windows after its own end,
so a non-offender's counter disappears by itself between two and three windows after its
last signal (Redis 7.0 has no per-field expiry; a key per subject with its own TTL cost one
key creation per subject, about 5 µs each inside the script, 80% of the store's time under a
flood). A subject's record is the newest of the buckets b, b-1 and b-2; it is moved into
bucket b when it is written, and a record whose two windows are both over counts as absent
(exactly as in the memory store), so nothing older than b-2 is ever needed.

A whole batch is one Lua script call (one round trip): one HMGET per bucket for all the
batch's subjects, the roll of the window, the increment and the threshold test per subject,
then one HSET (and EXPIRE) of the new records and one HDEL per bucket for moved or crossed
ones. The script is atomic, so of all workers exactly one sees a crossing. The batch is
folded per subject in Python first (one key, one line, summed rule counts per subject).

The salt of each generation is shared through `<prefix>:salt:<generation>` (SET NX with a
TTL), so all workers hash alike; the pepper (SECRET_KEY) never goes to Redis, so a copy of
Redis alone cannot turn a counter back into an address.

A record is "ws cur prev first c1 … c8 npaths" followed by "\\t<path>" per path and a final
tab, e.g. "1800000000 2 0 1800000000 0 0 0 2 0 0 0 0 1\\t/.env\\t".
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

from privacydesk.guard.detector import MAX_EVIDENCE_PATHS, Evidence, Limits, fold
from privacydesk.guard.keys import KeyRing
from privacydesk.guard.rules import RULES
from privacydesk.guard.stores.redis_script import ADD_SCRIPT


class RedisStore:
    """Counters shared through Redis; `client` is a redis.Redis (bytes responses)."""

    def __init__(self, limits: Limits, client: Any, prefix: str, pepper: bytes,
                 rotate_seconds: int) -> None:
        self.limits = limits
        self.client = client
        self.prefix = prefix
        self.keyring = KeyRing(rotate_seconds, limits.window_seconds,
                               salt_source=self._shared_salt, pepper=pepper)
        self._script = client.register_script(ADD_SCRIPT)

    def _shared_salt(self, generation: int) -> bytes:
        name = f"{self.prefix}:salt:{generation}"
        ttl = self.keyring.rotate_seconds + self.limits.window_seconds + 60
        self.client.set(name, os.urandom(32), nx=True, ex=ttl)
        salt = self.client.get(name)
        return bytes(salt)

    def tracked(self) -> int:
        """Records held (those of the last three buckets; some may be over and unread)."""
        return sum(self.client.hlen(name)
                   for name in self.client.scan_iter(match=f"{self.prefix}:w:*", count=1000))

    def add(self, subject: str, rule: str, path: str, now: float) -> Evidence | None:
        return self.add_many([(subject, rule, path)], now).get(subject)

    def add_many(self, signals: Sequence[tuple[str, str, str]],
                 now: float) -> dict[str, Evidence]:
        """Count a batch in one atomic script call (one round trip); signals are folded per
        subject, so a subject is hashed once and sent as one line with summed rule counts."""
        if not signals:
            return {}
        order, args = self._script_args(signals, now)
        return _crossed(order, now, self._script(keys=[], args=args))

    def add_stream(self, batches: Iterable[Sequence[tuple[str, str, str]]],
                   clock: Callable[[], float]) -> Iterator[dict[str, Evidence]]:
        """Count batch after batch, pipelined: a batch's script call is sent before the
        reply to the previous one is read, so this process prepares batch n+1 while Redis
        counts batch n. Yields each batch's crossings, in order, one batch behind. Every
        batch is still one atomic script call, on one connection, in order. If `batches`
        raises, the batches already sent are reported first (a crossing is never lost)."""
        sha = self.client.script_load(ADD_SCRIPT)
        pool = self.client.connection_pool
        conn = pool.get_connection()
        pending: list[tuple[list[str], float]] = []  # sent, reply not read yet
        source = iter(batches)
        try:
            while True:
                try:
                    batch = next(source)
                except StopIteration:
                    break
                except Exception:
                    while pending:
                        yield _crossed(*pending.pop(0), conn.read_response())
                    raise
                if batch:
                    now = clock()
                    order, args = self._script_args(batch, now)
                    conn.send_command("EVALSHA", sha, 0, *args)
                    pending.append((order, now))
                if len(pending) > 1:
                    yield _crossed(*pending.pop(0), conn.read_response())
            while pending:
                yield _crossed(*pending.pop(0), conn.read_response())
        except BaseException:
            conn.disconnect()  # replies may be left unread: never hand this connection on
            raise
        finally:
            pool.release(conn)

    def _script_args(self, signals: Sequence[tuple[str, str, str]],
                     now: float) -> tuple[list[str], list[Any]]:
        """The subjects in line order and the script's ARGV for one batch (see the script)."""
        groups = fold(signals)
        keyring, limits = self.keyring, self.limits
        keys = keyring.hexes(groups, now)  # one AES call for the whole batch
        overlap = keyring.in_overlap(now)
        olds = keyring.hexes(groups, now, previous=True) if overlap else None
        stamp = int(now)
        # The record of one signal per (rule, path) pair: made and sent once per batch.
        first_number: dict[tuple[str, str], int] = {}
        firsts: list[str] = []
        cleaned: dict[str, str] = {}  # path -> as sent, per batch
        single_ok = limits.threshold > 1
        lines = []
        for i, group in enumerate(groups.values()):
            key = keys[i]
            if single_ok and type(group) is tuple:
                pair = (group[1], group[2])
                number = first_number.get(pair)
                if number is None:
                    firsts.append(_first_counter(stamp, *pair))
                    number = first_number[pair] = len(firsts)
                lines.append(f"={key} {number}" if olds is None else f"={key} {olds[i]} {number}")
                continue  # one signal: the script starts or bumps its record
            items = (group,) if type(group) is tuple else group
            old = olds[i] if olds is not None else "-"
            counts: dict[str, int] = {}  # rule -> signals in this batch
            paths: list[str] = []
            for _, rule, path in items:
                counts[rule] = counts.get(rule, 0) + 1
                if path:
                    clean = cleaned.get(path)
                    if clean is None:
                        clean = cleaned[path] = _clean(path)
                    if clean not in paths:
                        paths.append(clean)
            fired = ",".join([f"{_RULE_NUMBER[r]}:{n}" for r, n in counts.items()])
            lines.append(f"{key} {old} {fired}\t" + "\t".join(paths[:MAX_EVIDENCE_PATHS])
                         if paths else f"{key} {old} {fired}")
        return list(groups), [stamp, limits.window_seconds, limits.threshold,
                              MAX_EVIDENCE_PATHS, f"{self.prefix}:w:", "\n".join(lines),
                              "\n".join(firsts)]


def _crossed(order: list[str], now: float, reply: bytes | str) -> dict[str, Evidence]:
    """The crossings in a script's reply: "<line number> <record>" per crossing."""
    crossed: dict[str, Evidence] = {}
    text = reply.decode() if isinstance(reply, bytes) else reply
    for line in text.split("\n") if text else ():
        position, _, value = line.partition(" ")
        crossed[order[int(position) - 1]] = _evidence(value, now)
    return crossed


_RULE_INDEX = {rule: i for i, rule in enumerate(RULES)}
_RULE_NUMBER = {rule: str(i + 1) for i, rule in enumerate(RULES)}


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
    return Evidence(rules={rule: int(c) for rule, c in zip(RULES, fields[4:12], strict=True)
                           if c != "0"},
                    first_seen=float(fields[3]), last_seen=float(now),
                    paths=[p for p in tail.split("\t") if p])
