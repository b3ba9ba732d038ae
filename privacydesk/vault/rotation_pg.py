"""Key rotation on PostgreSQL: page by page, in stripes, each row written by its tuple id (Sec1).

Why not simply UPDATE batch after batch: a bulk-loaded table's pages are full, so the new
version of every updated row goes to another page (a non-HOT update). Every index of the
table then gets a new entry per row, and a rotation doubles the table and its indexes
(docs/bench.md measured 8–11 µs a row that way). Here the table is walked in windows of
pages, and each window is rotated in `STRIPES` transactions. Each takes the rows of its
stripe (pk modulo `STRIPES`), so a tenth of every page. A stripe's read is a TID range scan
over the window's pages, and that scan prunes the versions the previous stripe left dead
once it has committed. The room this frees on each page takes the next stripe's new
versions: heap-only (HOT) updates, with no index entry. Only the first stripe of a window
moves its rows elsewhere, so the table grows by about a tenth.

A row is written by its tuple id (ctid), and only while its xmin is still the one that was
read: a row the application saved meanwhile has a new version (another ctid and xmin), and
is left as saved. A save is never overwritten by a re-encryption of its stale value.
Whatever the sweep leaves under an old key goes to the general path afterwards: rows saved
meanwhile, or rows moved to pages it had passed. So correctness never depends on the sweep
finding everything.

Pipelined: while the server writes one stripe, a thread re-encrypts the next one. Two
windows alternate, so that each stripe's read still follows the commit of the stripe
before it in the same window. Each stripe commits with `synchronous_commit = off`. After a
crash, the last few stripes may be lost whole: their rows are then still under the old
key, which stays in the keyring, and the rerun takes them. Nothing is half-written.
"""

from __future__ import annotations

import struct
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import psycopg
from django.db import connections, router, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Model

from privacydesk.vault import crypto
from privacydesk.vault.models import SealedMixin
from privacydesk.vault.rotation_sqlite import Aads, owner_join

STRIPES = 10
STRIPE_ROWS = 5000  # rows a stripe aims at: one transaction, one COPY, one UPDATE
MAX_WINDOW_PAGES = 1 << 16
STAGING = "privacydesk_rotation_tid"
_INTEGER_PKS = {"AutoField", "BigAutoField", "SmallAutoField", "IntegerField",
                "BigIntegerField", "SmallIntegerField", "PositiveIntegerField",
                "PositiveBigIntegerField", "PositiveSmallIntegerField"}
# COPY ... (FORMAT binary): the header, then per row 3 fields: ctid (6 bytes), xmin (4
# bytes), the new ciphertext; the trailer is a field count of -1.
_HEADER = b"PGCOPY\n\xff\r\n\x00" + struct.pack("!ii", 0, 0)
_ROW = struct.Struct("!hi6si4si").pack
_TRAILER = struct.pack("!h", -1)

Hook = Callable[[type[Model], int], None]


def applies(model: type[SealedMixin], conn: BaseDatabaseWrapper) -> bool:
    """Whether this path can rotate `model`: PostgreSQL, an integer pk to stripe by, and
    no caller's transaction around it (stripes must commit for pruning to free room)."""
    return (conn.vendor == "postgresql" and not conn.in_atomic_block
            and model._meta.pk is not None
            and model._meta.pk.get_internal_type() in _INTEGER_PKS)


@dataclass
class _Stripe:
    lo: int  # first page of the window
    hi: int  # first page after it
    stripe: int


class _Sweep:
    """One model's sweep; `run` returns how many rows it re-encrypted."""

    def __init__(self, model: type[SealedMixin], reseal: crypto.Resealer,
                 on_batch: Hook | None, progress: Callable[[int], object]) -> None:
        self.model, self.reseal, self.on_batch, self.progress = model, reseal, on_batch, progress
        self.alias = router.db_for_write(model)
        self.conn = connections[self.alias]
        q, meta = self.conn.ops.quote_name, model._meta
        self.table = q(meta.db_table)
        owner_ref, join = owner_join(model, self.conn, cast="::text")
        pk = q(meta.pk.column)  # type: ignore[union-attr]
        self.read_sql = (
            f"SELECT t.ctid, t.xmin, t.key_id, t.ciphertext, {owner_ref} FROM {self.table} t"
            f"{join} WHERE t.ctid >= %s::tid AND t.ctid < %s::tid AND t.{pk} %% {STRIPES} = %s"
            f" AND t.key_id <> %s")
        self.write_sql = (
            f"UPDATE {self.table} AS t SET key_id = %s, ciphertext = v.blob FROM {STAGING} v "
            f"WHERE t.ctid = v.tid AND t.xmin = v.x")
        self.aads = Aads(model)

    def _pages(self) -> int:
        with self.conn.cursor() as cur:
            cur.execute("SELECT pg_relation_size(%s::regclass) / "
                        "current_setting('block_size')::int", [self.model._meta.db_table])
            return int(cur.fetchone()[0])

    def _window(self) -> int:
        """Pages per window: about STRIPES x STRIPE_ROWS rows, by the planner's statistics or,
        for a table never analysed, by counting the rows of its first pages."""
        with self.conn.cursor() as cur:
            cur.execute("SELECT reltuples, relpages FROM pg_class WHERE oid = %s::regclass",
                        [self.model._meta.db_table])
            tuples, pages = cur.fetchone()
            if not (pages > 0 and tuples > 0):
                cur.execute(f"SELECT count(*) FROM {self.table} WHERE ctid < '(64,0)'::tid")
                tuples, pages = cur.fetchone()[0], 64
        per_page = max(1.0, tuples / pages)
        return max(1, min(MAX_WINDOW_PAGES, int(STRIPES * STRIPE_ROWS / per_page)))

    def _stripes(self) -> Iterator[_Stripe]:
        """Two windows at a time, their stripes interleaved: A0 B0 A1 B1 … A9 B9. To the
        end of the table as it is when the walk gets there (the first stripes' moved rows
        land at the end; they are under the new key by then and are not read again)."""
        start, end, width = 0, self._pages(), self._window()
        while True:
            if start >= end:
                end = self._pages()
                if start >= end:
                    return
            windows = [(start, start + width), (start + width, start + 2 * width)]
            start += 2 * width
            for stripe in range(STRIPES):
                for lo, hi in windows:
                    yield _Stripe(lo, hi, stripe)

    def _read(self, part: _Stripe) -> list[tuple[bytes, bytes, str, bytes, Any]]:
        # A server-side-binding cursor: Django's own binds on the client, in text only.
        with self.conn.wrap_database_errors, psycopg.Cursor(self.conn.connection) as cur:
            cur.execute(self.read_sql, (f"({part.lo},0)", f"({part.hi},0)", part.stripe,
                                        self.reseal.key_id), binary=True)
            return cur.fetchall()

    def _sealed(self, rows: list[tuple[bytes, bytes, str, bytes, Any]]) -> tuple[int, bytes]:
        """The stripe's COPY data: each row re-encrypted (runs in the crypto thread)."""
        with_aad, encoded = self.reseal.with_aad, self.aads.encoded
        out = [_HEADER]
        for tid, xmin, key_id, blob, ref in rows:
            new = with_aad(key_id, blob, encoded(ref))
            out.append(_ROW(3, 6, tid, 4, xmin, len(new)))
            out.append(new)
        out.append(_TRAILER)
        return len(rows), b"".join(out)

    def _write(self, sealed: tuple[int, bytes]) -> int:
        count, data = sealed
        if not count:
            return 0
        with transaction.atomic(using=self.alias), self.conn.cursor() as cur:
            # Sec1 rerun rule: a stripe lost to a crash is still under the old key.
            cur.execute("SET LOCAL synchronous_commit TO off")
            with cur.cursor.copy(f"COPY {STAGING} (tid, x, blob) FROM STDIN (FORMAT binary)"
                                 ) as copy:
                copy.write(data)
            cur.execute(self.write_sql, [self.reseal.key_id])
            changed = int(cur.rowcount)
            if self.on_batch is not None:
                self.on_batch(self.model, changed)  # inside the transaction: raising undoes it
        self.progress(changed)
        return changed

    def run(self) -> int:
        with self.conn.cursor() as cur:  # emptied by every commit
            cur.execute(f"CREATE TEMPORARY TABLE IF NOT EXISTS {STAGING} "
                        f"(tid tid, x xid, blob bytea) ON COMMIT DELETE ROWS")
        done = 0
        with ThreadPoolExecutor(1, thread_name_prefix="privacydesk-reseal") as crypto_thread:
            pending: Future[tuple[int, bytes]] | None = None
            for part in self._stripes():
                # Read the next stripe first (after the previous stripe of its window has
                # committed), then write the one the thread has re-encrypted meanwhile.
                following = crypto_thread.submit(self._sealed, self._read(part))
                if pending is not None:
                    done += self._write(pending.result())
                pending = following
            if pending is not None:
                done += self._write(pending.result())
        return done

    def left(self) -> int:
        """Rows still not under the current key (saved meanwhile, or moved behind)."""
        with self.conn.cursor() as cur:
            cur.execute(f"SELECT count(*) FROM {self.table} WHERE key_id <> %s",
                        [self.reseal.key_id])
            return int(cur.fetchone()[0])


def rotate(model: type[SealedMixin], reseal: crypto.Resealer, on_batch: Hook | None,
           progress: Callable[[int], object]) -> tuple[int, int]:
    """Sweep `model`'s table; return (rows re-encrypted, rows still under an old key) —
    the caller hands the second to the general path."""
    sweep = _Sweep(model, reseal, on_batch, progress)
    done = sweep.run()
    return done, sweep.left()
