"""Bench-only URLconf: the real site plus two trivial baselines.

`bench/trivial/`: a plain Django view, through the same middleware (sessions, CSRF, CSP,
locale, deny-by-default) and the same gunicorn, so the ratio measures what the public pages
add, not Django itself. `api/bench/floor`: the API's floor, an operation of its own NinjaAPI
behind the API's bearer-token check (`api.auth.StaffToken`) that reads no data, so an API
row's ratio to it is what the operation adds to authentication, routing and the server.
"""

from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.urls import path
from ninja import NinjaAPI

from privacydesk.api.auth import StaffToken, token_only
from privacydesk.project.urls import urlpatterns as site_patterns

floor_api = NinjaAPI(auth=StaffToken(), urls_namespace="bench_floor", docs_url=None,
                     openapi_url=None)


@floor_api.get("/floor")
def floor(request: HttpRequest) -> Any:
    return {"ok": True}


@login_not_required
def trivial(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("bench/trivial/", trivial), path("api/bench/", token_only(floor_api.urls)),
               *site_patterns]
