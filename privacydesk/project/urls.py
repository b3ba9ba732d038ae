"""URL map. Every route is staff-only unless its view is marked `@login_not_required`
(deny by default, privacydesk.staff.middleware); the API is token-only (project/api.py)."""

from django.urls import include, path

from privacydesk.api.auth import token_only
from privacydesk.project.api import api

urlpatterns = [
    path("api/v1/", token_only(api.urls)),
    path("staff/callbacks/", include("privacydesk.callbacks.urls")),
    path("staff/incidents/", include("privacydesk.incidents.urls")),
    path("staff/guard/", include("privacydesk.guard.urls")),
    path("staff/retention/", include("privacydesk.retention.urls")),
    path("staff/requests/", include("privacydesk.requests.urls")),
    path("staff/access/", include("privacydesk.access.urls")),
    path("requests/", include("privacydesk.requests.public_urls")),
    path("staff/disclosures/", include("privacydesk.disclosure.urls")),
    path("staff/jobs/", include("privacydesk.jobs.urls")),
    path("staff/systems/", include("privacydesk.systems.urls")),
    path("staff/ropa/", include("privacydesk.ropa.urls")),
    path("consent/", include("privacydesk.disclosure.public_urls")),
    path("staff/", include("privacydesk.staff.urls")),
    path("", include("privacydesk.public.urls")),
]
