"""The background jobs page, mounted at /staff/jobs/ by the project's urls."""

from django.urls import path

from privacydesk.jobs.views import job_list

app_name = "jobs"

urlpatterns = [
    path("", job_list, name="list"),
]
