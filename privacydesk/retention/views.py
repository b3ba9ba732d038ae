"""Staff pages: the retention plan, recent receipts, and legal holds (privacy officer).

Views only translate: the rules live in services (holds) and plan (what goes when).
"""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from privacydesk.policy.errors import RuleViolation
from privacydesk.retention import plan as planning
from privacydesk.retention import services
from privacydesk.retention.models import DeletionReceipt, LegalHold
from privacydesk.staff.access import require_permission
from privacydesk.staff.views.common import person_or_404

# Holds serve legal claims (Art. 17(3)(e)); the policy says which staff role handles
# data-subject rights — in InFactor's policy the privacy officer.
HOLDS = "handle_requests"


@require_http_methods(["GET"])
@require_permission(HOLDS)
def overview(request: HttpRequest) -> HttpResponse:
    rows = planning.plan(days=30)
    return render(request, "retention/overview.html", {
        "plan": rows[:200], "plan_total": sum(r.count for r in rows),
        "receipts": DeletionReceipt.objects.order_by("-at", "-id")[:50],
        "holds": LegalHold.objects.filter(lifted_at__isnull=True).select_related("person")})


@require_http_methods(["GET", "POST"])
@require_permission(HOLDS)
def person_holds(request: HttpRequest, ref: str) -> HttpResponse:
    person = person_or_404(ref)
    error = None
    if request.method == "POST":
        raw_until = request.POST.get("until", "").strip()
        try:
            try:
                until = date.fromisoformat(raw_until) if raw_until else None
            except ValueError:
                raise RuleViolation("until", "format", "must be a date like 2026-12-31")
            services.create_hold(person, request.POST.get("reason", ""),
                                 actor=request.user.get_username(), until=until)
        except RuleViolation as exc:
            error = exc
        else:
            messages.success(request, _("Legal hold recorded."))
            return redirect("retention:person_holds", ref=person.ref)
    return render(request, "retention/holds.html", {
        "person": person, "error": error, "form": request.POST,
        "holds": LegalHold.objects.filter(person=person)}, status=400 if error else 200)


@require_POST
@require_permission(HOLDS)
def hold_lift(request: HttpRequest, pk: int) -> HttpResponse:
    hold = get_object_or_404(LegalHold, pk=pk, lifted_at__isnull=True)
    services.lift_hold(hold, actor=request.user.get_username())
    messages.success(request, _("Legal hold lifted."))
    return redirect("retention:person_holds", ref=hold.person.ref)
