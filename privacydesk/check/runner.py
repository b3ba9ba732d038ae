"""Run every registered check (or some) and collect their results in promise order.

`run_checks()` is the service behind `privacydesk check` and the staff page. A check that
raises `Unavailable` (a package or table its promise needs is not there yet) becomes
NOT_VERIFIABLE with the reason; any other exception becomes FAIL naming only the exception
type — an error message may quote data, and a check that could not run has not passed.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable
from dataclasses import replace

from django.apps import apps

from privacydesk.check.registry import (
    FAIL,
    NOT_VERIFIABLE,
    PROMISES,
    REGISTRY,
    CheckFn,
    CheckResult,
    result,
)

MODULES = ("categories", "purposes", "retention", "disclosure", "website", "rights",
           "security", "access", "identity")


class Unavailable(Exception):  # noqa: N818 - it is a state, not an error
    """The promise cannot be verified here: `reason` says what is missing."""


def need_app(label: str, what: str) -> None:
    """Raise Unavailable unless the Django app `label` is installed."""
    try:
        apps.get_app_config(label)
    except LookupError:
        raise Unavailable(f"{what} is not installed (app {label!r}); nothing to verify "
                          "yet") from None


def load_checks() -> None:
    """Import every check module so their @check decorators register."""
    for name in MODULES:
        importlib.import_module(f"privacydesk.check.{name}")


def guarded(promise: str, fn: CheckFn) -> CheckResult:
    """`fn()`, a failure to run reported as the module doc says."""
    try:
        return fn()
    except Unavailable as exc:
        return result(promise, NOT_VERIFIABLE, str(exc))
    except Exception as exc:  # noqa: BLE001 - reported as a failing check, never swallowed
        return result(promise, FAIL, f"the check could not run ({type(exc).__name__})")


def run_one(promise: str) -> CheckResult:
    """Run the check of `promise`; see the module doc for how failures to run are reported."""
    load_checks()
    entry = REGISTRY.get(promise)
    if entry is None:
        return result(promise, NOT_VERIFIABLE, "no check has been written for this promise")
    return replace(guarded(promise, entry.fn), title=entry.title)


def run_checks(only: Iterable[str] | None = None) -> list[CheckResult]:
    """Run the checks of `only` (default: every promise) in the statement's order.

    ValueError for an id that is not a promise of the statement.
    """
    wanted = list(only) if only else list(PROMISES)
    unknown = [p for p in wanted if p not in PROMISES]
    if unknown:
        raise ValueError(f"unknown promise id {unknown[0]!r}; known: {', '.join(PROMISES)}")
    return [run_one(p) for p in PROMISES if p in wanted]


def any_failed(results: Iterable[CheckResult]) -> bool:
    return any(r.status == FAIL for r in results)
