"""Organisations and agreements (P3, D2): lists, creation and the agreement's detail."""

from __future__ import annotations

import re
import uuid

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from privacydesk.policy.errors import RuleViolation
from privacydesk.register import services
from privacydesk.register.models import Agreement, Organisation, Person
from privacydesk.staff.access import require_permission
from privacydesk.staff.forms.agreements import AgreementForm, OrganisationForm, RecipientFormSet
from privacydesk.staff.forms.violations import show_violation
from privacydesk.staff.views.common import PAGE_SIZE, actor, lang

_RECIPIENT_FIELD = re.compile(r"recipients\[(\d+)\]\.(\w+)")


@require_http_methods(["GET", "POST"])
def organisation_list(request: HttpRequest) -> HttpResponse:
    """Organisations (business data) and a form to add one."""
    form = OrganisationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.create_organisation(form.cleaned_data["name"], actor=actor(request),
                                         coc_number=form.cleaned_data["coc_number"])
        except RuleViolation as error:
            show_violation(form, error)
        else:
            return redirect("staff:organisation_list")
    page = Paginator(Organisation.objects.all(), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "staff/organisation_list.html", {"form": form, "page": page})


@require_GET
def agreement_list(request: HttpRequest) -> HttpResponse:
    agreements = Agreement.objects.select_related("organisation").all()
    page = Paginator(agreements, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "staff/agreement_list.html", {"page": page})


def _parties(text: str) -> list[Person]:
    """Persons named one per line by e-mail address (blind index) or reference."""
    people: list[Person] = []
    for line in filter(None, (raw.strip() for raw in text.splitlines())):
        person: Person | None
        if "@" in line:
            person = services.find_person_by_email(line)
        else:
            try:
                person = Person.objects.filter(ref=uuid.UUID(line)).first()
            except ValueError:
                person = None
        if person is None:
            raise RuleViolation("parties", "P3", f"no person is known as {line!r}")
        people.append(person)
    return people


@require_permission("manage_agreements")
@require_http_methods(["GET", "POST"])
def agreement_create(request: HttpRequest) -> HttpResponse:
    """An agreement with parties and recipients, stored whole or not at all."""
    form = AgreementForm(request.POST or None)
    recipients = RecipientFormSet(request.POST or None, prefix="recipients",
                                  form_kwargs={"lang": lang()})
    if request.method == "POST" and form.is_valid() and recipients.is_valid():
        data = form.cleaned_data
        filled = [(f, row) for f in recipients.forms if (row := f.row()) is not None]
        rows = [row for _, row in filled]
        try:
            agreement = services.create_agreement(
                data["kind"], data["reference"], data["title"], data["starts_on"],
                data["ends_on"], parties=_parties(data["parties"]), recipients=rows,
                organisation=data["organisation"], actor=actor(request))
        except RuleViolation as error:
            match = _RECIPIENT_FIELD.fullmatch(error.field)
            if match and int(match[1]) < len(filled):  # D2: on the recipient row it names
                show_violation(filled[int(match[1])][0], error,
                               {error.field: match[2]})
            else:
                show_violation(form, error, {"person": "parties"})
        else:
            return redirect("staff:agreement_detail", pk=agreement.pk)
    return render(request, "staff/agreement_form.html", {"form": form, "recipients": recipients})


@require_GET
def agreement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    agreement = get_object_or_404(Agreement.objects.select_related("organisation"), pk=pk)
    parties = [p.person for p in agreement.parties.select_related("person")]
    return render(request, "staff/agreement_detail.html", {
        "agreement": agreement, "parties": parties,
        "recipients": agreement.recipients.all()})
