"""The dashboard's lines of consent requests waiting for the person (D3), registered in
DisclosureConfig.ready(): the recipient and the person by name and short reference, with
when the person's link expires."""

from __future__ import annotations

from typing import Any

from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext_lazy as _

from privacydesk.disclosure.models import ConsentRequest, ConsentStatus
from privacydesk.policy import clock
from privacydesk.staff.labels import register_labels
from privacydesk.staff.person_labels import may_see_names, person_labels
from privacydesk.staff.workqueue import WorkItem, WorkSource, register_work_source

QUEUE_LINES = 10


# The gate's roads (models.Basis) and a consent request's state (ConsentRequest.state) in
# staff words; the model's choices are English and not translated.
BASIS_LABELS = {"agreement": _("agreement (D1, D2)"),
                "legal_obligation": _("legal obligation (D1)"), "consent": _("consent (D3)")}
STATE_LABELS = {ConsentStatus.PENDING: _("waiting for the person"),
                ConsentStatus.GRANTED: _("granted"), ConsentStatus.REFUSED: _("refused"),
                ConsentStatus.WITHDRAWN: _("withdrawn"),
                "lapsed": _("lapsed (the link expired unanswered)"), "expired": _("expired")}


def register() -> None:
    register_labels("disclosure_basis", BASIS_LABELS)
    register_labels("consent_state", {str(k): v for k, v in STATE_LABELS.items()})
    register_work_source(WorkSource(
        key="consents", heading=_("Consents waiting for the person"),
        permission="disclose_data", items=queue_items, order=40,
        more_url=reverse_lazy("disclosure:consent_list")))


def queue_items(user: Any) -> list[WorkItem]:
    """Pending consent requests, the link that expires first first."""
    waiting = list(ConsentRequest.objects.filter(status=ConsentStatus.PENDING)
                   .order_by("link_expires_at")[:QUEUE_LINES])
    names = person_labels([c.person_ref for c in waiting], with_names=may_see_names(user))
    return [WorkItem(
        text=f"{c.recipient} · {names[str(c.person_ref)]}",
        url=reverse("disclosure:consent_detail", kwargs={"uid": c.uid}),
        due=c.link_expires_at,
        due_text=str(_("link valid until %(day)s")) % {
            "day": clock.day_of(c.link_expires_at).strftime("%d-%m-%Y")}) for c in waiting]
