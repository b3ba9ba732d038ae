"""Back-office pages for the incident register (Sec5). Staff with `manage_incidents` only.

The list links to one page per incident: what was reported, by whom, the assessment, the
72-hour clock (Art. 33(1)) and the actions. Closing and reopening ask for confirmation
first, on a page that says what will happen (#15)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from privacydesk.incidents import services, work
from privacydesk.incidents.models import Incident, IncidentKind, IncidentStatus
from privacydesk.policy.errors import RuleViolation
from privacydesk.staff.access import require_permission


def _actor(request: HttpRequest) -> str:
    return str(request.user.get_username())


def _refused(request: HttpRequest, error: RuleViolation) -> None:
    messages.error(request, f"{error.field}: {gettext(error.message)} ({error.rule})")


@require_GET
@require_permission("manage_incidents")
def incident_list(request: HttpRequest) -> HttpResponse:
    return render(request, "incidents/list.html",
                  {"incidents": Incident.objects.all()[:200]})


@require_GET
@require_permission("manage_incidents")
def incident_detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        incident = services.open_for_staff(pk, actor=_actor(request))
    except Incident.DoesNotExist:
        raise Http404 from None
    hours = services.hours_left(incident)
    return render(request, "incidents/detail.html", {
        "incident": incident, "is_breach": incident.kind == IncidentKind.BREACH,
        "is_closed": incident.status == IncidentStatus.CLOSED,
        "hours_left": hours, "clock_text": work.clock_text(hours) if hours is not None else "",
        "reason_length": services.REASON_LENGTH})


@require_POST
@require_permission("manage_incidents")
def incident_breach(request: HttpRequest, pk: int) -> HttpResponse:
    """The assessment: `breach=1` marks a breach (reason optional), `breach=0` records
    that it is none (reason required)."""
    incident = get_object_or_404(Incident, pk=pk)
    reason = request.POST.get("reason", "")
    try:
        if request.POST.get("breach", "1") == "0":
            services.mark_not_breach(incident, reason=reason, actor=_actor(request))
        else:
            services.mark_breach(incident, reason=reason, actor=_actor(request))
    except RuleViolation as error:
        _refused(request, error)
    return redirect("incidents:detail", pk=pk)


@require_POST
@require_permission("manage_incidents")
def incident_reported(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        services.mark_reported(get_object_or_404(Incident, pk=pk),
                               reference=request.POST.get("authority_reference", ""),
                               actor=_actor(request))
    except RuleViolation as error:
        _refused(request, error)
    return redirect("incidents:detail", pk=pk)


@require_POST
@require_permission("manage_incidents")
def incident_informed(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        services.mark_subjects_informed(get_object_or_404(Incident, pk=pk),
                                        actor=_actor(request))
    except RuleViolation as error:
        _refused(request, error)
    return redirect("incidents:detail", pk=pk)


@require_http_methods(["GET", "POST"])
@require_permission("manage_incidents")
def incident_close(request: HttpRequest, pk: int) -> HttpResponse:
    """GET, or a POST not sent from the confirmation form (no `confirmed=1`): the page that
    says what closing does. Only the confirmed POST closes (#15: destructive actions confirm)."""
    incident = get_object_or_404(Incident, pk=pk)
    error = ""
    if request.method == "POST" and request.POST.get("confirmed") == "1":
        try:
            services.close(incident, reason=request.POST.get("reason", ""),
                           actor=_actor(request))
        except RuleViolation as violation:
            error = gettext(violation.message)
        else:
            messages.success(request, gettext("Incident #%(number)s is closed.")
                             % {"number": incident.pk})
            return redirect("incidents:detail", pk=pk)
    return render(request, "incidents/close_confirm.html", {
        "incident": incident, "error": error, "reason": request.POST.get("reason", ""),
        "reason_length": services.REASON_LENGTH})


@require_http_methods(["GET", "POST"])
@require_permission("manage_incidents")
def incident_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    """GET, or a POST without `confirmed=1`: the page that says what reopening does. Only
    the confirmed POST with a reason reopens (services.reopen: audited). An incident that
    is not closed has nothing to reopen: back to its page with the refusal."""
    incident = get_object_or_404(Incident, pk=pk)
    if incident.status != IncidentStatus.CLOSED:
        messages.error(request, gettext("Only a closed incident can be reopened."))
        return redirect("incidents:detail", pk=pk)
    error = ""
    if request.method == "POST" and request.POST.get("confirmed") == "1":
        try:
            services.reopen(incident, reason=request.POST.get("reason", ""),
                            actor=_actor(request))
        except RuleViolation as violation:
            error = gettext(violation.message)
        else:
            messages.success(request, gettext("Incident #%(number)s is open again.")
                             % {"number": incident.pk})
            return redirect("incidents:detail", pk=pk)
    return render(request, "incidents/reopen_confirm.html", {
        "incident": incident, "error": error, "reason": request.POST.get("reason", ""),
        "reason_length": services.REASON_LENGTH,
        "back_on_the_clock": incident.kind == IncidentKind.BREACH
        and incident.reported_at is None})
