"""Bench-only URLconf: the real site plus one trivial Django view as the baseline.

The baseline goes through the same middleware (sessions, CSRF, CSP, locale, deny-by-default)
and the same gunicorn, so the ratio measures what the public pages add, not Django itself.
"""

from django.http import HttpRequest, HttpResponse
from django.urls import path

from privacydesk.staff.access import public_view
from privacydesk.urls import urlpatterns as site_patterns


@public_view
def trivial(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("bench/trivial/", trivial), *site_patterns]
