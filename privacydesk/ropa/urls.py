"""The record of processing activities, mounted at /staff/ropa/ by the project's urls."""

from django.urls import path

from privacydesk.ropa.views import ropa_download, ropa_page

app_name = "ropa"

urlpatterns = [
    path("", ropa_page, name="register"),
    path("verwerkingsregister.pdf", ropa_download, {"fmt": "pdf"}, name="pdf"),
    path("verwerkingsregister.csv", ropa_download, {"fmt": "csv"}, name="csv"),
]
