"""The request page's part on the company's other systems (#16.3): what each system
answered to this request (searched, nothing found, could not be searched, not connected,
waiting for its owner, erased with the re-search), and the step that records why an access
answer goes without a system that could not be searched (Rt1)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import get_language, gettext
from django.views.decorators.http import require_POST

from privacydesk.policy.errors import RuleViolation
from privacydesk.requests._step_refusals import explain
from privacydesk.requests.models import DataSubjectRequest
from privacydesk.staff.access import require_permission
from privacydesk.systems import declared, tasks, wording
from privacydesk.systems.models import SystemTask

PERMISSION = "handle_requests"


def context(found: DataSubjectRequest) -> dict[str, Any]:
    """`system_rows`: one row per task of the request (system label, action, status label,
    counts, a failure's safe message, whether staff may record why it is answered without)."""
    labels = {s.id: s.name() for s in declared.systems()}
    rows = []
    for task in tasks.of_request(found.uid).order_by("action", "system"):
        rows.append({"task": task, "system": labels.get(task.system, task.system),
                     "action": task.get_action_display(), "status": task.get_status_display(),
                     "blocking": task.is_open,
                     "error": wording.error_line(task.error, get_language() or "nl"),
                     "may_resolve": task.status == SystemTask.FAILED
                     and task.action in (SystemTask.FIND, SystemTask.EXPORT)})
    return {"system_rows": rows}


@require_POST
@require_permission(PERMISSION)
def resolve(request: HttpRequest, uid: UUID, pk: int) -> HttpResponse:
    """Rt1: record why the answer goes without a system that could not be searched."""
    task = SystemTask.objects.filter(pk=pk, request_uid=uid).first()
    if task is None:
        raise Http404("no such task")
    try:
        tasks.resolve(task, actor=str(request.user.get_username()),
                      note=request.POST.get("note", ""))
    except RuleViolation as exc:
        messages.error(request, explain(exc))
    else:
        messages.success(request, gettext("Recorded: the answer goes without this system."))
    return redirect("requests:detail", uid=uid)
