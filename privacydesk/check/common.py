"""Helpers shared by the checks: counts grouped by pseudonymous person ref, plurals."""

from __future__ import annotations

from uuid import UUID

from django.db.models import Count, QuerySet

from privacydesk.check.registry import MAX_DETAILS


def per_person(qs: QuerySet, label: str) -> list[str]:
    """Lines "person <ref>: <n> <label>" for the rows of `qs` (which has a `person` FK),
    most rows first. The ref is the person's pseudonymous UUID, never a name."""
    rows = (qs.order_by().values("person__ref").annotate(n=Count("pk"))
            .order_by("-n", "person__ref")[:MAX_DETAILS])
    return [f"person {row['person__ref']}: {row['n']} {label}" for row in rows]


def request_ref(uid: UUID) -> str:
    """A request's reference as the person and staff quote it ("VZ-1A2B3C4D")."""
    return f"VZ-{uid.hex[:8].upper()}"


_IRREGULAR = {"datum": "data", "entry": "entries"}


def plural(n: int, word: str) -> str:
    """"1 row", "2 rows", "3 breaches", "4 data" (the last word of `word` is inflected)."""
    if n == 1:
        return f"{n} {word}"
    head, _, last = word.rpartition(" ")
    if last in _IRREGULAR:
        last = _IRREGULAR[last]
    elif last.endswith(("ch", "sh", "s", "x")):
        last += "es"
    elif last.endswith("y") and last[-2:-1] not in "aeiou":
        last = last[:-1] + "ies"
    else:
        last += "s"
    return f"{n} {head + ' ' if head else ''}{last}"


def job_stopped(name: str) -> list[str]:
    """A failure line when the periodic job `name` (privacydesk/jobs: "retention-sweep",
    "requests-tick", "audit-anchor"), once scheduled, has not succeeded within its grace
    period — the promise it serves is then no longer kept by itself. Nothing before a worker
    ever scheduled it (a system just started)."""
    from privacydesk.jobs.health import overdue_line
    from privacydesk.jobs.periodic import BY_NAME

    line = overdue_line(BY_NAME[name])
    return [line] if line else []
