"""Guard pages: the CSRF-failure view (a break-in signal) and the staff pages of the offender
register (privacy officer, service engineer). Views only translate; services decide."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.csrf import csrf_failure as django_csrf_failure
from django.views.decorators.http import require_http_methods, require_POST

from privacydesk.guard import rules, services
from privacydesk.guard.models import AllowListEntry, Offender
from privacydesk.guard.runtime import get_guard, signal_request
from privacydesk.policy.errors import RuleViolation
from privacydesk.staff.access import require_staff_role
from privacydesk.staff.views.common import actor

GUARD_ROLES = ("privacy_officer", "service_engineer")
BASE = "base.html"  # the site's layout (privacydesk/templates), which the guard's pages extend


@login_not_required
def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """CSRF_FAILURE_VIEW: count the failure as a break-in signal, then Django's 403 page."""
    signal_request(request, rules.CSRF_FAILED)
    return django_csrf_failure(request, reason="")


@require_staff_role(*GUARD_ROLES)
def register(request: HttpRequest) -> HttpResponse:
    """The offender register and the allow-list."""
    return render(request, "guard/register.html", {
        "base": BASE, "now": timezone.now(), "offenders": Offender.objects.all()[:500],
        "allowed": AllowListEntry.objects.all()})


@require_http_methods(["GET", "POST"])
@require_staff_role(*GUARD_ROLES)
def lift(request: HttpRequest, pk: int) -> HttpResponse:
    """GET, or a POST not sent from the confirmation form (no `confirmed=1`): the page that
    says what lifting the ban does. Only the confirmed POST lifts (#15: destructive actions
    confirm)."""
    offender = get_object_or_404(Offender, pk=pk)
    if request.method != "POST" or request.POST.get("confirmed") != "1":
        return render(request, "guard/lift_confirm.html", {
            "base": BASE, "offender": offender,
            "banned": offender.ban_until is not None and offender.ban_until > timezone.now()})
    services.lift_ban(offender, actor=actor(request))
    get_guard().bans.note_lift(offender.address)
    messages.success(request, _("Ban lifted."))
    return redirect("guard:register")


@require_POST
@require_staff_role(*GUARD_ROLES)
def allow(request: HttpRequest) -> HttpResponse:
    try:
        services.allow(request.POST.get("network", ""), actor=actor(request),
                       note=request.POST.get("note", ""))
    except RuleViolation as error:
        messages.error(request, f"{error.field}: {_(error.message)}")
    get_guard().bans.expire()
    return redirect("guard:register")


@require_POST
@require_staff_role(*GUARD_ROLES)
def disallow(request: HttpRequest, pk: int) -> HttpResponse:
    services.disallow(get_object_or_404(AllowListEntry, pk=pk), actor=actor(request))
    get_guard().bans.expire()
    return redirect("guard:register")


@require_staff_role(*GUARD_ROLES)
def export(request: HttpRequest) -> HttpResponse:
    """Download the blocklist for a firewall: ?fmt=plain (default) or ?fmt=nft."""
    fmt = "nft" if request.GET.get("fmt") == "nft" else "plain"
    response = HttpResponse(services.export_blocklist(fmt), content_type="text/plain")
    name = "privacydesk-blocklist.nft" if fmt == "nft" else "privacydesk-blocklist.txt"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
