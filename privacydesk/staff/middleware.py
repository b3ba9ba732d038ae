"""Deny by default (Sec1, Sec3): every route needs a signed-in, MFA-verified staff member
who accepted the current staff protocol (Sec4), unless its view is marked otherwise.

Open without a staff session:
  * views marked `@public_view` (privacydesk.staff.access), e.g. the login pages and the
    public website;
  * everything under /api/ — the API authenticates every call itself with bearer tokens;
  * everything under /static/.
Views marked `@protocol_exempt` need sign-in and MFA but not the protocol (the protocol
page itself). Unknown paths fall through to Django's 404.

Refusals: a browser (Accept: text/html) is redirected to the login, MFA or protocol page;
any other client gets JSON 401 (not signed in) or 403 (protocol not accepted). Nothing about
the request is logged (W1).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import reverse

from privacydesk.staff import access, mfa, protocol

OPEN_PREFIXES = ("/api/", "/static/")


def _wants_html(request: HttpRequest) -> bool:
    return request.accepts("text/html")


def _refuse(request: HttpRequest, status: int, redirect_to: str, reason: str) -> HttpResponse:
    if _wants_html(request) and request.method in ("GET", "HEAD"):
        query = urlencode({"next": request.get_full_path()})
        return HttpResponseRedirect(f"{redirect_to}?{query}")
    if _wants_html(request):
        return HttpResponseRedirect(redirect_to)
    return JsonResponse({"detail": reason}, status=status)


class DenyByDefaultMiddleware:
    """Refuse every request to a view that is not explicitly opened (see module doc)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: Callable[..., Any], args: Any, kwargs: Any
    ) -> HttpResponse | None:
        if request.path_info.startswith(OPEN_PREFIXES) or access.is_public(view):
            return None
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not user.is_active:
            return _refuse(request, 401, str(settings.LOGIN_URL), "authentication required")
        if not mfa.is_mfa_verified(request):
            # Signed in without the second factor: sign in again (MFA is mandatory).
            return _refuse(request, 401, str(settings.LOGIN_URL), "second factor required")
        if access.is_protocol_exempt(view):
            return None
        if not protocol.is_current(user.protocol_version_accepted):
            return _refuse(
                request, 403, reverse("staff:protocol"), "the staff protocol must be accepted")
        return None
