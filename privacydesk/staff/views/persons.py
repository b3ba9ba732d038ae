"""Persons: the list (search by e-mail or name), a new person, and the audited detail view.

The detail page shows nothing until a purpose is chosen; the read is then audited with
that purpose (Sec4) and shows only the categories the staff role may see (Sec1).
"""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from privacydesk.policy.active import get_policy
from privacydesk.policy.errors import RestrictedError, RuleViolation
from privacydesk.register import services
from privacydesk.register.fields import FIELDS
from privacydesk.register.models import Name, Person
from privacydesk.staff import permissions, person_labels
from privacydesk.staff.forms.data import spec_label
from privacydesk.staff.forms.persons import PersonCreateForm, PurposeForm, SearchForm
from privacydesk.staff.forms.violations import show_violation
from privacydesk.staff.views.common import PAGE_SIZE, actor, lang, person_or_404, purpose_choices


def _search(query: str, may_see_names: bool) -> Any:
    """Persons matching an e-mail address (exactly) or every word of a name."""
    if "@" in query:
        # By blind index only: e-mail addresses are encrypted and never scanned.
        found = services.find_person_by_email(query)
        return [found] if found is not None else []
    people = Person.objects.all()
    if query and may_see_names:
        words = query.split()
        matches = Name.objects.all()
        for word in words:
            matches = matches.filter(Q(given_names__icontains=word) | Q(infix__icontains=word)
                                     | Q(family_name__icontains=word))
        people = people.filter(pk__in=matches.values("person_id"))
    return people.prefetch_related("roles", "name_set").order_by("-id")


@require_GET
def person_list(request: HttpRequest) -> HttpResponse:
    """Paginated persons; names are shown only to roles that may see names."""
    form = SearchForm(request.GET or None)
    query = form.cleaned_data["q"].strip() if form.is_valid() else ""
    may_see_names = person_labels.may_see_names(request.user)
    found: Any = _search(query, may_see_names)
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [{"ref": p.ref, "name": p.display_name() if may_see_names else "",
             "roles": sorted({r.kind for r in p.roles.all() if r.ended_on is None})}
            for p in page.object_list]
    return render(request, "staff/person_list.html",
                  {"form": form, "page": page, "rows": rows, "query": query})


@require_http_methods(["GET", "POST"])
def person_create(request: HttpRequest) -> HttpResponse:
    """A person with a first role and name, in one transaction: all of it or nothing."""
    form = PersonCreateForm(request.POST or None, lang=lang())
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                person = services.create_person(actor=actor(request), purpose=data["purpose"],
                                                source=data["source"])
                services.add_role(person, data["role"], actor=actor(request),
                                  organisation=data["organisation"])
                services.add_datum(
                    person, "names", {k: data[k] for k in ("given_names", "infix",
                                                            "family_name")},
                    source=data["source"], purpose=data["purpose"], basis=data["basis"],
                    actor=actor(request))
        except RuleViolation as error:
            show_violation(form, error, {"kind": "role"})
        else:
            return redirect("staff:person_detail", ref=person.ref)
    return render(request, "staff/person_form.html", {"form": form})


def _sections(view: services.PersonView, visible: frozenset[str]) -> list[dict[str, Any]]:
    """One section per category the reader may see, each datum with labelled values."""
    sections = []
    for key in get_policy().categories:
        if key not in visible:
            continue  # Sec1: hidden categories are not even named on the page
        rows = [{"datum": d, "fields": [(spec_label(spec, lang()), d.values.get(spec.name))
                                        for spec in FIELDS[key]]}
                for d in view.data.get(key, ())]
        sections.append({"key": key, "rows": rows})
    return sections


@require_GET
def person_detail(request: HttpRequest, ref: object) -> HttpResponse:
    """Ask for the purpose, then show the audited read of the person."""
    person = person_or_404(ref)
    form = PurposeForm(request.GET or None, purposes=purpose_choices(request.user))
    context: dict[str, object] = {"person": person, "form": form, "view": None}
    if request.GET and form.is_valid():
        purpose = form.cleaned_data["purpose"]
        try:
            view = services.read_person(
                person, actor=actor(request), purpose=purpose,
                staff_role=request.user.staff_role)  # type: ignore[union-attr]
        except RestrictedError as error:
            show_violation(form, error, {"restricted": "purpose"})
        else:
            context["view"] = view
            context["sections"] = _sections(view, permissions.visible_categories(request.user))
        context["purpose"] = purpose
        context["roles"] = person.roles.select_related("organisation").all()
    return render(request, "staff/person_detail.html", context)
