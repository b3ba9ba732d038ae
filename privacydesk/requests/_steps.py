"""What every back-office page of the request app shares (permission handle_requests): the
request of the URL, the staff member acting, and the step buttons of the request page — a
POST that runs one service call and returns to the page with what was done, or with the
broken rule in the staff member's language. Views translate; no rule lives here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any
from uuid import UUID

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from privacydesk.policy.errors import RuleViolation
from privacydesk.requests._step_refusals import explain as explain_refusal
from privacydesk.requests.models import DataSubjectRequest
from privacydesk.staff.access import require_permission

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise as StrPromise

PERMISSION = "handle_requests"


def actor(request: HttpRequest) -> str:
    return str(request.user.get_username())


def get(uid: UUID | str) -> DataSubjectRequest:
    found = DataSubjectRequest.objects.filter(uid=uid).first()
    if found is None:
        raise Http404("no such request")
    return found


def step(name: str, run: Callable[[HttpRequest, DataSubjectRequest], Any],
         done: StrPromise | Callable[[Any], str],
         explain: Callable[[RuleViolation], str] = explain_refusal
         ) -> Callable[..., HttpResponse]:
    """A POST view that runs `run` on the request of the URL and returns to its page with
    `done` (or `done(what run returned)`), or with the broken rule as `explain` puts it.
    `done` is a lazy gettext, never a plain str: staff read Dutch, and an untranslated
    message here showed up in English on the Dutch page (#15, walk b)."""
    @require_POST
    @require_permission(PERMISSION)
    def view(request: HttpRequest, uid: UUID) -> HttpResponse:
        found = get(uid)
        try:
            result = run(request, found)
        except RuleViolation as exc:
            messages.error(request, explain(exc))
        else:
            messages.success(request, done(result) if callable(done) else done)
        return redirect("requests:detail", uid=uid)

    view.__name__ = f"request_{name}"
    return view
