"""Add, change and delete one datum; add and end roles. Every write is a register service
call; a RuleViolation is shown next to the field it names and nothing is stored."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from privacydesk.policy.errors import RuleViolation
from privacydesk.register import services
from privacydesk.register.models import Datum, Person, Role
from privacydesk.staff.access import ensure_category
from privacydesk.staff.forms.data import DatumForm, DeleteForm
from privacydesk.staff.forms.persons import RoleAddForm, RoleEndForm
from privacydesk.staff.forms.violations import show_violation
from privacydesk.staff.views.common import actor, lang, person_or_404, purpose_choices
from privacydesk.vault import audit


def _datum(person: Person, category: str, pk: int) -> Datum:
    datum = get_object_or_404(services.model_for(category), person=person, pk=pk)
    datum.person = person
    return datum


def _back(person: Person, purpose: str | None) -> str:
    url = reverse("staff:person_detail", kwargs={"ref": person.ref})
    return f"{url}?purpose={purpose}" if purpose else url


@require_http_methods(["GET", "POST"])
def datum_add(request: HttpRequest, ref: object, category: str) -> HttpResponse:
    ensure_category(request.user, category)  # Sec1: only categories the role may see
    person = person_or_404(ref)
    form = DatumForm(request.POST or None, category=category, lang=lang(), person=person,
                     adding=True, purposes=purpose_choices(request.user, include_rights=False))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.add_datum(person, category, form.values(), source=data["source"],
                               purpose=data["purpose"], basis=data["basis"],
                               agreement=data["agreement"], actor=actor(request))
        except RuleViolation as error:
            show_violation(form, error, {"legal_basis": "basis"})
        else:
            return redirect(_back(person, data["purpose"]))
    return render(request, "staff/datum_form.html",
                  {"form": form, "person": person, "category": category, "adding": True})


@require_http_methods(["GET", "POST"])
def datum_edit(request: HttpRequest, ref: object, category: str, pk: int) -> HttpResponse:
    ensure_category(request.user, category)
    person = person_or_404(ref)
    datum = _datum(person, category, pk)
    purposes = purpose_choices(request.user)
    initial: dict[str, Any] = {}
    purpose = request.GET.get("purpose", "")
    if request.method == "GET":
        if purpose not in dict(purposes) or not services.is_usable(datum, purpose):
            return redirect(_back(person, None))  # Sec4: no view without a usable purpose
        initial = {**datum.get_values(), "purpose": purpose}
        audit.audit_read(actor=actor(request), object_type=datum._meta.label_lower,
                         person_ref=str(person.ref), purpose=purpose, object_id=str(datum.pk),
                         detail={"category": category})
    form = DatumForm(request.POST or None, initial=initial, category=category, lang=lang(),
                     person=person, adding=False, purposes=purposes)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_datum(datum, form.values(), actor=actor(request),
                                  purpose=form.cleaned_data["purpose"])
        except RuleViolation as error:
            show_violation(form, error, {"restricted": "purpose"})
        else:
            return redirect(_back(person, form.cleaned_data["purpose"]))
    return render(request, "staff/datum_form.html",
                  {"form": form, "person": person, "category": category, "adding": False})


@require_http_methods(["GET", "POST"])
def datum_delete(request: HttpRequest, ref: object, category: str, pk: int) -> HttpResponse:
    ensure_category(request.user, category)
    person = person_or_404(ref)
    datum = _datum(person, category, pk)
    form = DeleteForm(request.POST or None, purposes=purpose_choices(request.user),
                      initial={"purpose": request.GET.get("purpose", "")})
    if request.method == "POST" and form.is_valid():
        try:
            services.delete_datum(datum, actor=actor(request),
                                  purpose=form.cleaned_data["purpose"])
        except RuleViolation as error:
            show_violation(form, error)
        else:
            return redirect(_back(person, form.cleaned_data["purpose"]))
    return render(request, "staff/datum_delete.html",
                  {"form": form, "person": person, "category": category, "datum": datum})


@require_http_methods(["GET", "POST"])
def person_roles(request: HttpRequest, ref: object) -> HttpResponse:
    """The person's roles (S1): list them, add one, end one."""
    person = person_or_404(ref)
    form = RoleAddForm(request.POST or None, lang=lang())
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.add_role(person, data["kind"], actor=actor(request),
                              organisation=data["organisation"], started_on=data["started_on"])
        except RuleViolation as error:
            show_violation(form, error)
        else:
            return redirect("staff:person_roles", ref=person.ref)
    roles = person.roles.select_related("organisation").all()
    return render(request, "staff/person_roles.html",
                  {"person": person, "form": form, "roles": roles, "end_form": RoleEndForm()})


@require_POST
def role_end(request: HttpRequest, ref: object, pk: int) -> HttpResponse:
    person = person_or_404(ref)
    role = get_object_or_404(Role, person=person, pk=pk)
    form = RoleEndForm(request.POST)
    if form.is_valid():
        try:
            services.end_role(role, form.cleaned_data["ended_on"], actor=actor(request))
        except RuleViolation as error:
            show_violation(form, error)
    if form.errors:
        roles = person.roles.select_related("organisation").all()
        return render(request, "staff/person_roles.html",
                      {"person": person, "form": RoleAddForm(lang=lang()), "roles": roles,
                       "end_form": form, "end_role": role}, status=400)
    return redirect("staff:person_roles", ref=person.ref)
