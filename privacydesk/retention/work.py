"""The dashboard's lines of what the next sweep will delete (R1), registered in
RetentionConfig.ready(): per category, how many data (of how many people) have a deletion
date on or before tomorrow — overdue ones go with the next sweep too — and the records
outside the register the apps' plan sources name (the incident register). Labels, never
codes; no name (the retention page lists the people).

Counted with one indexed COUNT per category on `delete_after` (R1's index), never by
deciding every due datum as the full plan does: the dashboard opens on every sign-in. A
legal hold already cleared the dates of what it holds (retention.services.create_hold), and
the sweep decides each datum again before it deletes, so this is what is due, not a promise
that each goes.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from privacydesk.policy import clock
from privacydesk.register.models import DATUM_MODELS
from privacydesk.retention import registry
from privacydesk.staff.labels import label, page_language
from privacydesk.staff.workqueue import WorkItem, WorkSource, register_work_source

OVERVIEW = reverse_lazy("retention:overview")


def register() -> None:
    register_work_source(WorkSource(
        key="retention", heading=_("What the next sweep will delete"),
        permission="handle_requests", items=queue_items, order=60, more_url=OVERVIEW))


def queue_items(user: Any) -> list[WorkItem]:
    """One line per category with data due by tomorrow, most data first."""
    today = clock.today()
    until = today + timedelta(days=1)
    lines: list[tuple[int, str, str]] = []
    for category, model in DATUM_MODELS.items():
        due = model._default_manager.filter(delete_after__lte=until).order_by()
        count = due.count()
        if count:
            people = due.values("person_id").distinct().count()
            lines.append((count, label("category", category), " · ".join((
                ngettext("%(n)d datum", "%(n)d data", count) % {"n": count},
                ngettext("%(n)d person", "%(n)d people", people) % {"n": people}))))
    # Records outside the register (each app's plan source, e.g. the incident register).
    for source in registry.plan_sources().values():
        for (_when, category, _rule, _law), n in source(until, today, page_language()).items():
            lines.append((n, label("category", category),
                          ngettext("%(n)d record", "%(n)d records", n) % {"n": n}))
    day = until.strftime("%d-%m-%Y")
    return [WorkItem(text=f"{what} · {count_text}", url=str(OVERVIEW),
                     due_text=str(_("due on or before %(day)s")) % {"day": day})
            for _n, what, count_text in sorted(lines, key=lambda line: -line[0])]
