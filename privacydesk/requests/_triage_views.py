"""The triage page (#15): messages a person still has to place, each with one button per
reason to close it as "not a request" (requests._triage). Staff with "handle_requests".
Views translate between HTTP and the service; a RuleViolation is shown on the page."""

from __future__ import annotations

from uuid import UUID

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_POST

from privacydesk.policy.errors import RuleViolation
from privacydesk.requests import _triage
from privacydesk.requests._step_refusals import explain as explain_refusal
from privacydesk.requests._steps import PERMISSION, actor, get
from privacydesk.requests.listing import rows as listed_rows
from privacydesk.staff.access import require_permission
from privacydesk.staff.person_labels import may_see_names
from privacydesk.staff.views.common import PAGE_SIZE


@require_GET
@require_permission(PERMISSION)
def triage(request: HttpRequest) -> HttpResponse:
    """Open triage items, oldest promise first, 25 a page, with their subject (the words
    staff decide on) and the requester's name for roles that see names (Sec1)."""
    page = Paginator(_triage.triage_items(), PAGE_SIZE).get_page(request.GET.get("page"))
    names = may_see_names(request.user)
    rows = listed_rows(list(page.object_list), timezone.now(), with_names=names)
    return render(request, "requests/triage.html", {
        "page": page, "items": [(row, row.request.contact()["subject"]) for row in rows],
        "reasons": list(_triage.REASONS.items()), "other": _triage.OTHER,
        "max_text": _triage.MAX_TEXT})


@require_POST
@require_permission(PERMISSION)
def not_a_request(request: HttpRequest, uid: UUID) -> HttpResponse:
    """Close one triage item as not a request with the reason of the button pressed."""
    found = get(uid)
    try:
        _triage.close_as_not_a_request(found, request.POST.get("reason", ""),
                                       actor=actor(request),
                                       text=request.POST.get("text", ""))
    except RuleViolation as exc:
        # In the staff member's language: the field by its label, the message (values
        # by their labels), the rule (#15).
        messages.error(request, f"{found.reference}: {explain_refusal(exc)}")
    else:
        messages.success(request, gettext("%(ref)s closed: not a request (%(reason)s).") % {
            "ref": found.reference, "reason": _triage.REASONS[request.POST["reason"].strip()]})
    return redirect("requests:triage")
