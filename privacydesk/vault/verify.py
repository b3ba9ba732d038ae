"""Walking the audit chain for `audit.verify()`: in this process, or in worker processes.

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
import pickle
import selectors
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import astuple
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
    if conn.vendor not in chain.MSG_SQL:
        return _walk_generic(conn, key, after, prev, stop, progress)
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
    """Hand the spans to `jobs` worker processes, one span at a time each, and join the
    results in seq order; stop as soon as the first broken link is known."""
    init = pickle.dumps((vendor, params, astuple(queries(vendor)), key))
    workers = [subprocess.Popen([sys.executable, "-P", scan.__file__], stdin=subprocess.PIPE,
                                stdout=subprocess.PIPE) for _ in range(jobs)]
    results: dict[int, SpanResult] = {}
    busy: dict[int, int] = {}  # worker index -> span index
    todo = iter(range(len(ranges)))
    try:
        with selectors.DefaultSelector() as sel:
            for w, proc in enumerate(workers):
                assert proc.stdin is not None and proc.stdout is not None
                proc.stdin.write(init)
                sel.register(proc.stdout, selectors.EVENT_READ, w)
                _assign(proc, w, todo, ranges, prev, busy)
            done = 0
            while done < len(ranges):
                for event, _ in sel.select():
                    w = event.data
                    results[busy.pop(w)] = _answer(workers[w])
                    _assign(workers[w], w, todo, ranges, prev, busy)
                    if w not in busy:  # no span left for it: it is ending
                        sel.unregister(event.fileobj)
                while done in results:  # report progress and stop in seq order
                    if results[done].broken is not None:
                        return results[done]
                    progress(ranges[done][1] - ranges[done][0])
                    done += 1
        return results[len(ranges) - 1]
    finally:
        for proc in workers:
            _stop(proc)


def _assign(proc: subprocess.Popen[bytes], w: int, todo: Iterator[int],
            ranges: list[tuple[int, int]], prev: str, busy: dict[int, int]) -> None:
    assert proc.stdin is not None
    i = next(todo, None)
    if i is None:
        proc.stdin.close()  # end of input: the worker exits
        return
    busy[w] = i
    # Span 0 starts from the caller's `prev`; every other from the stored mac before it.
    pickle.dump((*ranges[i], prev if i == 0 else None), proc.stdin)
    proc.stdin.flush()


def _answer(proc: subprocess.Popen[bytes]) -> SpanResult:
    assert proc.stdout is not None
    try:
        answer = pickle.load(proc.stdout)  # noqa: S301  (our own child process)
    except EOFError:
        raise VaultError(f"an audit verification worker stopped (exit {proc.wait()})")
    if answer[0] != "ok":
        raise VaultError(f"an audit verification worker failed: {answer[1]}")
    return SpanResult(*answer[1:])


def _stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None and proc.stdin is not None and not proc.stdin.closed:
        proc.kill()  # still busy with a span whose result no longer matters
    for pipe in (proc.stdin, proc.stdout):
        if pipe is not None and not pipe.closed:
            pipe.close()
    proc.wait()


def _walk_generic(conn: BaseDatabaseWrapper, key: bytes, after: int, prev: str, stop: int,
                  progress: Callable[[int], object]) -> SpanResult:
    """Other databases: the row-by-row walk over Django's cursor (chain.iter_links)."""
    macer = chain.EntryMac(key)
    expected = after + 1
    for rows in chain.iter_links(conn, after, stop):
        for seq, pmac, mac, msg in rows:
            if seq != expected:
                return SpanResult(None, expected, f"entry {expected} is missing (removed)")
            if pmac != prev:
                return SpanResult(None, seq, "prev_mac does not match the previous entry")
            if macer.hexdigest(msg) != mac:
                return SpanResult(None, seq, scan.ALTERED)
            prev, expected = mac, expected + 1
        progress(len(rows))
    if expected <= stop:
        return SpanResult(prev, expected, f"entry {expected} is missing (removed)", short=True)
    return SpanResult(prev)
