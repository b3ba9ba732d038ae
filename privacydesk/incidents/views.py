"""Back-office pages for the incident register (Sec5). Staff with `manage_incidents` only.

The list links to one page per incident: what was reported, by whom, the assessment, the
72-hour clock (Art. 33(1)) and the actions. Closing and reopening ask for confirmation
first, on a page that says what will happen (#15)."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from privacydesk.incidents import services, work
from privacydesk.incidents.models import Incident, IncidentKind, IncidentStatus
from privacydesk.policy.errors import RuleViolation
from privacydesk.staff.access import require_permission
from privacydesk.staff.views.common import actor


def _change(request: HttpRequest, pk: int, change: Callable[[Incident], object]
            ) -> HttpResponse:
    """Apply `change` to incident `pk` and go back to its page, showing a refusal there."""
    try:
        change(get_object_or_404(Incident, pk=pk))
    except RuleViolation as error:
        messages.error(request, f"{error.field}: {gettext(error.message)} ({error.rule})")
    return redirect("incidents:detail", pk=pk)


def _confirmed(request: HttpRequest, incident: Incident, change: Callable[..., object],
               template: str, done: str, **context: object) -> HttpResponse:
    """GET, or a POST not sent from the confirmation form (no `confirmed=1`): the page
    `template` that says what `change` does. Only the confirmed POST applies it, with the
    reason given there (#15: destructive actions confirm)."""
    error = ""
    if request.method == "POST" and request.POST.get("confirmed") == "1":
        try:
            change(incident, reason=request.POST.get("reason", ""), actor=actor(request))
        except RuleViolation as violation:
            error = gettext(violation.message)
        else:
            messages.success(request, done % {"number": incident.pk})
            return redirect("incidents:detail", pk=incident.pk)
    return render(request, template, {
        "incident": incident, "error": error, "reason": request.POST.get("reason", ""),
        "reason_length": services.REASON_LENGTH, **context})


@require_GET
@require_permission("manage_incidents")
def incident_list(request: HttpRequest) -> HttpResponse:
    return render(request, "incidents/list.html",
                  {"incidents": Incident.objects.all()[:200]})


@require_GET
@require_permission("manage_incidents")
def incident_detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        incident = services.open_for_staff(pk, actor=actor(request))
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
    mark = (services.mark_not_breach if request.POST.get("breach", "1") == "0"
            else services.mark_breach)
    return _change(request, pk, lambda incident: mark(
        incident, reason=request.POST.get("reason", ""), actor=actor(request)))


@require_POST
@require_permission("manage_incidents")
def incident_reported(request: HttpRequest, pk: int) -> HttpResponse:
    return _change(request, pk, lambda incident: services.mark_reported(
        incident, reference=request.POST.get("authority_reference", ""), actor=actor(request)))


@require_POST
@require_permission("manage_incidents")
def incident_informed(request: HttpRequest, pk: int) -> HttpResponse:
    return _change(request, pk, lambda incident: services.mark_subjects_informed(
        incident, actor=actor(request)))


@require_http_methods(["GET", "POST"])
@require_permission("manage_incidents")
def incident_close(request: HttpRequest, pk: int) -> HttpResponse:
    """The confirmation page of closing; the confirmed POST closes."""
    return _confirmed(request, get_object_or_404(Incident, pk=pk), services.close,
                      "incidents/close_confirm.html",
                      gettext("Incident #%(number)s is closed."))


@require_http_methods(["GET", "POST"])
@require_permission("manage_incidents")
def incident_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    """The confirmation page of reopening; the confirmed POST with a reason reopens
    (services.reopen: audited). An incident that is not closed has nothing to reopen: back
    to its page with the refusal."""
    incident = get_object_or_404(Incident, pk=pk)
    if incident.status != IncidentStatus.CLOSED:
        messages.error(request, gettext("Only a closed incident can be reopened."))
        return redirect("incidents:detail", pk=pk)
    return _confirmed(request, incident, services.reopen, "incidents/reopen_confirm.html",
                      gettext("Incident #%(number)s is open again."),
                      back_on_the_clock=incident.kind == IncidentKind.BREACH
                      and incident.reported_at is None)
