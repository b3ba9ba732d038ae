"""Back-office steps to answer a request by post or by telephone (#15 blocker 3): make the
answer letter (PDF), record that it was posted, or record the call in which the answer was
given. Recording closes the request. Views only translate; the rules are in `_answers`.
"""

from __future__ import annotations

from datetime import datetime
from functools import partial

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy, gettext_noop
from django.views.decorators.http import require_POST

from privacydesk.policy.errors import RuleViolation
from privacydesk.requests import _answers
from privacydesk.requests._matching_views import explain
from privacydesk.requests._steps import PERMISSION, actor, get, step
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
    found = get(uid)
    try:
        pdf = _answers.answer_letter(found, actor=actor(request),
                                     summary=request.POST.get("summary", ""))
    except RuleViolation as exc:
        messages.error(request, explain(exc, FIELDS))
        return redirect("requests:detail", uid=uid)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{found.reference}-brief.pdf"'
    response["Cache-Control"] = "no-store"
    return response


# Record that the letter was posted: answered now, and closed.
by_post = step("answer_post", lambda q, r: _answers.answer_by_post(
    r, actor=actor(q), summary=q.POST.get("summary", ""), note=q.POST.get("note", "")),
    gettext_lazy("Recorded: the answer was sent by post. The request is closed."),
    partial(explain, fields=FIELDS))


def _moment(text: str) -> datetime:
    """A `datetime-local` value ("2026-12-07T10:30"); `_answers.answer_by_phone` reads one
    without an offset in the policy's time zone."""
    try:
        return datetime.fromisoformat(text.strip())
    except ValueError:
        raise RuleViolation("at", "format", gettext_noop(
            "give the date and time of the call")) from None


# Record the call in which the answer was given: answered then, and closed.
by_phone = step("answer_phone", lambda q, r: _answers.answer_by_phone(r, _answers.Call(
    who=q.POST.get("who", ""), at=_moment(q.POST.get("at", "")), said=q.POST.get("said", "")),
    actor=actor(q)),
    gettext_lazy("Recorded: the answer was given by telephone. The request is closed."),
    partial(explain, fields=FIELDS))
