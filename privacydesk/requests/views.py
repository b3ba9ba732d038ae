"""Back-office pages for requests (Rt1–Rt6): the list by days left, a form to register a
request that came in by letter, telephone or in person, and one page per request with its
timeline and every step (verify, export, review, send, correct, erase, restrict,
object, close). Staff with "handle_requests" only; every step is audited by the services.
Views translate between HTTP and the services; a RuleViolation is shown on the page.
"""

from __future__ import annotations

from urllib.parse import urlencode
from uuid import UUID

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy, gettext_noop, pgettext
from django.views.decorators.http import require_GET, require_http_methods

from privacydesk.policy.errors import RuleViolation
from privacydesk.requests import (
    _picking_views,
    _systems_views,
    actions,
    intake,
    kinds,
    verification,
)
from privacydesk.requests import render as report_render
from privacydesk.requests._answers import answerable, no_data_held
from privacydesk.requests._matching_views import search_context
from privacydesk.requests._step_refusals import message as refusal_message
from privacydesk.requests._steps import PERMISSION, actor, get, step
from privacydesk.requests.forms import StaffRequestForm, received_at
from privacydesk.requests.list_form import RequestFilterForm
from privacydesk.requests.listing import OPEN, find_requests
from privacydesk.requests.listing import rows as listed_rows
from privacydesk.retention.erasure_receipt import ErasureReceipt
from privacydesk.staff.access import require_permission
from privacydesk.staff.forms.violations import show_violation
from privacydesk.staff.person_labels import may_see_names
from privacydesk.staff.views.common import PAGE_SIZE, lang
from privacydesk.vault import audit


@require_GET
@require_permission(PERMISSION)
def request_list(request: HttpRequest) -> HttpResponse:
    """Requests found by name, e-mail address or reference, filtered by status (open by
    default, fewest days left first) and kind, 25 a page, with both clocks (#15)."""
    form = RequestFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    query, status, kind = data.get("q", ""), data.get("status") or OPEN, data.get("kind", "")
    names = may_see_names(request.user)
    found = find_requests(query, status=status, kind=kind, with_names=names)
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "requests/list.html", {
        "form": form, "page": page,
        "rows": listed_rows(list(page.object_list), timezone.now(), with_names=names),
        "query": query, "params": urlencode({"status": status, "kind": kind})})


@require_http_methods(["GET", "POST"])
@require_permission(PERMISSION)
def request_new(request: HttpRequest) -> HttpResponse:
    """Register a request that came in by letter, telephone or in person (Rt5, Rt6): one
    transaction, audited ("request.received"); a broken rule is shown on its field."""
    form = StaffRequestForm(request.POST or None, lang=lang())
    aliases = {"received_at": "received_on", "message": "notes"}
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        # Every broken rule at once, each on its field (the service refuses the first).
        for problem in intake.staff_filing_problems(
                channel=data["channel"], name=data["name"], email=data["email"],
                address=data["address"], received_at=received_at(data["received_on"]),
                identity_checked=data["identity_checked"]):
            show_violation(form, problem, aliases)
    if request.method == "POST" and form.is_valid():   # and no rule broken
        try:
            filed = intake.file_staff_request(
                kind=data["kind"], channel=data["channel"], name=data["name"],
                email=data["email"], address=data["address"], message=data["notes"],
                language=data["language"], actor=actor(request),
                received_at=received_at(data["received_on"]),
                identity_checked=data["identity_checked"])
        except RuleViolation as error:
            show_violation(form, error, aliases)
        else:
            messages.success(request, pgettext("request intake", "%(reference)s is registered.")
                             % {"reference": filed.reference})
            return redirect("requests:detail", uid=filed.uid)
    return render(request, "requests/new.html", {"form": form})


@require_GET
@require_permission(PERMISSION)
def request_detail(request: HttpRequest, uid: UUID) -> HttpResponse:
    found = get(uid)
    # Opening the page shows the requester's details: an audited read (Sec4).
    audit.record(actor=actor(request), action="read", object_type="requests.datasubjectrequest",
                 object_id=str(found.pk), person_ref=found.person_ref,
                 purpose="data_subject_request", detail={"request": found.reference})
    contact = found.contact()
    receipt = found.detail.get("receipt")
    return render(request, "requests/detail.html", {
        "r": found, "contact": contact, "days_left": found.days_left(timezone.now()),
        # A request without an e-mail address (letter, telephone) is answered by post or
        # by telephone: the page shows what to send or say and the steps to record it.
        "can_answer": not answerable(found) and (not contact["email"] or no_data_held(found)),
        "receipt_text": ErasureReceipt.from_dict(receipt).render(found.language)
        if receipt else "",
        "events": found.events.all(), "deliveries": found.deliveries.all(),
        "kinds": kinds.ALL_KINDS[:-2] + (kinds.NONE,), "request_kinds": kinds.REQUEST_KINDS,
        **_picking_views.detail_context(request, found),  # correction/erasure by picking
        **search_context(request),  # the register search: only what the role may see
        **_systems_views.context(found)})  # #16.3: what each other system answered


@require_GET
@require_permission(PERMISSION)
def request_review(request: HttpRequest, uid: UUID) -> HttpResponse:
    """Review the access report before it is sent (an audited read, purpose access)."""
    found = get(uid)
    try:
        # With a section per declared system, each searched now (#16.3).
        document = actions.access_document(found, actor=actor(request))
    except RuleViolation as exc:
        messages.error(request, refusal_message(exc))
        return redirect("requests:detail", uid=uid)
    return render(request, "requests/review.html", {
        "r": found, "lines": report_render.lines(document)})


def _parse_values(text: str) -> dict[str, str]:
    values = {}
    for line in (text or "").splitlines():
        name, sep, value = line.partition(":")
        if sep and name.strip():
            values[name.strip()] = value.strip()
    if not values:
        raise RuleViolation("values", "format", gettext_noop(
            "write one 'field: new value' per line"))
    return values


set_kind = step("kind", lambda q, r: intake.set_kind(
    r, q.POST.get("kind", ""), actor=actor(q), reason=q.POST.get("reason", "")),
    gettext_lazy("Kind set; the clocks keep running from receipt."))
send_verification = step("verify_send", lambda q, r: verification.begin(r, actor=actor(q)),
                         gettext_lazy("Identity step done."))
send_export = step("export", lambda q, r: actions.send_export(r, actor=actor(q)),
                   gettext_lazy("Export sent as a single-use download link."))
# Erase (Rt3). Without an e-mail address the receipt goes by post: the page says so, and
# the request stays open until staff record the letter (`posted`).
erase = step("erase", lambda q, r: actions.erase(r, actor=actor(q)),
             _picking_views.erased_message)
posted = step("posted", lambda q, r: actions.answered_by_post(
    r, actor=actor(q), note=q.POST.get("note", "")),
    gettext_lazy("Recorded: the answer was sent by post."))
correct = step("correct", lambda q, r: actions.correct(
    r, q.POST.get("category", ""), _picking_views.datum_number(q.POST.get("datum")),
    _parse_values(q.POST.get("values", "")), actor=actor(q)),
    gettext_lazy("Corrected."))
restrict = step("restrict", lambda q, r: actions.restrict(r, actor=actor(q),
                                                          reason=q.POST.get("reason", "")),
                gettext_lazy("Restricted."))
objection = step("objection", lambda q, r: actions.record_objection(
    r, actor=actor(q), upheld=q.POST.get("upheld") == "yes", note=q.POST.get("note", "")),
    gettext_lazy("Objection recorded."))
confirm_done = step("done", lambda q, r: actions.confirm_done(
    r, q.POST.get("summary", ""), actor=actor(q)), gettext_lazy("The person was told."))
close = step("close", lambda q, r: actions.close(r, actor=actor(q),
                                                 note=q.POST.get("note", "")),
             gettext_lazy("Closed."))
