"""Back-office steps to match a request to a person (#15 blocker 2): the register search
with its candidates, "This person", "No data held", and "Mark verified" — which answers a
missing person with a message naming the rule, never a server error.

Searches are POSTed, so no name, address or number ends up in a URL (browser history,
proxies). Views only translate; the rules are in `_matching` and `verification`.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext, gettext_lazy
from django.views.decorators.http import require_POST

from privacydesk.policy.errors import RuleViolation
from privacydesk.requests import _matching, verification
from privacydesk.requests._steps import PERMISSION, actor, get, step
from privacydesk.staff.access import require_permission
from privacydesk.staff.permissions import visible_categories
from privacydesk.staff.person_labels import short_reference

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


def _criteria(request: HttpRequest) -> dict[str, str]:
    return {name: request.POST.get(name, "") for name in
            ("name", "email", "phone", "postcode", "house_number")}


@require_POST
@require_permission(PERMISSION)
def match(request: HttpRequest, uid: str) -> HttpResponse:
    """Search the register with the posted criteria; show the candidates (name — for a role
    that may see names, Sec1 —, short reference, what matched) with "This person", or "No
    data held" when there are none."""
    found = get(uid)
    criteria = _criteria(request)
    visible = visible_categories(request.user)
    error, candidates, query = "", [], None
    try:
        cleaned = _matching.clean_query(**criteria)
        candidates = _matching.search_for(found, cleaned, actor=actor(request),
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


# Tie the request to the chosen candidate ("This person").
link = step("link", lambda q, r: _matching.link_person(
    r, q.POST.get("person_ref", ""), actor=actor(q), matched_on=q.POST.get("matched_on", "")),
    gettext_lazy("The person is linked to this request. Check the identity, then mark it "
                 "verified."), explain)
# Record "no data held" after a search (its criteria are posted again) found nobody.
no_data = step("no_data", lambda q, r: _matching.record_no_data_held(
    r, _matching.clean_query(**_criteria(q)), actor=actor(q),
    visible=visible_categories(q.user)),
    lambda found: gettext("Recorded: no data held. The person was told by e-mail.")
    if found.answered_at else gettext("Recorded: no data held. Answer the person by post or "
                                      "telephone below."), explain)
# Mark verified by staff: needs the matched person and how the identity was checked;
# without them a message names the rule and nothing changes.
verify = step("verify", lambda q, r: verification.verify_by_staff(
    r, q.POST.get("person_ref", "").strip(), actor=actor(q), note=q.POST.get("note", "")),
    gettext_lazy("Verified."), explain)
