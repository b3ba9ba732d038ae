"""What the back office shows of incidents outside their page (#15): the labels of an
incident's kind, status and source, and the work-queue lines of breaches whose 72-hour
clock runs (Art. 33(1)): not yet reported to the authority, most urgent first."""

from __future__ import annotations

from typing import Any

from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from privacydesk.incidents.models import Incident, IncidentKind, IncidentStatus
from privacydesk.incidents.retention import RECORD, REPORTER
from privacydesk.incidents.services import hours_left
from privacydesk.policy import clock
from privacydesk.policy.incidents import DOCUMENTATION_RULE, REPORTER_RULE
from privacydesk.staff.labels import extend_labels, register_labels
from privacydesk.staff.workqueue import CALM, LATE, SOON, WorkItem, WorkSource, register_work_source

SOURCE_LABELS = {"web_form": _("web form"), "mailbox": _("e-mail"),
                 "staff": _("entered by staff")}
#: Fewer hours than this left on the 72-hour clock colours a line.
SOON_HOURS = 24


def register() -> None:
    """Make the incident codes and the queue's section known to the back office."""
    register_labels("incident_kind", dict(IncidentKind.choices))
    register_labels("incident_status", dict(IncidentStatus.choices))
    register_labels("incident_source", SOURCE_LABELS)
    # Sec5/R1: the register's own retention rules and what they delete (retention plan).
    extend_labels("rule", {REPORTER_RULE: _("Incident reporter's contact data (Sec5)"),
                           DOCUMENTATION_RULE: _("Incident documentation (Art. 33(5))")})
    extend_labels("category", {REPORTER: _("Incident reporter's contact data"),
                               RECORD: _("Incident record")})
    register_work_source(WorkSource(
        key="incidents", heading=_("Breaches on the 72-hour clock"),
        permission="manage_incidents", items=queue_items, order=20,
        more_url=reverse_lazy("incidents:list")))


def queue_items(user: Any) -> list[WorkItem]:
    """Breaches not yet reported to the authority, nearest deadline first."""
    now = clock.now()
    items = []
    for incident in (Incident.objects.filter(kind=IncidentKind.BREACH, reported_at__isnull=True,
                                             authority_deadline__isnull=False)
                     .exclude(status=IncidentStatus.CLOSED).order_by("authority_deadline")):
        deadline, hours = incident.authority_deadline, hours_left(incident, now)
        assert deadline is not None and hours is not None  # filtered above
        due = clock_text(hours)
        items.append(WorkItem(
            text=str(_("Breach #%(number)s: report it to the authority"))
            % {"number": incident.pk},
            url=reverse("incidents:list") + f"#incident-{incident.pk}", due=deadline,
            due_text=due, urgency=LATE if hours < 0 else SOON if hours < SOON_HOURS else CALM))
    return items


def clock_text(hours: int) -> str:
    """The 72-hour clock in words: "n hours left", or "n hours late" when `hours` < 0."""
    if hours < 0:
        return ngettext("%(n)d hour late", "%(n)d hours late", -hours) % {"n": -hours}
    return ngettext("%(n)d hour left", "%(n)d hours left", hours) % {"n": hours}
