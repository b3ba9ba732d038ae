"""Back-office steps to match a request to a person (#15 blocker 2): the register search
with its candidates, "This person", "No data held", and "Mark verified" — which answers a
missing person with a message naming the rule, never a server error.

Searches are POSTed, so no name, address or number ends up in a URL (browser history,
proxies). Views only translate; the rules are in `_matching` and `verification`.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext, gettext_lazy
from django.views.decorators.http import require_POST

from privacydesk.policy.errors import RuleViolation
from privacydesk.requests import _matching, verification
from privacydesk.requests.models import DataSubjectRequest
from privacydesk.staff.access import require_permission
from privacydesk.staff.permissions import visible_categories
from privacydesk.staff.person_labels import short_reference

PERMISSION = "handle_requests"

#: How a RuleViolation's field is named to staff.
FIELDS = {
    "name": gettext_lazy("Name"), "email": gettext_lazy("E-mail address"),
    "phone": gettext_lazy("Telephone number"), "postcode": gettext_lazy("Postcode"),
    "house_number": gettext_lazy("House number"), "person_ref": gettext_lazy("Person"),
    "note": gettext_lazy("How was the identity checked?"), "status": gettext_lazy("Status"),
    "kind": gettext_lazy("Kind"),
}
#: How a candidate's criteria are named to staff.
MATCHED_ON = {
    "name": gettext_lazy("name"), "email": gettext_lazy("e-mail address"),
    "phone": gettext_lazy("telephone number"),
    "postcode": gettext_lazy("postcode + house number"),
}


def explain(error: RuleViolation, fields: Mapping[str, object] | None = None) -> str:
    """A RuleViolation as staff read it: the field's name, the message, the rule."""
    field = (fields or FIELDS).get(error.field, error.field)
    # Services keep their messages in English (gettext_noop: the API and the audit read
    # one language); the page shows them in the staff member's language.
    return gettext("%(field)s: %(message)s (rule %(rule)s)") % {
        "field": field, "message": gettext(error.message), "rule": error.rule}


def _get(uid: str) -> DataSubjectRequest:
    found = DataSubjectRequest.objects.filter(uid=uid).first()
    if found is None:
        raise Http404("no such request")
    return found


def _actor(request: HttpRequest) -> str:
    return str(request.user.get_username())


def _criteria(request: HttpRequest) -> dict[str, str]:
    return {name: request.POST.get(name, "") for name in
            ("name", "email", "phone", "postcode", "house_number")}


@require_POST
@require_permission(PERMISSION)
def match(request: HttpRequest, uid: str) -> HttpResponse:
    """Search the register with the posted criteria; show the candidates (name — for a role
    that may see names, Sec1 —, short reference, what matched) with "This person", or "No
    data held" when there are none."""
    found = _get(uid)
    criteria = _criteria(request)
    visible = visible_categories(request.user)
    error, candidates, query = "", [], None
    try:
        cleaned = _matching.clean_query(**criteria)
        candidates = _matching.search_for(found, cleaned, actor=_actor(request),
                                          visible=visible)
        query = cleaned  # searched: a refused search offers no "no data held"
    except RuleViolation as exc:
        error = explain(exc)
    rows = [{"candidate": c, "short": short_reference(c.ref),
             "matched_on": ", ".join(str(MATCHED_ON[m]) for m in c.matched_on),
             "matched_keys": ",".join(c.matched_on)} for c in candidates]
    return render(request, "requests/match.html", {
        "r": found, "criteria": criteria, "error": error, "rows": rows,
        "searched": query is not None, "may_say_no_data": query is not None and not rows
        and not found.person_ref, "with_names": "names" in visible,
        **search_context(request)}, status=200 if not error else 422)


def search_context(request: HttpRequest) -> dict[str, object]:
    """What the register search form (requests/_match_form.html) needs: the criteria the
    staff member's role may search by (Sec1)."""
    return {"searchable": _matching.searchable(visible_categories(request.user))}


@require_POST
@require_permission(PERMISSION)
def link(request: HttpRequest, uid: str) -> HttpResponse:
    """Tie the request to the chosen candidate ("This person")."""
    found = _get(uid)
    try:
        _matching.link_person(found, request.POST.get("person_ref", ""), actor=_actor(request),
                              matched_on=request.POST.get("matched_on", ""))
    except RuleViolation as exc:
        messages.error(request, explain(exc))
    else:
        messages.success(request, gettext(
            "The person is linked to this request. Check the identity, then mark it "
            "verified."))
    return redirect("requests:detail", uid=uid)


@require_POST
@require_permission(PERMISSION)
def no_data(request: HttpRequest, uid: str) -> HttpResponse:
    """Record "no data held" after a search (its criteria are posted again) found nobody."""
    found = _get(uid)
    try:
        query = _matching.clean_query(**_criteria(request))
        _matching.record_no_data_held(found, query, actor=_actor(request),
                                      visible=visible_categories(request.user))
    except RuleViolation as exc:
        messages.error(request, explain(exc))
    else:
        messages.success(request, gettext(
            "Recorded: no data held. The person was told by e-mail.") if found.answered_at
            else gettext("Recorded: no data held. Answer the person by post or telephone "
                         "below."))
    return redirect("requests:detail", uid=uid)


@require_POST
@require_permission(PERMISSION)
def verify(request: HttpRequest, uid: str) -> HttpResponse:
    """Mark verified by staff: needs the matched person and how the identity was checked;
    without them a message names the rule and nothing changes."""
    found = _get(uid)
    try:
        verification.verify_by_staff(found, request.POST.get("person_ref", "").strip(),
                                     actor=_actor(request), note=request.POST.get("note", ""))
    except RuleViolation as exc:
        messages.error(request, explain(exc))
    else:
        messages.success(request, gettext("Verified."))
    return redirect("requests:detail", uid=uid)
