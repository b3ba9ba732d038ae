"""Walking the audit chain for `audit.verify()`: in this process, or in worker processes
(`concurrent.futures`), needed for the "audit verify >= 200,000 entries/s" row.

`walk()` verifies entries after+1..stop and returns the FIRST broken link, exactly as a
single row-by-row walk would (see scan.py for the per-span checks). A long chain is cut
into spans of SPAN entries; with `jobs` > 1 they are verified by that many worker
processes, each on its own read connection, and joined in seq order: the result is the
first broken link of the first span that has one. Workers are used only where they can see
the same data as the caller: a database file or server (not an in-memory SQLite database)
and no open transaction (a worker cannot see the caller's uncommitted entries).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import astuple
from multiprocessing import get_context
from typing import Any

from django.db.backends.base.base import BaseDatabaseWrapper

from privacydesk.vault import VaultError, chain, scan
from privacydesk.vault.models import AuditEntry
from privacydesk.vault.scan import SpanResult

SPAN = 100_000          # entries per unit of work handed to a worker
PARALLEL_MIN = 200_000  # below this, starting workers (~0.2 s) costs more than it saves
MAX_JOBS = 8


def default_jobs() -> int:
    """One worker per CPU this process may run on (at most MAX_JOBS)."""
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cpus = os.cpu_count() or 1
    return max(1, min(cpus, MAX_JOBS))


def queries(vendor: str) -> scan.Queries:
    """The SQL of scan.Scanner for "sqlite" or "postgresql"."""
    # Raw SQL: benchmark row "audit verify >= 200,000 entries/s" (aggregated pages).
    table = f'"{AuditEntry._meta.db_table}"'
    mark = "?" if vendor == "sqlite" else "%s"
    where = f'FROM {table} WHERE "seq" > {mark} AND "seq" <= {mark}'
    text = chain.message_text_sql(vendor)
    if vendor == "sqlite":
        # group_concat follows the scan order, which is seq order (the seq index). Were it
        # ever not, the bulk check would fail and the page be walked row by row: slower,
        # never wrong. A NULL message is skipped by the aggregate: the counts then differ.
        bulk = (f"SELECT count(*), CAST(group_concat({text} || char(30) || \"mac\", "
                f"char(30)) AS BLOB) {where}")
    else:
        bulk = (f"SELECT count(*), convert_to(string_agg({text} || chr(30) || \"mac\", "
                f"chr(30) ORDER BY \"seq\"), 'UTF8') {where}")
    rows = (f'SELECT "seq", "prev_mac", "mac", '
            f'{chain.MSG_SQL[vendor].format(fields=text)} {where} ORDER BY "seq"')
    return scan.Queries(bulk, rows, f'SELECT "mac" FROM {table} WHERE "seq" = {mark}')


def _worker_params(conn: BaseDatabaseWrapper) -> dict[str, Any] | None:
    """Connection parameters a fresh process can use, or None if it would not see the
    caller's data (in-memory SQLite, or entries not yet committed)."""
    if conn.in_atomic_block:
        return None
    if conn.vendor == "sqlite":
        if conn.is_in_memory_db():  # type: ignore[attr-defined]
            return None
        params = conn.get_connection_params()
        return {"database": str(params["database"]), "uri": bool(params.get("uri"))}
    # PostgreSQL: the plain values only (host, port, dbname, user, password, options);
    # Django's cursor class and adapters stay behind.
    return {k: v for k, v in conn.get_connection_params().items()
            if isinstance(v, str | int) and not isinstance(v, bool)}


def walk(conn: BaseDatabaseWrapper, key: bytes, after: int, prev: str, stop: int,
         progress: Callable[[int], object], jobs: int | None = None) -> SpanResult:
    """Verify entries after+1..stop starting from `prev` (GENESIS or a checkpoint's mac).
    `jobs`: worker processes (None: one per CPU when the chain is long enough)."""
    if stop <= after:
        return SpanResult(prev)
    ranges = [(lo, min(lo + SPAN, stop)) for lo in range(after, stop, SPAN)]
    if jobs is None:
        jobs = default_jobs() if stop - after >= PARALLEL_MIN else 1
    params = _worker_params(conn) if jobs > 1 and len(ranges) > 1 else None
    if params is None:
        conn.ensure_connection()
        scanner = scan.Scanner(conn.connection, queries(conn.vendor), key, conn.vendor)
        result = SpanResult(prev)
        for lo, hi in ranges:
            result = scanner.span(lo, hi, result.last_mac, progress)
            if result.broken is not None:
                break
        return result
    return _walk_parallel(conn.vendor, params, key, ranges, prev, progress,
                          min(jobs, len(ranges)))


def _walk_parallel(vendor: str, params: dict[str, Any], key: bytes,
                   ranges: list[tuple[int, int]], prev: str,
                   progress: Callable[[int], object], jobs: int) -> SpanResult:
    """Verify the spans in `jobs` worker processes and join the results in seq order;
    stop as soon as the first broken link is known. Fresh interpreters ("spawn"): a forked
    child would inherit the caller's open connections and SQLite lock state. As with every
    spawned pool, the caller's main module is imported by each worker, so a script that
    verifies guards its entry point (`if __name__ == "__main__"`; the CLI and gunicorn do)."""
    init = (vendor, params, astuple(queries(vendor)), key)
    pool = ProcessPoolExecutor(max_workers=jobs, mp_context=get_context("spawn"))
    try:
        # Span 0 starts from the caller's `prev`; every other from the stored mac before it.
        futures = [pool.submit(scan.check_span, init, lo, hi, prev if i == 0 else None)
                   for i, (lo, hi) in enumerate(ranges)]
        result = SpanResult(prev)
        for (lo, hi), future in zip(ranges, futures, strict=True):
            try:
                result = SpanResult(*future.result())
            except Exception as exc:  # a worker that cannot answer gives no verdict
                raise VaultError("an audit verification worker failed: "
                                 f"{type(exc).__name__}: {exc}") from exc
            if result.broken is not None:
                return result
            progress(hi - lo)
        return result
    finally:
        pool.shutdown(wait=True, cancel_futures=True)

