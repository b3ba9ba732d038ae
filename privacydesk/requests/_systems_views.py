"""The request page's part on the company's other systems (#16.3): what each system
answered to this request (searched, nothing found, could not be searched, not connected,
waiting for its owner, erased with the re-search), by which identities another system knew
the person (#16: counts and system labels, never a value), the erasure ledger's signed
receipt with each system's line and whether its signature still matches (Rt3), and the step
that records why an access answer goes without a system that could not be searched (Rt1)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import get_language, gettext, ngettext
from django.views.decorators.http import require_POST

from privacydesk.policy.errors import RuleViolation
from privacydesk.requests import kinds
from privacydesk.requests._step_refusals import explain
from privacydesk.requests._steps import PERMISSION, actor
from privacydesk.requests.models import DataSubjectRequest
from privacydesk.retention import ledger
from privacydesk.staff.access import require_permission
from privacydesk.staff.labels import page_language
from privacydesk.systems import declared, tasks, wording
from privacydesk.systems.models import SystemTask


def context(found: DataSubjectRequest) -> dict[str, Any]:
    """`system_rows`: one row per task of the request (system label, action, status label,
    counts, a failure's safe message, whether staff may record why it is answered without,
    what the identities another system knew her by did); `ledger`: the signed receipt of an
    erasure (`_ledger`)."""
    labels = {s.id: s.name() for s in declared.systems()}
    rows = [{"task": task, "system": labels.get(task.system, task.system),
             "action": task.get_action_display(), "status": task.get_status_display(),
             "blocking": task.is_open,
             "error": wording.error_line(task.error, get_language() or "nl"),
             "identities": identity_notes(task.detail, labels),
             "may_resolve": task.status == SystemTask.FAILED
             and task.action in (SystemTask.FIND, SystemTask.EXPORT)}
            for task in tasks.of_request(found.uid).order_by("action", "system")]
    return {"system_rows": rows, "ledger": _ledger(found)}


def identity_notes(detail: dict[str, Any], labels: dict[str, str]) -> list[str]:
    """What the identities of other systems did for this task, for staff (#16): the ones
    its records gave, the ones not used because another person in the register (or the
    company itself) holds them, and a search again with what other systems know."""
    notes = []
    given = sum((detail.get("identities_given") or {}).values())
    if given:
        notes.append(ngettext(
            "its records gave %(n)d identity the other systems were searched by too",
            "its records gave %(n)d identities the other systems were searched by too",
            given) % {"n": given})
    shared = sum((detail.get("identities_shared") or {}).values())
    if shared:
        notes.append(ngettext(
            "%(n)d identity in its records not used: another person in the register, or "
            "the company itself, holds it",
            "%(n)d identities in its records not used: another person in the register, or "
            "the company itself, holds them", shared) % {"n": shared})
    again = detail.get("searched_again") or {}
    origins = again.get("from") or detail.get("searched_with") or []
    if origins:
        systems = ", ".join(labels.get(o, o) for o in origins)
        if "found" in again:
            notes.append(gettext("searched again with what %(systems)s knows the person by: "
                                 "%(n)d more found") % {"systems": systems,
                                                        "n": again["found"]})
        else:
            notes.append(gettext("erased with what %(systems)s knows the person by too")
                         % {"systems": systems})
    return notes


def _ledger(found: DataSubjectRequest) -> dict[str, Any] | None:
    """Rt3: the erasure ledger's signed receipt of this request — whether its signature
    still matches (an altered line shows here and fails `check` Rt3) and each system's
    line as signed; None for a request that erased no whole person."""
    if found.kind != kinds.ERASURE:
        return None
    entry = ledger.of_request(found.reference)
    if entry is None:
        return None
    state = ledger.verify(entry)
    return {"state": state,
            "text": {ledger.VALID: gettext("Signed; the signature matches the receipt."),
                     ledger.ALTERED: gettext("Altered: the receipt no longer matches its "
                                             "signature."),
                     ledger.UNSIGNED: gettext("Not signed: erased before receipts were "
                                              "signed.")}[state],
            "lines": [line.render(page_language()) for line in ledger.systems_of(entry)]}


@require_POST
@require_permission(PERMISSION)
def resolve(request: HttpRequest, uid: UUID, pk: int) -> HttpResponse:
    """Rt1: record why the answer goes without a system that could not be searched."""
    task = SystemTask.objects.filter(pk=pk, request_uid=uid).first()
    if task is None:
        raise Http404("no such task")
    try:
        tasks.resolve(task, actor=actor(request), note=request.POST.get("note", ""))
    except RuleViolation as exc:
        messages.error(request, explain(exc))
    else:
        messages.success(request, gettext("Recorded: the answer goes without this system."))
    return redirect("requests:detail", uid=uid)
