"""GuardMiddleware: block banned clients early, and notice break-in signals (W2).

Placed right after SecurityMiddleware. Per request it
1. answers 403 to a banned client (in-process ban list, see bans.py): the public site's
   page in the visitor's language with the controller's phone number, JSON under /api/;
2. looks for attack paths, traversal, SQL and script injection (rules.py) in what is never
   free text: the path (ids), the query string of a page that is not a search page, and
   the User-Agent header — never in a form's fields, where a person may write
   anything, `<script>` or `' or 1=1` included (#13.5.4); in memory, nothing kept;
3. counts public form posts per worker for floods; a re-submission after a validation error
   (answered 400) is not counted again. API calls are not form posts: an authenticated
   one is limited per token (guard/tokenrate.py, Sec3); one refused for want of a valid
   token (401) counts as a post.
An ordinary request touches neither Redis nor the database, and nothing is logged (W1).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from itertools import chain

from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.template import loader
from django.urls import reverse
from django.utils import translation

from privacydesk.guard import rules
from privacydesk.guard.runtime import get_guard

API_PREFIX = "/api/"


def forbidden(request: HttpRequest) -> HttpResponse:
    """The 403 a banned client sees: the site's layout in the visitor's language (the URL's
    /nl/ or /en/, else the browser's preference) with the controller's phone number, so a
    person blocked by mistake can call (Id1); JSON for an API client."""
    if request.path_info.startswith(API_PREFIX):
        return JsonResponse({"errors": [{
            "field": "address", "rule": "W2",
            "message": "this address is blocked for a while after repeated break-in "
                       "attempts"}]}, status=403)
    lang = translation.get_language_from_request(request, check_path=True)
    lang = "en" if lang == "en" else "nl"
    other = "nl" if lang == "en" else "en"
    with translation.override(lang):
        body = loader.render_to_string("guard/blocked.html", {
            "lang": lang, "other_lang": other, "page": "blocked",
            "switch_url": reverse("public:statement", kwargs={"lang": other})},
            request=request)
    response = HttpResponse(body, status=403)
    response["Content-Language"] = lang
    return response


class GuardMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        guard = get_guard()
        bans = guard.bans
        if bans.has_bans() and bans.is_banned(guard.subject(request)):
            return forbidden(request)
        fired = rules.inspect_request(request.path, _raw_path(request), _inspected(request))
        if fired and guard.signal(request, fired[0]):
            return forbidden(request)
        if request.method != "POST":
            return self.get_response(request)
        api = request.path_info.startswith(API_PREFIX)
        resubmitted = not api and guard.is_resubmission(request)
        if not api and not resubmitted and guard.note_post(request):
            return forbidden(request)
        response = self.get_response(request)
        if api and response.status_code == 401 and guard.note_post(request):
            return forbidden(request)
        if not api and not resubmitted and response.status_code == 400:
            guard.note_refused_form(request)
        return response


def _inspected(request: HttpRequest) -> Iterable[str]:
    """The values that are never free text (module doc, item 2)."""
    values: Iterable[str] = ()
    # Without a query string the QueryDict is not built: most pages never need one.
    if request.META.get("QUERY_STRING") and request.GET:
        values = _values(request.GET, rules.free_text_parameters(request.path))
    agent = request.META.get("HTTP_USER_AGENT")
    return chain(values, (agent,)) if agent else values


def _raw_path(request: HttpRequest) -> str:
    raw = request.META.get("RAW_URI") or request.META.get("REQUEST_URI") or ""
    return str(raw).split("?", 1)[0] or request.path


def _values(params: QueryDict, free_text: frozenset[str]) -> Iterator[str]:
    # Every value of every parameter (a repeated parameter may hide the payload in any
    # copy), except a search page's free-text fields.
    for name, values in params.lists():
        if name not in free_text:
            yield from values
