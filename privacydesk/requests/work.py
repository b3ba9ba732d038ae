"""What the back office shows of requests outside their own pages (#15): the labels of a
request's kind, status and channel, and the dashboard's work-queue lines (registered in
RequestsConfig.ready(); the staff package imports nothing of this app).

A line of the queue is an open request with the days left on the one-week promise (Rt6):
"soon" with fewer than two days left, "late" once the promise has passed.
"""

from __future__ import annotations

import math
from datetime import datetime
from typing import Any

from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from privacydesk.requests import clock, kinds
from privacydesk.requests.models import Channel, DataSubjectRequest, Status
from privacydesk.staff.labels import register_labels
from privacydesk.staff.person_labels import may_see_names
from privacydesk.staff.workqueue import CALM, LATE, SOON, WorkItem, WorkSource, register_work_source

# Staff words for the kinds (the person reads kinds.LABELS: "inzage in uw gegevens").
KIND_LABELS = {
    kinds.ACCESS: _("Access (Art. 15)"),
    kinds.RECTIFICATION: _("Correction (Art. 16)"),
    kinds.ERASURE: _("Erasure (Art. 17)"),
    kinds.PORTABILITY: _("Portability (Art. 20)"),
    kinds.OBJECTION: _("Objection (Art. 21)"),
    kinds.RESTRICTION: _("Restriction (Art. 18)"),
    kinds.TRIAGE: _("To be decided (triage)"),
    kinds.NONE: _("Not a request"),
}

# The timeline's steps (events.log actions) in staff words.
EVENT_LABELS = {
    "received": _("received"),
    "kind_set": _("kind set"),
    "identity_checked": _("register searched"),
    "verification_sent": _("confirmation link sent"),
    "verification_failed": _("confirmation link could not be sent"),
    "verified": _("verified"),
    "matched": _("matched to a person"),
    "no_data_held": _("no data held"),
    "export_ready": _("export ready"),
    "downloaded": _("download link used"),
    "corrected": _("data corrected"),
    "erased": _("data erased"),
    "systems_erased": _("erased in the other systems"),
    "systems_corrected": _("correction passed to the other systems"),
    "restricted": _("restricted"),
    "objection_upheld": _("objection upheld"),
    "answered": _("answered"),
    "reminder": _("reminder sent"),
    "escalated": _("escalated to the privacy officer"),
    "closed": _("closed"),
    "contact_cleared": _("requester's details removed"),
}

#: Fewer days than this left on the promise colours a line (the issue: "under two days").
SOON_DAYS = 2
QUEUE_LINES = 10


def register() -> None:
    """Make the request codes and the queue's section known to the back office."""
    register_labels("request_kind", KIND_LABELS)
    register_labels("request_status", dict(Status.choices))
    register_labels("request_channel", dict(Channel.choices))
    register_labels("request_event", EVENT_LABELS)
    register_work_source(WorkSource(
        key="requests", heading=_("Open requests by days left"),
        permission="handle_requests", items=queue_items, order=10,
        more_url=reverse_lazy("requests:list")))


def days_left(deadline: datetime, now: datetime) -> int:
    """Whole days until `deadline` (negative once it passed), as DataSubjectRequest.days_left
    counts the promise; used for both clocks (Rt6 and Art. 12(3))."""
    return math.floor((deadline - now).total_seconds() / 86400)


def urgency(days: int) -> str:
    """"late" past the promise, "soon" with fewer than SOON_DAYS days left, "" otherwise."""
    return LATE if days < 0 else SOON if days < SOON_DAYS else CALM


def days_text(days: int) -> str:
    """The clock in words: "3 days left", "today", "2 days late"."""
    if days < 0:
        return ngettext("%(n)d day late", "%(n)d days late", -days) % {"n": -days}
    if days == 0:
        return str(_("due today"))
    return ngettext("%(n)d day left", "%(n)d days left", days) % {"n": days}


def requester_name(request: DataSubjectRequest) -> str:
    """The requester's name as they wrote it (sealed, opened here); "—" once cleared."""
    return request.contact()["name"] or "—"


def queue_items(user: Any, now: datetime | None = None) -> list[WorkItem]:
    """The open requests with the fewest days left first (at most QUEUE_LINES)."""
    moment = now or timezone.now()
    names = may_see_names(user)   # Sec1: the requester's name only for roles that see names
    items = []
    for request in clock.open_requests()[:QUEUE_LINES]:
        days = request.days_left(moment)
        items.append(WorkItem(
            text=" · ".join([request.reference, str(KIND_LABELS.get(request.kind, request.kind)),
                             *([requester_name(request)] if names else [])]),
            url=reverse("requests:detail", kwargs={"uid": request.uid}),
            due=request.statement_deadline, due_text=days_text(days), urgency=urgency(days)))
    return items
