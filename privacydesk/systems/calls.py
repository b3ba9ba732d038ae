"""Calling connectors for the rights workflow (#16.3): several systems at once, each bounded
by its own timeout, every failure turned into a kind and a message safe to store and show.

Plain Python (the connectors have no Django): the callers record what came back. A system
that is down, slow, returns garbage or refuses credentials never stops the others (#16,
"Speed and robustness"); what it raised is redacted (`connector.redact`), and an exception
that is no ConnectorError is named by its class only — its text might quote the URL.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import TypeVar

from privacydesk.systems.connector import (
    Connector,
    ConnectorError,
    Export,
    Record,
    Subject,
    redact,
)
from privacydesk.systems.declared import Declared
from privacydesk.systems.registry import connect

T = TypeVar("T")

#: How many systems are asked at once.
MAX_PARALLEL = 8


@dataclass(frozen=True)
class Failure:
    """Why a system could not do what was asked: a ConnectorError kind and a safe message."""

    kind: str
    message: str

    def line(self) -> str:
        return f"{self.kind}: {self.message}"[:300]


@dataclass
class Searched:
    """What one system answered to a search: its records (and export files), or a failure."""

    system: Declared
    records: list[Record] = field(default_factory=list)
    exports: list[Export] = field(default_factory=list)
    failure: Failure | None = None
    #: The connector that found `records`: exporting them later asks it, so what its find
    #: just read is handed out as read (the IMAP and REST connectors keep it).
    connector: Connector | None = field(default=None, repr=False, compare=False)


def connector_of(system: Declared) -> Connector:
    """The connector of a connected system (its URL set, `reached() == CONNECTED`)."""
    return connect(system.connector, system.connection())


def close(connector: object) -> None:
    """End what `connector` holds open between its calls (the IMAP connector's session), if
    it holds anything; never raises."""
    closing = getattr(connector, "close", None)
    if callable(closing):
        with contextlib.suppress(Exception):  # the work is done; a failed logout changes nothing
            closing()


def failure_of(system: Declared, exc: BaseException) -> Failure:
    """The stored form of what a connector raised: never a credential, never a value."""
    url = system.connection().url
    if isinstance(exc, ConnectorError):
        return Failure(exc.kind, redact(str(exc), url)[:280])
    if isinstance(exc, TimeoutError | concurrent.futures.TimeoutError):
        return Failure("timeout", f"{system.id}: no answer in time")
    # Not a ConnectorError: a connector's bug or a library's error; its text may quote the
    # URL or a value, so only its class is kept (#16.2: credentials never in errors).
    return Failure("garbage", f"{system.id}: {type(exc).__name__}")


def guarded(system: Declared, call: Callable[[], T]) -> T | Failure:
    """`call()`, or the Failure it raised."""
    try:
        return call()
    except Exception as exc:
        return failure_of(system, exc)


def _search_one(system: Declared, subject: Subject, export: bool) -> Searched:
    connector = connector_of(system)
    found = Searched(system, list(connector.find(subject)), connector=connector)
    return _export_one(found) if export else found


def _export_one(found: Searched) -> Searched:
    connector = found.connector or connector_of(found.system)
    try:
        files = connector.export(found.records) if found.records else []
    finally:
        close(connector)
    return Searched(found.system, found.records, list(files), connector=connector)


def _answer(system: Declared, job: Callable[[], Searched]) -> Searched:
    """What `job` found in `system`, or the Failure it raised."""
    answer = guarded(system, job)
    return Searched(system, failure=answer) if isinstance(answer, Failure) else answer


def search(systems: Sequence[Declared], subject: Subject, *,
           export: bool = False) -> list[Searched]:
    """Ask every system in `systems` (connected ones) for `subject` at the same time and
    return their answers in the same order. Each system is bounded by its connection's
    timeout per call (the connector's contract) and, as a whole, by a few of them here: a
    system still busy then counts as "timeout" and the others' answers stand (Rt1: one
    slow system does not hold the report)."""
    return search_each([(system, subject) for system in systems], export=export)


def search_each(asked: Sequence[tuple[Declared, Subject]], *, export: bool = False,
                then_export: Sequence[Searched] = ()) -> list[Searched]:
    """`search`, with a subject of its own for each system (#16: the identities another
    system knows her by, of the kinds this one declares); answers in the same order. At the
    same time, the records of each answer in `then_export` (found before, not searched
    again) are exported; their answers follow, in their order."""
    jobs: list[tuple[Declared, Callable[[], Searched]]] = [
        (system, partial(_search_one, system, subject, export)) for system, subject in asked]
    jobs += [(found.system, partial(_export_one, found)) for found in then_export]
    if not jobs:
        return []
    answers: list[Searched | None] = [None] * len(jobs)
    pool = concurrent.futures.ThreadPoolExecutor(max_workers=min(MAX_PARALLEL, len(jobs)),
                                                 thread_name_prefix="systems-search")
    try:
        futures = {pool.submit(_answer, system, job): i for i, (system, job) in enumerate(jobs)}
        # find, then export: a handful of calls, each bounded by the timeout.
        limit = max(system.connection().timeout for system, _job in jobs) * 4 + 1
        done, _late = concurrent.futures.wait(futures, timeout=limit)
        for future in done:
            answers[futures[future]] = future.result()
    finally:
        pool.shutdown(wait=False, cancel_futures=True)
    return [answer if answer is not None else
            Searched(system, failure=Failure("timeout", f"{system.id}: no answer in time"))
            for (system, _job), answer in zip(jobs, answers, strict=True)]
