"""Checking spans of the audit chain on a bare DB-API connection (no Django: this module
also runs in the worker processes of a parallel `audit verify`, see verify.py).

Each entry stores its own MAC, so entries lo+1..hi can be verified from the stored MAC of
entry lo alone: a span is independent of the spans before it. Each page of a span is first
checked in bulk: the database returns the page as three aggregated values (every prev_mac,
every mac, every canonical message), Python computes the MACs with C-level map() calls and
compares whole strings. If anything at all differs, the page is walked again row by row
(`Scanner.exact_page`, the reference semantics), which names the first broken entry. The
bulk check accepts a page only if the row-by-row walk would: it needs exactly hi-lo rows in
the page, every message authenticated by its MAC and each prev_mac equal to the mac before.
"""

from __future__ import annotations

import hashlib
import itertools
from binascii import hexlify
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

PAGE = 20_000            # entries per aggregated query (a few MB of text)
ROW_SEP = b"\x1e"        # between the messages of a page; should a field ever hold one, the
                         # split count differs and the page is walked row by row
ALTERED = "entry was altered (MAC mismatch)"


@dataclass(frozen=True)
class SpanResult:
    """Outcome of checking entries lo+1..hi: `broken` is None when all verified (then
    `last_mac` is the MAC of entry hi), else the seq of the first broken link and why.
    `short` means the rows stop at broken-1 (is it a removed entry or a cut-off tail? The
    caller decides, from what follows)."""

    last_mac: str | None
    broken: int | None = None
    reason: str = ""
    short: bool = False


@dataclass(frozen=True)
class Queries:
    """The SQL one scanner runs, built by verify.py for the database at hand; each takes
    (lo, hi) except `mac`, which takes a seq. `bulk` returns (count, bytes): the message and
    the mac of each entry in seq order, all joined by ROW_SEP; `rows` returns (seq, prev_mac,
    mac, message) in seq order."""

    bulk: str
    rows: str
    mac: str


def pads(key: bytes) -> tuple[Any, Any]:
    """The HMAC-SHA256 inner and outer hash states of `key` (RFC 2104)."""
    block = (hashlib.sha256(key).digest() if len(key) > 64 else key).ljust(64, b"\0")
    return (hashlib.sha256(bytes(b ^ 0x36 for b in block)),
            hashlib.sha256(bytes(b ^ 0x5C for b in block)))


class Scanner:
    """Verifies spans of the chain over one DB-API connection, read only."""

    def __init__(self, raw: Any, queries: Queries, key: bytes, vendor: str) -> None:
        self.raw, self.queries = raw, queries
        self.inner, self.outer = pads(key)
        self.hash_type = type(self.inner)
        self.postgresql = vendor == "postgresql"

    def _fetch(self, sql: str, params: list[Any], binary: bool = False) -> list[Any]:
        if binary and self.postgresql:
            import psycopg  # a plain server-binding cursor: bytea arrives as bytes, not hex

            with psycopg.Cursor(self.raw) as pg:
                pg.execute(sql, params, binary=True)
                return pg.fetchall()
        cur = self.raw.cursor()
        try:
            cur.execute(sql, params)
            return list(cur.fetchall())  # all: an open statement would keep its snapshot
        finally:
            cur.close()

    def macs_hex(self, msgs: list[bytes]) -> bytes:
        """Hex HMAC-SHA256 of every message, concatenated: `chain.EntryMac.hexdigest` done
        with C-level map() passes (drained by a zero-length deque), no bytecode per row."""
        h, n = self.hash_type, len(msgs)
        inner = list(map(h.copy, itertools.repeat(self.inner, n)))
        deque(map(h.update, inner, msgs), 0)
        outer = list(map(h.copy, itertools.repeat(self.outer, n)))
        deque(map(h.update, outer, map(h.digest, inner)), 0)
        return hexlify(b"".join(map(h.digest, outer)))

    def bulk_page(self, lo: int, hi: int, prev: bytes | None) -> bytes | None:
        """The MAC of entry hi if entries lo+1..hi all verify starting from `prev`; None if
        anything differs (the caller then walks the page row by row)."""
        if prev is None:
            return None
        count, blob = self._fetch(self.queries.bulk, [lo, hi], binary=True)[0]
        if count != hi - lo or blob is None:
            return None
        parts = bytes(blob).split(ROW_SEP)  # message, mac, message, mac, ...
        if len(parts) != 2 * count:
            return None
        msgs, macs = parts[0::2], parts[1::2]
        if set(map(len, macs)) != {64}:
            return None
        # Each message begins with its prev_mac: the previous entry's mac (or `prev`).
        if not all(map(bytes.startswith, msgs, itertools.chain((prev,), macs))):
            return None
        if self.macs_hex(msgs) != b"".join(macs):
            return None
        return macs[-1]

    def exact_page(self, lo: int, hi: int, prev: str | None) -> SpanResult:
        """Walk entries lo+1..hi row by row starting from `prev` (reference semantics)."""
        expected = lo + 1
        icopy, ocopy = self.inner.copy, self.outer.copy
        for seq, pmac, mac, msg in self._fetch(self.queries.rows, [lo, hi]):
            if seq != expected:
                return SpanResult(None, expected, f"entry {expected} is missing (removed)")
            if pmac != prev:
                return SpanResult(None, seq, "prev_mac does not match the previous entry")
            if msg is None:  # a field was set to NULL
                return SpanResult(None, seq, ALTERED)
            inner = icopy()
            inner.update(msg)
            outer = ocopy()
            outer.update(inner.digest())
            if outer.hexdigest() != mac:
                return SpanResult(None, seq, ALTERED)
            prev, expected = mac, expected + 1
        if expected <= hi:
            return SpanResult(prev, expected, f"entry {expected} is missing (removed)",
                              short=True)
        return SpanResult(prev)

    def span(self, lo: int, hi: int, prev: str | None,
             progress: Callable[[int], object] | None = None) -> SpanResult:
        """Verify entries lo+1..hi starting from `prev`, page by page."""
        start = lo
        while start < hi:
            end = min(start + PAGE, hi)
            last = self.bulk_page(start, end, _ascii(prev))
            if last is not None:
                prev = last.decode("ascii")
            else:
                result = self.exact_page(start, end, prev)
                if result.broken is not None:
                    return result
                prev = result.last_mac
            if progress is not None:
                progress(end - start)
            start = end
        return SpanResult(prev)

    def stored_mac(self, seq: int) -> str | None:
        """The mac column of entry `seq` as stored (None if the entry is gone)."""
        found = self._fetch(self.queries.mac, [seq])
        return found[0][0] if found else None


def _ascii(mac: str | None) -> bytes | None:
    try:
        return mac.encode("ascii") if mac is not None else None
    except UnicodeEncodeError:  # not a hex MAC: the row-by-row walk says what is wrong
        return None


# --- worker processes of a parallel `audit verify` (verify.py, concurrent.futures): only
# --- the standard library and the database driver, one connection per process.


def _connect(vendor: str, params: dict[str, Any]) -> Any:
    if vendor == "sqlite":
        import sqlite3

        return sqlite3.connect(params["database"], uri=params.get("uri", False), timeout=30)
    import psycopg

    return psycopg.connect(**params, autocommit=True)


_SCANNERS: dict[Any, Scanner] = {}  # this worker's scanner, per (vendor, params, key)


def check_span(init: tuple[str, dict[str, Any], tuple[str, ...], bytes], lo: int, hi: int,
               prev: str | None) -> tuple[Any, ...]:
    """(worker) Verify entries lo+1..hi from `prev` (None: the stored mac of entry lo) and
    return the SpanResult's fields; `init` is (vendor, connection params, Queries' SQL,
    audit key)."""
    vendor, params, sql, key = init
    ident = (vendor, tuple(sorted(params.items())), sql, key)
    scanner = _SCANNERS.get(ident)
    if scanner is None:
        scanner = _SCANNERS[ident] = Scanner(_connect(vendor, params), Queries(*sql), key,
                                             vendor)
    if prev is None:  # the span holding entry lo vouches for its stored mac
        prev = scanner.stored_mac(lo)
    r = scanner.span(lo, hi, prev)
    return r.last_mac, r.broken, r.reason, r.short
