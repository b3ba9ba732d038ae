"""The systems' lines of `privacydesk check` (#16): access, correction and erasure reach
every system the policy declares.

The statement promises the rights for *all* of a person's data (Rt1..Rt3), and the policy's
`[[systems]]` names where those data live. The promise lines (one per statement promise,
`registry.check`) stay as they are; the systems get lines of their own, each with an id
instead of a promise id, reported apart and counted apart ("N lines: ..."): the table prints
them first and still ends with the promises' summary line; JSON has them under "lines".

    @system_line("systems-declared", "Every declared system is reached ...", "Rt1 Rt2 Rt3")
    def systems_declared() -> CheckResult: ...

A line is a check like a promise's (the same statuses, `result`/`verdict`, pseudonymous
details, never a URL or credential). `run_system_lines()` runs them in registration order
with the runner's rules: Unavailable -> not-verifiable; any other exception -> fail naming
only its type. Other modules register lines by importing `system_line`; they are listed in
`LINE_MODULES` (the rights' lines about erasure receipts and scans live in
privacydesk.check.system_rights).
"""

from __future__ import annotations

import concurrent.futures
import importlib
import os
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace

from privacydesk.check.common import plural
from privacydesk.check.registry import (
    FAIL,
    IDLE,
    PASS,
    WARN,
    CheckResult,
    result,
)
from privacydesk.check.runner import guarded, need_app
from privacydesk.policy.active import get_policy

#: Modules whose @system_line decorators register lines, imported before a run.
LINE_MODULES: tuple[str, ...] = ("privacydesk.check.system_rights",
                                  "privacydesk.check.system_retention")

LineFn = Callable[[], CheckResult]
_URL_VARIABLE = re.compile(r"PRIVACYDESK_SYSTEM_[A-Z0-9_]+_URL")


@dataclass(frozen=True)
class SystemLine:
    id: str            # shown where a promise line shows its promise id
    title: str
    fn: LineFn
    promises: str = ""   # the promises it serves, e.g. "Rt1 Rt2 Rt3" (in the title)


LINES: dict[str, SystemLine] = {}


def system_line(line_id: str, title: str, promises: str = "") -> Callable[[LineFn], LineFn]:
    """Register `fn` as the systems' line `line_id` (one function per id)."""

    def register(fn: LineFn) -> LineFn:
        if line_id in LINES and LINES[line_id].fn.__qualname__ != fn.__qualname__:
            raise ValueError(f"systems line {line_id!r} has a check already")
        LINES[line_id] = SystemLine(line_id, title, fn, promises)
        return fn

    return register


def _load() -> None:
    for name in LINE_MODULES:
        importlib.import_module(name)


def line_ids() -> list[str]:
    """The ids of every systems' line, in registration order."""
    _load()
    return list(LINES)


def run_system_lines(only: Iterable[str] | None = None) -> list[CheckResult]:
    """Run the lines `only` names (None: all) in registration order; ValueError for an
    unknown id. Each result's `promise` field holds the line id."""
    _load()
    wanted = list(LINES) if only is None else list(only)
    unknown = [w for w in wanted if w not in LINES]
    if unknown:
        raise ValueError(f"unknown systems line {unknown[0]!r}; known: {', '.join(LINES)}")
    return [_run(LINES[w]) for w in LINES if w in wanted]


def _run(entry: SystemLine) -> CheckResult:
    title = f"{entry.title} ({entry.promises})" if entry.promises else entry.title
    return replace(guarded(entry.id, entry.fn), promise=entry.id, title=title)


# --- systems-declared (#16.1) ----------------------------------------------------------------
def _staffed_roles() -> set[str]:
    need_app("staff", "the staff package (privacydesk.staff)")
    from privacydesk.staff.models import StaffUser

    return set(StaffUser.objects.filter(is_active=True).exclude(staff_role="")
               .values_list("staff_role", flat=True).distinct())


@system_line("systems-declared", "Every declared system is reached: connected, manual with "
             "an owner, or the register", "Rt1 Rt2 Rt3")
def systems_declared() -> CheckResult:
    """PASS when every system the policy declares is reached here: a connected system
    (its URL variable set, naming a declared host), or a manual system / the register whose
    owner role has an active staff account (a manual task goes to that role). WARN for a
    declared system with a connector whose URL is not set (declared, not connected: the
    rights do not reach it here yet; it never blocks the register's requests) and for a
    register whose owner role has no account. FAIL for a URL whose host the declaration
    does not name (its connector refuses every call) and for a manual system whose owner
    role has nobody to do the work. Also WARN for a PRIVACYDESK_SYSTEM_<ID>_URL naming no
    declared system (a typo leaves the meant system unconnected). Never a URL in the
    details (credentials)."""
    from privacydesk.systems.connector import Connection, ConnectorError, check_host
    from privacydesk.systems.registry import connection_url, url_variable

    systems = get_policy().systems
    staffed = _staffed_roles()
    failures: list[str] = []
    warnings: list[str] = []
    fine: list[str] = []
    for system in systems:
        if system.connector == "register":
            # privacydesk reaches its own register whoever owns it; the owner reviews it.
            if system.owner in staffed:
                fine.append(f"{system.id}: the register, owned by staff role "
                            f"{system.owner!r}")
            else:
                warnings.append(f"{system.id}: its owner, staff role {system.owner!r}, has "
                                "no active staff account")
            continue
        if system.connector == "manual":
            # Reached only by its owner's staff: nobody there, and a request's task in it
            # can never be confirmed (Rt1..Rt3 stay undone).
            if system.owner in staffed:
                fine.append(f"{system.id}: manual tasks go to staff role {system.owner!r}")
            else:
                failures.append(f"{system.id}: manual tasks go to staff role "
                                f"{system.owner!r}, which has no active staff account")
            continue
        url, variable = connection_url(system.id), url_variable(system.id)
        if url is None:
            warnings.append(f"{system.id}: declared but not connected here; set {variable}")
            continue
        try:
            check_host(Connection(system.id, url, system.dataset, system.hosts))
        except ConnectorError:
            failures.append(f"{system.id}: {variable} names a host that is not among the "
                            f"declared hosts ({', '.join(system.hosts)})")
            continue
        fine.append(f"{system.id}: connected ({system.connector})")
    # A variable for a system the policy does not declare is a typo or a leftover: the
    # system it meant shows as not connected, or data sit where no declaration covers them.
    declared = {url_variable(s.id) for s in systems}
    warnings += [f"{name} is set, but the policy declares no system "
                 f"{name.removeprefix('PRIVACYDESK_SYSTEM_').removesuffix('_URL').lower()!r}"
                 for name in sorted(os.environ) if _URL_VARIABLE.fullmatch(name)
                 and name not in declared and os.environ[name].strip()]
    details = [*failures, *warnings, *fine]
    total = plural(len(systems), "declared system")
    if failures:
        return result("systems-declared", FAIL, f"{len(failures)} of {total} cannot be "
                      "reached as declared", details)
    if warnings:
        return result("systems-declared", WARN, f"{plural(len(warnings), 'thing')} to act "
                      f"on for {total}: not connected here, the register without an owner's "
                      "account, or a URL variable for no declared system", details)
    return result("systems-declared", PASS, f"all {total} reached", details)


@system_line("systems-reachable", "Every connected system answers now, with its credentials "
             "and its declared dataset", "Rt1 Rt2 Rt3")
def systems_reachable() -> CheckResult:
    """PASS when every connected system answers its connector's `ping` (reached, the
    credentials accepted, the declared tables / folders / bases / resources there), asked
    all at once, each within its own timeout. FAIL naming each system that does not, with
    the kind of failure (unreachable, timeout, refused, garbage, misdeclared) and never its
    URL or message: a request's search there would fail the same way and block its answer
    (Rt1) or its erasure (Rt3). IDLE when no system is connected here (the register alone:
    nothing to ask; `systems-declared` warns about the declared ones)."""
    from privacydesk.systems import calls, declared

    connected = [s for s in declared.systems() if s.reached() == declared.CONNECTED]
    if not connected:
        return result("systems-reachable", IDLE, "no system is connected here")

    def ping(system: declared.Declared) -> calls.Failure | None:
        answer = calls.guarded(system, lambda: calls.connector_of(system).ping())
        return answer if isinstance(answer, calls.Failure) else None

    with concurrent.futures.ThreadPoolExecutor(max_workers=calls.MAX_PARALLEL) as pool:
        answers = list(pool.map(ping, connected))
    failures = [f"{system.id}: {failure.kind}"
                for system, failure in zip(connected, answers, strict=True) if failure]
    fine = [f"{system.id}: answers" for system, failure in zip(connected, answers, strict=True)
            if failure is None]
    total = plural(len(connected), "connected system")
    if failures:
        return result("systems-reachable", FAIL,
                      f"{len(failures)} of {total} did not answer as declared",
                      [*failures, *fine])
    return result("systems-reachable", PASS, f"all {total} answer", fine)
