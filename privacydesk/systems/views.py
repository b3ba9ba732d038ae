"""Back-office pages of the systems' tasks (#16.3): the manual tasks waiting for their
owner — a system without a connector is searched, corrected or erased there by a named staff
role, by the request's deadline — and the form on which the owner confirms what was done.

A task is shown to the staff of its owner role and to those who handle requests; whom to
look for (the subject) only in the categories the reader's role may see (Sec1). Views only
translate; `tasks.confirm_manual` keeps the rules and the audit entry.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from privacydesk.policy.errors import RuleViolation
from privacydesk.staff import permissions
from privacydesk.systems import declared, erasing, tasks, wording
from privacydesk.systems.models import SystemTask

#: Who handles requests sees every system's tasks; an owner sees those of their role.
HANDLES = "handle_requests"


def _roles_of(request: HttpRequest) -> tuple[str, ...] | None:
    """The owner roles whose tasks the reader sees (None: all of them)."""
    if permissions.has_permission(request.user, HANDLES):
        return None
    return (str(getattr(request.user, "staff_role", "") or ""),)


def _task(request: HttpRequest, pk: int) -> SystemTask:
    task = SystemTask.objects.filter(pk=pk).first()
    if task is None:
        raise Http404("no such task")
    roles = _roles_of(request)
    if roles is not None and task.owner_role not in roles:
        raise PermissionDenied
    return task


def _row(task: SystemTask) -> dict[str, Any]:
    system = declared.system(task.system)
    return {"task": task, "system": system.name() if system else task.system,
            "action": task.get_action_display(), "status": task.get_status_display(),
            "error": wording.error_line(task.error, get_language() or "nl")}


@require_GET
def task_list(request: HttpRequest) -> HttpResponse:
    """The open manual tasks of the reader's role (all, for who handles requests), nearest
    deadline first."""
    roles = _roles_of(request)
    if roles == ("",):
        raise PermissionDenied
    return render(request, "systems/tasks.html", {
        "rows": [_row(t) for t in tasks.open_manual(roles)[:200]]})


def _whom(request: HttpRequest, task: SystemTask) -> list[tuple[str, str]]:
    """Whom to look for, in the categories the reader may see (Sec1)."""
    visible = permissions.visible_categories(request.user)
    subject = tasks.subject_of(task)
    held = (("names", _("Name"), (subject.name,) if subject.name else ()),
            ("email", _("E-mail address"), subject.emails),
            ("phone", _("Telephone number"), subject.phones),
            ("address", _("Postcode and house number"), subject.postcode_house_numbers))
    return [(label, value) for category, label, values in held if category in visible
            for value in values]


@require_http_methods(["GET", "POST"])
def task_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One task: what to do in which system for which request, by when; its owner confirms
    what was done (a manual task), or staff retry a failed erasure."""
    task = _task(request, pk)
    actor = str(request.user.get_username())
    if request.method == "POST":
        try:
            if request.POST.get("step") == "retry":
                erasing.retry(task, actor=actor)
                messages.success(request, _("The erasure is tried again."))
            else:
                raw = (request.POST.get("done") or "").strip()
                done = int(raw) if raw.isdigit() else None
                tasks.confirm_manual(task, actor=actor,
                                     note=request.POST.get("confirmation", ""), done=done)
                if task.action == SystemTask.ERASE:
                    erasing.notify_settled(task.request_uid)
                messages.success(request, _("Confirmed. Thank you."))
        except RuleViolation as exc:
            messages.error(request, _("Not recorded: %(message)s (%(rule)s)")
                           % {"message": _(exc.message), "rule": exc.rule})
        return redirect("systems:task", pk=task.pk)
    return render(request, "systems/task.html", {
        **_row(task), "whom": _whom(request, task)
        if task.status in (SystemTask.MANUAL, SystemTask.FAILED) else [],
        "fields": ", ".join(task.detail.get("fields", [])),
        # Rt3: what the owner must remove by hand, by record and place in words (no paths).
        "left": [{"record": item.get("record", ""),
                  "where": [wording.place(path, get_language() or "nl")
                            for path in item.get("where", [])]}
                 for item in task.detail.get("left", [])]})
