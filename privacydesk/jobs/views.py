"""The background jobs page (/staff/jobs/): per periodic job its last successful run, its
last failure (the exception's class, never its message), retries and what waits, and the
latest task rows. Staff with the policy's `view_audit` permission (Sec3); deny by default."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from privacydesk.jobs import health, lost
from privacydesk.jobs.models import PeriodicRun
from privacydesk.jobs.periodic import BY_NAME
from privacydesk.staff.access import require_permission

#: Latest runs listed under the summary.
LATEST = 50


@require_GET
@require_permission("view_audit")
def job_list(request: HttpRequest) -> HttpResponse:
    # A task whose worker was killed must not read "running" here when no worker is left
    # to notice (jobs.lost).
    lost.reap()
    runs = [{"run": run, "label": BY_NAME[run.job].label if run.job in BY_NAME else run.job}
            for run in PeriodicRun.objects.order_by("-enqueued_at")[:LATEST]]
    return render(request, "jobs/list.html", {"states": health.states(), "runs": runs})
