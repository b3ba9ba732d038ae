"""The dashboard's lines of callbacks to make (P1), registered in CallbacksConfig.ready():
every open callback request, oldest first, the person by name and short reference."""

from __future__ import annotations

from typing import Any

from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from privacydesk.callbacks.services import open_queue
from privacydesk.staff.person_labels import may_see_names, person_labels
from privacydesk.staff.workqueue import WorkItem, WorkSource, register_work_source

QUEUE_LINES = 10


def register() -> None:
    register_work_source(WorkSource(
        key="callbacks", heading=_("Callbacks to make"), permission=None,
        items=queue_items, order=30, more_url=reverse_lazy("callbacks:queue")))


def queue_items(user: Any) -> list[WorkItem]:
    """Open callback requests, oldest first, with the calls tried so far."""
    callbacks = open_queue()[:QUEUE_LINES]
    names = person_labels([c.person.ref for c in callbacks], with_names=may_see_names(user))
    items = []
    for callback in callbacks:
        tried = len(callback.attempts.all())
        items.append(WorkItem(
            text=names[str(callback.person.ref)],
            url=reverse("callbacks:detail", kwargs={"pk": callback.pk}),
            due_text=ngettext("%(n)d call tried", "%(n)d calls tried", tried) % {"n": tried}
            if tried else str(_("not called yet"))))
    return items
