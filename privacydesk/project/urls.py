"""URL map. Every route is staff-only unless its view is marked public (deny by default)."""

from django.urls import include, path

from privacydesk.api.urls import api

urlpatterns = [
    path("api/v1/", api.urls),
    path("staff/callbacks/", include("privacydesk.callbacks.urls")),
    path("staff/incidents/", include("privacydesk.incidents.urls")),
    path("staff/guard/", include("privacydesk.guard.urls")),
    path("staff/retention/", include("privacydesk.retention.urls")),
    path("staff/requests/", include("privacydesk.requests.urls")),
    path("staff/access/", include("privacydesk.access.urls")),
    path("requests/", include("privacydesk.requests.public_urls")),
    path("staff/disclosures/", include("privacydesk.disclosure.urls")),
    path("staff/jobs/", include("privacydesk.jobs.urls")),
    path("consent/", include("privacydesk.disclosure.public_urls")),
    path("staff/", include("privacydesk.staff.urls")),
    path("", include("privacydesk.public.urls")),
]
