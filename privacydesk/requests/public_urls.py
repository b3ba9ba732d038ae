"""Public request links: confirmation and single-use download (see public_views)."""

from django.urls import path

from privacydesk.requests import public_views

app_name = "requests_public"
urlpatterns = [
    path("confirm/<str:token>/", public_views.confirm, name="confirm"),
    path("download/<str:token>/", public_views.download, name="download"),
]
