"""The check registry: one function per promise id, each proving its promise on live data.

Contract for a check: `@check("C3", "Financial data only for customers, prospects, employees")`
on a function taking no arguments and returning a `CheckResult`. A check reads the live
database and configuration, asks the policy for every rule (never a copy of one), and
reports only pseudonymous refs, ids and counts in `details` — never a name, address or value.
A check that cannot look at what its promise needs says so with NOT_VERIFIABLE and a reason:
nothing that was not checked is ever reported as passing. A check whose population is empty
(0 callbacks, 0 requests, 0 grants …) says so with IDLE ("nothing to check yet") — the
promise was not contradicted, but nothing proved it either (`idle()` / `verdict(...,
examined=0)`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from typing import Any

PASS = "pass"
FAIL = "fail"
WARN = "warn"
NOT_VERIFIABLE = "not-verifiable"
#: Nothing to examine yet: the check ran, but its population (requests, grants, …) is empty.
IDLE = "idle"
#: In the order the reports count them (summary line): pass, idle, warn, fail, not-verifiable.
STATUSES = (PASS, IDLE, WARN, FAIL, NOT_VERIFIABLE)

#: The promise ids of the privacy statement, in the statement's order (promises.md).
PROMISES: tuple[str, ...] = (
    "S1", "C1", "C2", "C3", "C4", "C5", "P1", "P2", "P3", "R1", "R2", "R3", "D1", "D2", "D3",
    "W1", "W2", "W3", "Rt1", "Rt2", "Rt3", "Rt4", "Rt5", "Rt6", "Sec1", "Sec2", "Sec3", "Sec4",
    "Sec5", "A1", "A2", "Id1",
)

#: At most this many detail lines per result; the rest is summarised as a count.
MAX_DETAILS = 25


@dataclass(frozen=True)
class CheckResult:
    """The outcome of one promise's check. `details`: pseudonymous refs and counts only."""

    promise: str
    status: str
    summary: str
    details: list[str] = field(default_factory=list)
    title: str = ""

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


CheckFn = Callable[[], CheckResult]


@dataclass(frozen=True)
class Registered:
    promise: str
    title: str
    fn: CheckFn


REGISTRY: dict[str, Registered] = {}


def check(promise: str, title: str) -> Callable[[CheckFn], CheckFn]:
    """Register `fn` as the check of `promise` (one check per promise id)."""
    if promise not in PROMISES:
        raise ValueError(f"{promise!r} is not a promise id of the statement")

    def register(fn: CheckFn) -> CheckFn:
        if promise in REGISTRY and REGISTRY[promise].fn.__qualname__ != fn.__qualname__:
            raise ValueError(f"promise {promise} has a check already")
        REGISTRY[promise] = Registered(promise, title, fn)
        return fn

    return register


def result(promise: str, status: str, summary: str,
           details: Iterable[str] = ()) -> CheckResult:
    """Build a result, capping the details at MAX_DETAILS lines."""
    if status not in STATUSES:
        raise ValueError(f"unknown status {status!r}")
    lines = list(details)
    if len(lines) > MAX_DETAILS:
        rest = len(lines) - MAX_DETAILS
        lines = lines[:MAX_DETAILS] + [f"... and {rest} more"]
    return CheckResult(promise, status, summary, lines)


def verdict(promise: str, failures: list[str], ok_summary: str,
            fail_summary: str, info: Iterable[str] = (),
            examined: int | None = None, idle_summary: str = "") -> CheckResult:
    """PASS with `ok_summary` when `failures` is empty, else FAIL listing them first.

    `examined`: how many things the check looked at; 0 (with no failures) makes the result
    IDLE with `idle_summary` (default "nothing to check yet") instead of PASS.
    """
    if failures:
        return result(promise, FAIL, fail_summary, [*failures, *info])
    if examined == 0:
        return idle(promise, idle_summary or "nothing to check yet", info)
    return result(promise, PASS, ok_summary, info)


def idle(promise: str, summary: str = "nothing to check yet",
         details: Iterable[str] = ()) -> CheckResult:
    """IDLE: the check ran and found nothing to examine (`summary` says what is empty)."""
    return result(promise, IDLE, summary, details)


def not_verifiable(promise: str, reason: str) -> CheckResult:
    return result(promise, NOT_VERIFIABLE, reason)
