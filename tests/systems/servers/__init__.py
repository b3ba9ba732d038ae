"""Real servers for the systems' tests, started and stopped by the tests (#16.2).

A fixture imported into several test modules is registered once per module, so pytest would
start a session-scoped server once per module that imports it (Redmine four times a run).
`shared` keeps one running instance per process instead: the first fixture that asks starts
it, the last one to finish stops it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any, TypeVar

T = TypeVar("T")

# key -> [the server's generator, what it yielded, how many fixtures use it now]
_RUNNING: dict[str, list[Any]] = {}


def shared(key: str, start: Callable[[], Iterator[T]]) -> Iterator[T]:
    """Yield the one running instance of `key`: `start()` is a generator that yields the
    running server once and stops it when closed, as a fixture body would."""
    entry = _RUNNING.get(key)
    if entry is None:
        server = start()
        entry = _RUNNING[key] = [server, next(server), 0]
    entry[2] += 1
    try:
        yield entry[1]
    finally:
        entry[2] -= 1
        if entry[2] == 0:
            del _RUNNING[key]
            entry[0].close()
