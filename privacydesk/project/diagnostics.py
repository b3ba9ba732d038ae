"""Make a server error diagnosable without writing anything about the request (W1).

`django.request` is silenced because its records carry the path and the request. This
middleware logs what a developer needs and nothing a visitor sent: the exception's type, the
view that raised it, and the traceback as file:line pairs (no exception message, no
locals — an IntegrityError's message can quote the values a person typed).

A refusal is not an error: Http404, PermissionDenied (403), BadRequest and
SuspiciousOperation are answered by Django with their 4xx page and are not logged at all —
they happen on ordinary visits, and a line per refusal would be a trace of the visit (W1).
"""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable

from django.core.exceptions import BadRequest, PermissionDenied, SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse

logger = logging.getLogger("privacydesk.errors")

# Exceptions that are answers (404, 403, 400), not failures: never logged (W1).
REFUSALS: tuple[type[BaseException], ...] = (
    Http404, PermissionDenied, BadRequest, SuspiciousOperation)


def describe(exc: BaseException, view_name: str) -> str:
    """Return one log line naming the error without any data of the request."""
    frames = traceback.extract_tb(exc.__traceback__)
    where = " < ".join(f"{f.filename.rsplit('/', 2)[-1]}:{f.lineno}" for f in reversed(frames))
    return f"unhandled {type(exc).__module__}.{type(exc).__name__} in view {view_name}: {where}"


class ErrorReportMiddleware:
    """Log unhandled exceptions as type + view + code locations; Django then answers 500."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> None:
        if not isinstance(exception, REFUSALS):
            report(request, exception)


def report(request: HttpRequest, exception: BaseException) -> None:
    """Log `exception` as an unhandled error of `request`'s view: type, view and code lines
    only (also used by the API's handler of last resort, which answers the 500 itself)."""
    match = getattr(request, "resolver_match", None)
    view_name = match.view_name if match is not None else "?"
    logger.error(describe(exception, view_name))
