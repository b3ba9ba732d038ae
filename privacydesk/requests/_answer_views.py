"""Back-office steps to answer a request by post or by telephone (#15 blocker 3): make the
answer letter (PDF), record that it was posted, or record the call in which the answer was
given. Recording closes the request. Views only translate; the rules are in `_answers`.
"""

from __future__ import annotations

from datetime import datetime

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext, gettext_lazy, gettext_noop
from django.views.decorators.http import require_POST

from privacydesk.policy import clock
from privacydesk.policy.errors import RuleViolation
from privacydesk.requests import _answers
from privacydesk.requests._matching_views import PERMISSION, _actor, _get, explain
from privacydesk.staff.access import require_permission

FIELDS = {
    "summary": gettext_lazy("What was done, for the person"),
    "note": gettext_lazy("What was sent (optional)"), "status": gettext_lazy("Status"),
    "address": gettext_lazy("Postal address"), "who": gettext_lazy("Who spoke with the person?"),
    "at": gettext_lazy("When?"), "said": gettext_lazy("What was said?"),
}


@require_POST
@require_permission(PERMISSION)
def letter(request: HttpRequest, uid: str) -> HttpResponse:
    """The answer letter as a PDF download (nothing is recorded but the audited read)."""
    found = _get(uid)
    try:
        pdf = _answers.answer_letter(found, actor=_actor(request),
                                     summary=request.POST.get("summary", ""))
    except RuleViolation as exc:
        messages.error(request, explain(exc, FIELDS))
        return redirect("requests:detail", uid=uid)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{found.reference}-brief.pdf"'
    response["Cache-Control"] = "no-store"
    return response


@require_POST
@require_permission(PERMISSION)
def by_post(request: HttpRequest, uid: str) -> HttpResponse:
    """Record that the letter was posted: answered now, and closed."""
    found = _get(uid)
    try:
        _answers.answer_by_post(found, actor=_actor(request),
                                summary=request.POST.get("summary", ""),
                                note=request.POST.get("note", ""))
    except RuleViolation as exc:
        messages.error(request, explain(exc, FIELDS))
    else:
        messages.success(request, gettext(
            "Recorded: the answer was sent by post. The request is closed."))
    return redirect("requests:detail", uid=uid)


def _moment(text: str) -> datetime:
    """A `datetime-local` value ("2026-12-07T10:30") in the policy's time zone."""
    try:
        naive = datetime.fromisoformat((text or "").strip())
    except ValueError:
        raise RuleViolation("at", "format", gettext_noop(
            "give the date and time of the call")) from None
    if naive.tzinfo is not None:
        return naive
    return naive.replace(tzinfo=clock.zone())


@require_POST
@require_permission(PERMISSION)
def by_phone(request: HttpRequest, uid: str) -> HttpResponse:
    """Record the call in which the answer was given: answered then, and closed."""
    found = _get(uid)
    try:
        call = _answers.Call(who=request.POST.get("who", ""),
                             at=_moment(request.POST.get("at", "")),
                             said=request.POST.get("said", ""))
        _answers.answer_by_phone(found, call, actor=_actor(request))
    except RuleViolation as exc:
        messages.error(request, explain(exc, FIELDS))
    else:
        messages.success(request, gettext(
            "Recorded: the answer was given by telephone. The request is closed."))
    return redirect("requests:detail", uid=uid)
