"""The dashboard's lines of what the next sweep will delete (R1), registered in
RetentionConfig.ready(): the plan's rows due today or tomorrow (overdue ones go with the
next sweep), by person, category and rule — labels, never codes or UUIDs."""

from __future__ import annotations

from typing import Any

from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from privacydesk.retention import plan as planning
from privacydesk.staff.labels import label
from privacydesk.staff.person_labels import may_see_names, person_labels
from privacydesk.staff.workqueue import WorkItem, WorkSource, register_work_source

QUEUE_LINES = 10


def register() -> None:
    register_work_source(WorkSource(
        key="retention", heading=_("What the next sweep will delete"),
        permission="handle_requests", items=queue_items, order=60,
        more_url=reverse_lazy("retention:overview")))


def queue_items(user: Any) -> list[WorkItem]:
    """The plan's rows of today and tomorrow, earliest first."""
    rows = planning.plan(days=1)[:QUEUE_LINES]
    names = person_labels([r.person_ref for r in rows if r.person_ref],
                          with_names=may_see_names(user))
    items = []
    for row in rows:
        who = names[row.person_ref] if row.person_ref else str(_("Incident register"))
        what = ngettext("%(n)d datum", "%(n)d data", row.count) % {"n": row.count}
        items.append(WorkItem(
            text=f"{who} · {label('category', row.category)} · {what}",
            url=reverse("retention:person_holds", kwargs={"ref": row.person_ref})
            if row.person_ref else str(reverse_lazy("retention:overview")),
            due_text=f"{row.date.strftime('%d-%m-%Y')} · {label('rule', row.rule_id)}"))
    return items
