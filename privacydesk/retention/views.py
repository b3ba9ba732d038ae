"""Staff pages: the retention plan, the sweep runs, and legal holds (privacy officer).

Views only translate: the rules live in services (holds), plan (what goes when) and runs
(what a sweep deleted). People are shown by name and short reference, rules by their
policy label — never a UUID or a rule id (#15).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from privacydesk.policy.errors import RuleViolation
from privacydesk.retention import plan as planning
from privacydesk.retention import runs, services
from privacydesk.retention.models import DeletionReceipt, LegalHold
from privacydesk.staff.access import require_permission
from privacydesk.staff.labels import page_language
from privacydesk.staff.person_labels import may_see_names, person_labels
from privacydesk.staff.views.common import person_or_404

# Holds serve legal claims (Art. 17(3)(e)); the policy says which staff role handles
# data-subject rights — in InFactor's policy the privacy officer.
HOLDS = "handle_requests"
PLAN_PAGE = 50      # plan rows (a person's data of one category under one rule) per page
RUNS_SHOWN = 10     # latest sweep runs on the overview
RECEIPTS_PAGE = 100


def _who(request: HttpRequest, refs: Iterable[str]) -> dict[str, str]:
    # One batch for the page: "Anna de Vries (P-1A2B3C4D)", the name only for roles that
    # may see names (Sec1).
    return person_labels({r for r in refs if r}, with_names=may_see_names(request.user))


@require_http_methods(["GET"])
@require_permission(HOLDS)
def overview(request: HttpRequest) -> HttpResponse:
    rows = planning.plan(days=30)
    page = Paginator(rows, PLAN_PAGE).get_page(request.GET.get("page"))
    who = _who(request, (r.person_ref for r in page))
    days = [{"date": day.date, "count": day.count, "rules": [
        {"rule_id": group.rule_id, "count": group.count,
         "rows": [(row, who.get(row.person_ref, "")) for row in group.rows]}
        for group in day.rules]} for day in planning.by_day_and_rule(page.object_list)]
    return render(request, "retention/overview.html", {
        "days": days, "page": page, "plan_total": sum(r.count for r in rows),
        "plan_people": len({r.person_ref for r in rows if r.person_ref}),
        "runs": runs.latest(RUNS_SHOWN),
        "receipts": DeletionReceipt.objects.exclude(kind=DeletionReceipt.RETENTION)
        .order_by("-at", "-id")[:20],
        "holds": LegalHold.objects.filter(lifted_at__isnull=True).select_related("person")})


@require_http_methods(["GET"])
@require_permission(HOLDS)
def sweep_run(request: HttpRequest, first: int) -> HttpResponse:
    """One sweep run: its totals per rule (with the law) and its receipts, paginated."""
    try:
        receipts = runs.receipts_of(first)
    except DeletionReceipt.DoesNotExist:
        raise Http404("no such sweep run") from None
    run = runs.summary(receipts)
    laws = runs.laws(receipts, page_language())
    page = Paginator(receipts, RECEIPTS_PAGE).get_page(request.GET.get("page"))
    who = _who(request, (r.person_ref for r in page))
    rows: list[tuple[DeletionReceipt, Any]] = [(r, who.get(r.person_ref, "—")) for r in page]
    return render(request, "retention/sweep_run.html", {
        "run": run, "by_rule": [(rule_id, n, laws.get(rule_id, "")) for rule_id, n
                                in run.by_rule],
        "page": page, "rows": rows})


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
