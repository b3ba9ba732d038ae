"""What the back office shows of server access outside its pages (#15): the labels of a
request's status and basis, and the dashboard's lines of access requests waiting for a
second pair of eyes (A1, four-eyes), registered in AccessConfig.ready()."""

from __future__ import annotations

from typing import Any

from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from privacydesk.access.models import AccessRequest
from privacydesk.staff.labels import register_labels
from privacydesk.staff.workqueue import WorkItem, WorkSource, register_work_source

QUEUE_LINES = 10
STATUS_LABELS = {AccessRequest.PENDING: _("waiting for approval"),
                 AccessRequest.APPROVED: _("approved"), AccessRequest.REFUSED: _("refused")}
BASIS_LABELS = {AccessRequest.AGREEMENT: _("service agreement"),
                AccessRequest.REPAIR: _("urgent repair the client asked for")}


def register() -> None:
    register_labels("access_status", STATUS_LABELS)
    register_labels("access_basis", BASIS_LABELS)
    register_work_source(WorkSource(
        key="access", heading=_("Access requests to approve"), permission="grant_access",
        items=queue_items, order=50, more_url=reverse_lazy("access:all")))


def queue_items(user: Any) -> list[WorkItem]:
    """Pending access requests, oldest first; one's own is listed too (another must
    approve it: the four-eyes rule lives in access.grants)."""
    now = timezone.now()
    items = []
    for r in (AccessRequest.objects.filter(status=AccessRequest.PENDING)
              .select_related("server").order_by("requested_at")[:QUEUE_LINES]):
        minutes = max(0, int((now - r.requested_at).total_seconds() // 60))
        items.append(WorkItem(
            text=str(_("%(who)s asks for %(host)s")) % {"who": r.requested_by,
                                                         "host": r.server.host},
            url=str(reverse_lazy("access:all")),
            due_text=ngettext("waiting %(n)d minute", "waiting %(n)d minutes", minutes)
            % {"n": minutes}))
    return items
