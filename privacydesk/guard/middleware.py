"""GuardMiddleware: block banned clients early, and notice break-in signals (W2).

Placed right after SecurityMiddleware. Per request it
1. answers 403 to a banned client (in-process ban list, see bans.py);
2. looks at the path and the parameter values for attack paths, traversal, SQL and script
   injection (rules.py) — in memory, nothing kept;
3. counts form posts per worker for floods.
An ordinary request touches neither Redis nor the database, and nothing is logged (W1).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from itertools import chain

from django.http import HttpRequest, HttpResponse, HttpResponseForbidden, QueryDict
from django.template import loader

from privacydesk.guard import rules
from privacydesk.guard.runtime import _is_form, get_guard


def forbidden(request: HttpRequest) -> HttpResponse:
    """The 403 a banned client sees (Dutch and English, no details)."""
    body = loader.render_to_string("guard/blocked.html", request=None)
    return HttpResponseForbidden(body)


class GuardMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        guard = get_guard()
        bans = guard.bans
        if bans.has_bans() and bans.is_banned(guard.subject(request)):
            return forbidden(request)
        values: Iterable[str] = _values(request.GET) if request.GET else ()
        if request.method == "POST" and _is_form(request):
            values = chain(values, _values(request.POST))
        fired = rules.inspect_request(request.path, _raw_path(request), values)
        if fired and guard.signal(request, fired[0]):
            return forbidden(request)
        if request.method == "POST" and guard.note_post(request):
            return forbidden(request)
        return self.get_response(request)


def _raw_path(request: HttpRequest) -> str:
    raw = request.META.get("RAW_URI") or request.META.get("REQUEST_URI") or ""
    return str(raw).split("?", 1)[0] or request.path


def _values(params: QueryDict) -> Iterator[str]:
    # Every value of every parameter (a repeated parameter may hide the payload in any copy).
    for _, values in params.lists():
        yield from values
