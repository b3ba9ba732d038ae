"""JSON everywhere under /api/ (#13.5.11): a client of the API never receives an HTML page.

The API's own refusals are JSON already (api/errors.py). Some answers under /api/ are made
before or after ninja sees the request: Django's 404 for a path no route matches (a
non-UUID where a UUID belongs: `/api/v1/requests/abc`), ninja's bare 405 for a method the
path does not take, and Django's 500 page for an unhandled error (logged by
diagnostics.ErrorReportMiddleware, type and code lines only). This middleware turns each
such non-JSON error answer into the API's one shape, `{"errors": [{"field", "rule",
"message"}]}`, keeping the status and the headers that matter to a client (Allow,
Retry-After, WWW-Authenticate). Nothing is logged (W1).
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse

from privacydesk.api.errors import error_body

PREFIX = "/api/"
_KEPT_HEADERS = ("Allow", "Retry-After", "WWW-Authenticate", "Content-Language")


def json_refusal(status: int, request: HttpRequest) -> tuple[str, str, str]:
    """(field, rule, message) of a non-JSON error answer with `status`."""
    if status == 404:
        return "path", "exists", "no such resource"
    if status == 405:
        return "method", "http", f"this path does not take {request.method}"
    if status == 403:
        return "Authorization", "forbidden", "this request is refused"
    if status >= 500:
        return "request", "server", "the server could not answer this request"
    return "request", "http", "the request was refused"


class JsonErrorsMiddleware:
    """Rewrite non-JSON error answers (status >= 400) under /api/ as JSON (module doc)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (response.status_code < 400 or not request.path_info.startswith(PREFIX)
                or str(response.get("Content-Type", "")).startswith("application/json")):
            return response
        field, rule, message = json_refusal(response.status_code, request)
        answer = JsonResponse(error_body(field, rule, message), status=response.status_code)
        for header in _KEPT_HEADERS:
            if header in response:
                answer[header] = response[header]
        return answer
