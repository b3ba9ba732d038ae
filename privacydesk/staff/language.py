"""The back office's language (issue #15): Dutch for Dutch staff, English for others.

A signed-in staff member's own choice (`StaffUser.language`) wins on every page under
/staff/; without a choice Django's LocaleMiddleware has already picked the browser's
Accept-Language, falling back to Dutch (settings.LANGUAGE_CODE). The public side keeps
LocaleMiddleware's choice: a data subject reads Dutch or English as their browser asks.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils import translation

STAFF_PREFIX = "/staff/"


class StaffLanguageMiddleware:
    """Activate the staff member's chosen language for back-office pages. Must run after
    AuthenticationMiddleware (it reads request.user) and after LocaleMiddleware (which it
    overrides; LocaleMiddleware's response phase then sends the chosen Content-Language)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path_info.startswith(STAFF_PREFIX):
            # The signed-in staff member's choice ("nl" or "en"); "" follows the browser,
            # as does a visitor not signed in (AnonymousUser has no language).
            language = getattr(getattr(request, "user", None), "language", "")
            if language:
                translation.activate(language)
                request.LANGUAGE_CODE = translation.get_language()
        return self.get_response(request)
