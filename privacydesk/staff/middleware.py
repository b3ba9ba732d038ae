"""Deny by default (Sec1, Sec3): every route needs a signed-in, MFA-verified staff member
who accepted the current staff protocol (Sec4), unless its view is marked otherwise.

Two middleware, in this order after Django's AuthenticationMiddleware (#14.4):

  * `StaffLoginRequiredMiddleware` is Django's `LoginRequiredMiddleware`: every view needs a
    signed-in account unless it is marked `@login_not_required`
    (django.contrib.auth.decorators), which sets the `login_required` attribute Django reads.
    Only the refusal is ours (below).
  * `SecondFactorAndProtocolMiddleware` adds our steps for every view that needs sign-in:
    an active account, the second factor of this session (MFA is mandatory), and the current
    staff protocol accepted — except views marked `@protocol_exempt`
    (privacydesk.staff.access: the protocol page itself, MFA management).

Open without a staff session, by the same attribute:
  * the login pages, the public website and the data subjects' links (`@login_not_required`);
  * every view of the JSON API (privacydesk.api.auth.token_only): it authenticates every
    call itself with bearer tokens and answers a missing one with JSON 401.
/static/ is served by WhiteNoise before any view is resolved; unknown paths resolve to no
view and fall through to Django's 404.

Refusals: a browser (Accept: text/html) is redirected to the login, MFA or protocol page
(with ?next= for GET and HEAD); any other client gets JSON 401 (not signed in) or 403
(protocol not accepted). Nothing about the request is logged (W1).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.middleware import LoginRequiredMiddleware
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import reverse

from privacydesk.staff import access, mfa, protocol


def _refuse(request: HttpRequest, status: int, redirect_to: str, reason: str) -> HttpResponse:
    if not request.accepts("text/html"):
        return JsonResponse({"detail": reason}, status=status)
    if request.method in ("GET", "HEAD"):
        return HttpResponseRedirect(f"{redirect_to}?{urlencode({'next': request.get_full_path()})}")
    return HttpResponseRedirect(redirect_to)


class StaffLoginRequiredMiddleware(LoginRequiredMiddleware):
    """Django's LoginRequiredMiddleware; a refusal redirects a browser to the login page and
    answers any other client with JSON 401 (module doc)."""

    def handle_no_permission(  # type: ignore[override]
        self, request: HttpRequest, view_func: Callable[..., Any]
    ) -> HttpResponse:
        return _refuse(request, 401, self.get_login_url(view_func), "authentication required")


class SecondFactorAndProtocolMiddleware:
    """After StaffLoginRequiredMiddleware: a view that needs sign-in also needs an active
    account, this session's second factor and, unless `@protocol_exempt`, the current staff
    protocol (module doc)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: Callable[..., Any], args: Any, kwargs: Any
    ) -> HttpResponse | None:
        if not access.needs_login(view):
            return None
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not user.is_active:
            # Refused before by StaffLoginRequiredMiddleware; said again so that this step
            # never depends on the order of MIDDLEWARE to stay closed.
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
