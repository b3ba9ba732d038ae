"""Back-office pages for the incident register (Sec5). Staff with `manage_incidents` only."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods, require_POST

from privacydesk.incidents import services
from privacydesk.incidents.models import Incident
from privacydesk.policy.errors import RuleViolation
from privacydesk.staff.access import require_permission


@require_http_methods(["GET"])
@require_permission("manage_incidents")
def incident_list(request: HttpRequest) -> HttpResponse:
    return render(request, "incidents/list.html",
                  {"incidents": Incident.objects.all()[:200]})


@require_POST
@require_permission("manage_incidents")
def incident_breach(request: HttpRequest, pk: int) -> HttpResponse:
    services.mark_breach(get_object_or_404(Incident, pk=pk), actor=request.user.get_username())
    return redirect("incidents:list")


@require_POST
@require_permission("manage_incidents")
def incident_reported(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        services.mark_reported(get_object_or_404(Incident, pk=pk),
                               reference=request.POST.get("authority_reference", ""),
                               actor=request.user.get_username())
    except RuleViolation as error:
        messages.error(request, f"{error.field}: {gettext(error.message)} ({error.rule})")
    return redirect("incidents:list")


@require_POST
@require_permission("manage_incidents")
def incident_close(request: HttpRequest, pk: int) -> HttpResponse:
    services.set_status(get_object_or_404(Incident, pk=pk), "closed",
                        actor=request.user.get_username())
    return redirect("incidents:list")
