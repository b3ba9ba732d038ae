"""Lines of `privacydesk check`'s Rt3 and C2 about the company's other systems (#16.3).

- Rt3 (`erasure_lines`): every erasure receipt covers every declared
  system that holds the person's categories, each line settled with nothing left at the
  re-search; no erasure was answered while a system's task was still open.
- C2 (`scan_lines`): each connected system's last scan (`SystemScan`,
  `privacydesk systems scan`) lies within the policy's `scan_interval` for it, so what the
  system holds is known — a system never scanned or scanned too long ago fails, and so does
  one whose last scan found data of a category the policy does not allow there (C2–C5); one
  that is declared but not connected here is named (nobody can scan it).

Requests and persons are named by reference and pseudonymous ref only, never a value.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from privacydesk.check.common import plural
from privacydesk.check.common import request_ref as _ref
from privacydesk.policy import clock
from privacydesk.policy.dates import add_period

#: Receipt statuses that settle a system's line (SystemTask.SETTLED, as stored).
_SETTLED = ("done", "kept", "confirmed", "not_connected", "resolved")


def _holding(systems: Any, categories: set[str]) -> set[str]:
    return {s.id for s in systems if s.connector != "register" and set(s.categories) & categories}


def erasure_lines() -> tuple[list[str], list[str]]:
    """(failures, info) for Rt3: see the module doc. A receipt made before the systems'
    lines existed (no systems section) is a failure only when a system that holds the
    person's categories is connected or manual here."""
    from privacydesk.policy.active import get_policy
    from privacydesk.requests.models import DataSubjectRequest
    from privacydesk.systems.models import SystemTask

    systems = get_policy().systems
    reached_here = {s.id for s in systems if s.connector == "manual"
                    or (s.connector != "register" and _connected(s.id))}
    failures: list[str] = []
    not_connected = 0
    answered = (DataSubjectRequest.objects.filter(kind="erasure", answered_at__isnull=False)
                .values_list("uid", "detail"))
    for uid, detail in answered:
        receipt = (detail or {}).get("receipt") if isinstance(detail, dict) else None
        if not receipt or receipt.get("partial"):
            continue
        categories = {d["category"] for d in receipt.get("deleted", ())} | {
            k["category"] for k in receipt.get("kept", ())}
        lines = {line["system"]: line for line in receipt.get("systems", ())}
        needed = _holding(systems, categories)
        missing = sorted(needed - set(lines)) if lines or "systems_settled_at" in detail \
            else sorted(needed & reached_here)
        if missing:
            failures.append(f"erasure {_ref(uid)}: the receipt does not cover "
                            f"{', '.join(missing)}")
        for system, line in sorted(lines.items()):
            if line["status"] not in _SETTLED:
                failures.append(f"erasure {_ref(uid)}: answered while {system} was "
                                f"{line['status']}")
            elif line.get("remaining"):
                failures.append(f"erasure {_ref(uid)}: {system} still held "
                                f"{plural(line['remaining'], 'record')} at the re-search")
            elif line["status"] == "not_connected":
                not_connected += 1
    open_after = (SystemTask.objects.filter(action=SystemTask.ERASE,
                                            status__in=SystemTask.OPEN)
                  .values_list("request_uid", flat=True).distinct())
    answered_open = DataSubjectRequest.objects.filter(uid__in=list(open_after),
                                                      answered_at__isnull=False)
    failures += [f"erasure {_ref(uid)}: answered while a system's erasure is still open"
                 for uid in answered_open.values_list("uid", flat=True)[:25]]
    info = [f"{plural(not_connected, 'receipt line')} for systems not connected here "
            "(not searched automatically)"] if not_connected else []
    return failures, info


def _connected(system_id: str) -> bool:
    from privacydesk.systems.registry import connection_url

    return connection_url(system_id) is not None


def scan_lines(today: date | None = None) -> tuple[list[str], list[str]]:
    """(failures, info) for C2: see the module doc."""
    from privacydesk.policy.active import get_policy
    from privacydesk.systems.models import SystemScan

    day = today or clock.today()
    failures: list[str] = []
    info: list[str] = []
    for system in get_policy().systems:
        if system.scan_interval is None or not system.connectable:
            continue
        if not _connected(system.id):
            info.append(f"system {system.id} is declared but not connected here: not scanned")
            continue
        scan = (SystemScan.objects.filter(system=system.id, finished_at__isnull=False,
                                          error="").order_by("-finished_at").first())
        if scan is None or scan.finished_at is None:
            failures.append(f"system {system.id} was never scanned (`privacydesk systems scan "
                            f"{system.id}`)")
            continue
        last = scan.finished_at
        if add_period(clock.day_of(last), system.scan_interval) < day:
            failures.append(f"system {system.id}: last scan on {clock.day_of(last)} is older "
                            "than its scan interval")
        if scan.breaches:
            # C2-C5: data of a category the policy does not allow there, or not for the
            # people held there, were seen; named by place and category, never by value.
            places = sorted({f"{f.get('where')} ({f.get('category') or f.get('detector')})"
                             for f in scan.findings if not f.get("allowed", True)})
            failures.append(f"system {system.id}: its last scan on {clock.day_of(last)} found "
                            f"{scan.breaches} value(s) of categories the policy does not allow "
                            f"there: {', '.join(places[:5]) or 'see the scan'}")
    return failures, info

