"""The prune jobs and plan sources of the system's own data (R1): each app registers its
own, so retention imports no capability app (#14 item 4).

A prune job is `func(day) -> int`: it deletes (or clears) what is past its policy period on
the policy day `day` and returns how many went. An app registers its jobs in its
`AppConfig.ready()`; `retention.prune.prune_system` runs every registered job, in
registration order (INSTALLED_APPS order), and reports the counts under the jobs' names,
which staff and operators see (`privacydesk retention sweep`), so a name stays stable.

A plan source is `func(until, today, lang) -> Counter[(day, category, rule_id, law)]`: what
of an app's records outside the register goes by `until` (overdue ones on `today`), with
the law in `lang`, for the retention plan (`retention.plan.plan`); no person ref.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import date
from typing import Any

PruneJob = Callable[[date], int]
PlanSource = Callable[[date, date, str], Counter[tuple[date, str, str, str]]]

_JOBS: dict[str, PruneJob] = {}
_PLAN_SOURCES: dict[str, PlanSource] = {}


def _same(a: Callable[..., Any], b: Callable[..., Any]) -> bool:
    # ready() may run twice (Django's test runner, a reload): the same function is no clash.
    return a is b or (getattr(a, "__module__", None), getattr(a, "__qualname__", None)) == \
        (getattr(b, "__module__", None), getattr(b, "__qualname__", None))


def _register(table: dict[str, Any], what: str, name: str, func: Callable[..., Any]) -> None:
    if not name.strip():
        raise ValueError(f"a {what} needs a name")
    known = table.get(name)
    if known is not None and not _same(known, func):
        raise ValueError(f"{what} {name!r} is already registered by "
                         f"{known.__module__}.{known.__qualname__}")
    table[name] = func


def register_prune_job(name: str, func: PruneJob) -> None:
    """Register `func` as the prune job called `name` (the label of its count).

    Registering the same function again under its name is a no-op; a different function
    under a name already taken raises ValueError, so two apps never share a count.
    """
    _register(_JOBS, "prune job", name, func)


def unregister_prune_job(name: str) -> None:
    """Remove the prune job `name` (an app that is switched off, a test); no-op if absent."""
    _JOBS.pop(name, None)


def prune_jobs() -> dict[str, PruneJob]:
    """The registered prune jobs by name, in registration order (a copy)."""
    return dict(_JOBS)


def register_plan_source(name: str, func: PlanSource) -> None:
    """Register `func` as the plan source called `name`; the same rules as prune jobs."""
    _register(_PLAN_SOURCES, "plan source", name, func)


def unregister_plan_source(name: str) -> None:
    """Remove the plan source `name`; no-op if absent."""
    _PLAN_SOURCES.pop(name, None)


def plan_sources() -> dict[str, PlanSource]:
    """The registered plan sources by name, in registration order (a copy)."""
    return dict(_PLAN_SOURCES)
