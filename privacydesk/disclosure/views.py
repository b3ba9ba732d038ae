"""Back-office pages for disclosures (D1, D2) and consent requests (D3).

Every page needs the policy permission "disclose_data" (deny by default, Sec3). A staff
member passes on only categories their role may see (Sec1). The pages show refs, recipients,
categories and bases — never data values. Views translate; the rules are the gate's and the
consent service's, and their RuleViolation is shown on the field it names.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from privacydesk.disclosure import consent as consents
from privacydesk.disclosure import gate
from privacydesk.disclosure.common import staff_may_disclose
from privacydesk.disclosure.forms import ConsentForm, DisclosureForm
from privacydesk.disclosure.models import ConsentRequest, Disclosure
from privacydesk.policy.errors import RuleViolation
from privacydesk.register.models import Person
from privacydesk.staff.access import require_permission
from privacydesk.staff.forms.violations import show_violation
from privacydesk.staff.views.common import actor

PERMISSION = "disclose_data"
PAGE = 50


def _person(form: Any) -> Person | None:
    person = Person.objects.filter(ref=form.cleaned_data["person"]).first()
    if person is None:
        form.add_error("person", "no person has this ref [exists]")
    return person


def _role(request: HttpRequest) -> str:
    return str(getattr(request.user, "staff_role", ""))


def _ref(value: str) -> UUID | None:
    try:
        return UUID(value.strip())
    except ValueError:
        return None


@require_GET
@require_permission(PERMISSION)
def disclosure_log(request: HttpRequest) -> HttpResponse:
    """The log, newest first; filter by person ref and/or recipient (contains)."""
    rows = Disclosure.objects.select_related("consent")
    person, recipient = request.GET.get("person", ""), request.GET.get("recipient", "")
    if person.strip():
        ref = _ref(person)
        rows = rows.filter(person_ref=ref) if ref else rows.none()
    if recipient.strip():
        rows = rows.filter(recipient__icontains=recipient.strip())
    page = Paginator(rows, PAGE).get_page(request.GET.get("page"))
    return render(request, "disclosure/log.html",
                  {"page": page, "person": person, "recipient": recipient})


@require_http_methods(["GET", "POST"])
@require_permission(PERMISSION)
def disclosure_new(request: HttpRequest) -> HttpResponse:
    """Register a disclosure through the gate; a refusal names the field and the rule."""
    form = DisclosureForm(request.POST or None,
                          initial={"person": request.GET.get("person", "")})
    if request.method == "POST" and form.is_valid():
        person = _person(form)
        if person is not None:
            data = form.cleaned_data
            try:
                staff_may_disclose(_role(request), data["categories"])
                row = gate.disclose(person, data["recipient"], data["categories"],
                                    data["purpose"], actor=actor(request),
                                    **form.basis_kwargs())
            except RuleViolation as error:
                show_violation(form, error)
            else:
                messages.success(request, _("Disclosure #%(number)s to %(recipient)s is logged "
                                   "(%(basis)s).") % {"number": row.pk,
                                                      "recipient": row.recipient,
                                                      "basis": row.basis})
                return redirect("disclosure:log")
    return render(request, "disclosure/new.html", {"form": form})


@require_GET
@require_permission(PERMISSION)
def consent_list(request: HttpRequest) -> HttpResponse:
    rows = ConsentRequest.objects.all()
    ref = _ref(request.GET.get("person", ""))
    if ref is not None:
        rows = rows.filter(person_ref=ref)
    page = Paginator(rows, PAGE).get_page(request.GET.get("page"))
    return render(request, "disclosure/consent_list.html",
                  {"page": page, "person": request.GET.get("person", "")})


@require_http_methods(["GET", "POST"])
@require_permission(PERMISSION)
def consent_new(request: HttpRequest) -> HttpResponse:
    """Ask a person's consent (D3): the request is e-mailed; nothing is shared before."""
    form = ConsentForm(request.POST or None, initial={"person": request.GET.get("person", "")})
    if request.method == "POST" and form.is_valid():
        person = _person(form)
        if person is not None:
            data = form.cleaned_data
            try:
                staff_may_disclose(_role(request), data["categories"])
                asked = consents.request_consent(
                    person, data["recipient"], data["categories"], data["purpose"],
                    data["explanation"], actor=actor(request), language=data["language"])
            except RuleViolation as error:
                show_violation(form, error)
            else:
                messages.success(request, _("The consent request was e-mailed to the person."))
                return redirect("disclosure:consent_detail", uid=asked.uid)
    return render(request, "disclosure/consent_new.html", {"form": form})


def _consent(uid: UUID) -> ConsentRequest:
    found = ConsentRequest.objects.filter(uid=uid).first()
    if found is None:
        raise Http404("no such consent request")
    return found


@require_GET
@require_permission(PERMISSION)
def consent_detail(request: HttpRequest, uid: UUID) -> HttpResponse:
    found = _consent(uid)
    return render(request, "disclosure/consent_detail.html", {
        "consent": found, "state": found.state(),
        "disclosures": found.disclosures.order_by("-disclosed_at")[:100]})


@require_POST
@require_permission(PERMISSION)
def consent_withdraw(request: HttpRequest, uid: UUID) -> HttpResponse:
    """Record a withdrawal the person made by phone, letter or e-mail (Art. 7(3))."""
    try:
        consents.withdraw_by_staff(_consent(uid), actor=actor(request))
    except RuleViolation as error:
        messages.error(request, f"{error.field}: {_(error.message)} [{error.rule}]")
    else:
        messages.success(request, _("The withdrawal is recorded; nothing more is shared."))
    return redirect("disclosure:consent_detail", uid=uid)
