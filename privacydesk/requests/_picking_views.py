"""Back-office pages for correction and erasure by picking (#15, Rt2, Rt3, Art. 19).

The request page shows the person's data after the purpose step (a button that says the
view is recorded with the request's right as purpose, Sec4); each row has "Corrigeren" or
the erasure preview. Correct: a form prefilled with the datum's values → a preview (old →
new, the recipients that will be told) → confirm, which runs `actions.correct`. Erase: a
preview (deleted, kept by which legal rule, recipients) → confirm, which posts to the
existing erase step. A broken rule is shown on its field in Dutch, naming the field and the
rule, and the form keeps what was typed. Views translate between HTTP and the services
(`requests._picking`, `requests.actions`); no rule lives here.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext, pgettext, pgettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from privacydesk.policy.errors import RuleViolation
from privacydesk.register.fields import FIELDS
from privacydesk.requests import _picking as picking
from privacydesk.requests import actions, kinds
from privacydesk.requests._picking_forms import CorrectionForm
from privacydesk.requests._steps import PERMISSION, actor, get, step
from privacydesk.requests.models import DataSubjectRequest, Status
from privacydesk.staff.access import require_permission
from privacydesk.staff.views.common import lang

SHOW = "data"  # ?show=data on the request page: the purpose step was taken

# The register's and the picking service's messages staff meet here, in Dutch (literal
# calls, so that makemessages keeps their catalogue entries; privacydesk.register.formats,
# requests._picking); a message with a value in it ("is longer than 200 characters") is
# explained by its rule instead.
MESSAGES = {
    "is required":
        pgettext_lazy("register rule", "is required"),
    "must be text":
        pgettext_lazy("register rule", "must be text"),
    "is not a telephone number":
        pgettext_lazy("register rule", "is not a telephone number"),
    "is not a valid telephone number":
        pgettext_lazy("register rule", "is not a valid telephone number"),
    "is not a valid e-mail address":
        pgettext_lazy("register rule", "is not a valid e-mail address"),
    "must be a Dutch postcode like 9726 AS":
        pgettext_lazy("register rule", "must be a Dutch postcode like 9726 AS"),
    "must be a two-letter country code such as NL":
        pgettext_lazy("register rule", "must be a two-letter country code such as NL"),
    "is not an IBAN":
        pgettext_lazy("register rule", "is not an IBAN"),
    "is not an IBAN (the check digits do not match)":
        pgettext_lazy("register rule", "is not an IBAN (the check digits do not match)"),
    "must be a BSN of 9 digits":
        pgettext_lazy("register rule", "must be a BSN of 9 digits"),
    "is not a valid BSN (11-test)":
        pgettext_lazy("register rule", "is not a valid BSN (11-test)"),
    "must be 6 to 20 letters or digits":
        pgettext_lazy("register rule", "must be 6 to 20 letters or digits"),
    "is not a VAT number":
        pgettext_lazy("register rule", "is not a VAT number"),
    "nothing changes: type the corrected value":
        pgettext_lazy("register rule", "nothing changes: type the corrected value"),
    "this person of the request has no such datum":
        pgettext_lazy("register rule", "this person of the request has no such datum"),
    "only a correction or erasure request picks data":
        pgettext_lazy("register rule", "only a correction or erasure request picks data"),
    "this person has no such datum":
        pgettext_lazy("register rule", "this person has no such datum"),
    "pick at least one datum to erase":
        pgettext_lazy("register rule", "pick at least one datum to erase"),
    "a legal rule obliges us to keep this datum (Art. 17(3) GDPR)":
        pgettext_lazy("register rule",
                      "a legal rule obliges us to keep this datum (Art. 17(3) GDPR)"),
}
_BY_RULE = {"required": pgettext_lazy("register rule", "is required"),
            "Art17(3)": pgettext_lazy(
                "register rule", "a legal rule obliges us to keep this datum (Art. 17(3) GDPR)"),
            "format": pgettext_lazy("register rule",
                                    "does not have the form this field needs")}
# Inputs a rule may name that are not a field of the form.
_INPUTS = {"datum": pgettext_lazy("register rule", "Picked datum"),
           "values": pgettext_lazy("register rule", "New values"),
           "category": pgettext_lazy("register rule", "Category"),
           "kind": pgettext_lazy("register rule", "Kind of request"),
           "status": pgettext_lazy("register rule", "Status of the request")}


def _staff_role(request: HttpRequest) -> str | None:
    return getattr(request.user, "staff_role", None)


def explain(error: RuleViolation, labels: dict[str, str]) -> str:
    """`error` in the page's language: the field's label, what is wrong, the rule id."""
    if error.message in MESSAGES:
        problem = str(MESSAGES[error.message])
    elif error.rule in _BY_RULE:
        problem = str(_BY_RULE[error.rule])  # a message with a value in it: by its rule
    else:
        problem = error.message
    field = labels.get(error.field) or str(_INPUTS.get(error.field, error.field))
    return gettext("%(field)s: %(problem)s (rule %(rule)s)") % {
        "field": field, "problem": problem, "rule": error.rule}


def detail_context(request: HttpRequest, found: DataSubjectRequest) -> dict[str, Any]:
    """What the request page adds for picking: `picking` (may this request pick: a
    verified correction or erasure request) and, after the purpose step (`?show=data`),
    `sections` (the audited read of the person's data) or `picking_error`."""
    may = found.status == Status.VERIFIED and found.kind in picking.PURPOSES \
        and bool(found.person_ref) and "receipt" not in found.detail  # erased: none left
    context: dict[str, Any] = {"picking": may, "picking_shown": False}
    if may and request.GET.get("show") == SHOW:
        context["picking_shown"] = True
        try:
            context["sections"] = picking.person_data(
                found, actor=actor(request), staff_role=_staff_role(request), lang=lang())
        except RuleViolation as error:
            context["picking_error"] = explain(error, {})
    return context


@require_http_methods(["GET", "POST"])
@require_permission(PERMISSION)
def correct_datum(request: HttpRequest, uid: UUID, category: str, datum: int) -> HttpResponse:
    """GET: the form of the picked datum, prefilled. POST step=preview: the preview (or the
    form with the broken rule on its field); step=edit: the form with the posted values;
    step=confirm: the correction (`actions.correct`), then the request page."""
    found = get(uid)
    try:
        labels = picking.field_labels(category, lang()) if category in FIELDS else {}
        if request.method == "GET":
            form = CorrectionForm(initial=picking.current_values(
                found, category, datum, actor=actor(request)), category=category, lang=lang())
            return _correct_page(request, found, form, category, datum)
        picking.datum_of(found, category, datum)  # the pick is this person's, or refused
    except RuleViolation as error:
        messages.error(request, explain(error, {}))
        return redirect("requests:detail", uid=uid)
    form = CorrectionForm(request.POST, category=category, lang=lang())
    step = request.POST.get("step", "preview")
    if step == "edit" or not form.is_valid():
        return _correct_page(request, found, form, category, datum)
    try:
        preview = picking.preview_correction(found, category, datum, form.values(), lang=lang())
        if step == "confirm":
            told = actions.correct(found, category, preview.datum_id, dict(preview.values),
                                   actor=actor(request))
            messages.success(request, gettext(
                "Corrected. Recipients to inform (Art. 19): %(names)s") % {
                "names": ", ".join(told) or pgettext("picking", "none")})
            return redirect("requests:detail", uid=uid)
    except RuleViolation as error:
        form.add_error(error.field if error.field in form.fields else None,
                       explain(error, labels))
        return _correct_page(request, found, form, category, datum)
    return render(request, "requests/correct_preview.html", {
        "r": found, "form": form, "preview": preview, "category": category, "datum": datum})


def _correct_page(request: HttpRequest, found: DataSubjectRequest, form: CorrectionForm,
                  category: str, datum: int) -> HttpResponse:
    return render(request, "requests/correct_form.html", {
        "r": found, "form": form, "category": category, "datum": datum,
        "category_label": picking.category_label(category, lang())})


def datum_number(value: Any) -> int:
    """A datum id as posted ("12"); anything else is RuleViolation("datum", "exists"), never
    a server error (the old free-text correction endpoint, `views.correct`)."""
    text = str(value or "").strip()
    if not text.isdigit():
        raise RuleViolation("datum", "exists", picking.NO_SUCH_DATUM)
    return int(text)


def _picks(data: Any) -> list[tuple[str, int]] | None:
    # The pick form says it was sent (`picked`), so sending it with no row ticked is an
    # error, not an erasure of everything.
    return picking.parse_picks(data.getlist("pick")) if data.get("picked") else None


@require_GET
@require_permission(PERMISSION)
def erase_preview(request: HttpRequest, uid: UUID) -> HttpResponse:
    """What the erasure does — of the picked rows (`?picked=1&pick=category:id…`), or of
    all the person's data — (deleted; kept, by which rule; recipients), with the button
    that confirms it (the erase step, or `erase_picked`)."""
    found = get(uid)
    try:
        picks = _picks(request.GET)
        preview = picking.preview_erasure(found, actor=actor(request), picks=picks,
                                          staff_role=_staff_role(request), lang=lang())
    except RuleViolation as error:
        messages.error(request, explain(error, {}))
        return redirect(f"{reverse('requests:detail', kwargs={'uid': uid})}?show={SHOW}")
    return render(request, "requests/erase_preview.html", {
        "r": found, "preview": preview, "by_post": not found.contact()["email"],
        "picks": [f"{c}:{n}" for c, n in picks or ()], "erasure": kinds.ERASURE})


def erased_message(done: dict[str, Any]) -> str:
    """The message after an erasure (whole or picked): the receipt went by e-mail, or must go
    by post (Rt5: a letter is answered by letter)."""
    if done["answer"]["answered"]:
        return gettext("Erased; the receipt was sent by e-mail.")
    if done["answer"].get("waiting"):   # #16.3: the receipt waits for every system (Rt3)
        return gettext("Erased in the register. The receipt goes once every other system "
                       "has erased too: see Other systems below.")
    return gettext("Erased. This request has no e-mail address: send the receipt "
                   "below by post, then record that it was sent.")


# Erase only the picked rows (`actions.erase` with picks, Rt3); the receipt goes as for a
# whole erasure (by e-mail, or by post for a letter).
erase_picked = step("erase_picked", lambda q, r: actions.erase(
    r, actor=actor(q), picks=picking.parse_picks(q.POST.getlist("pick"))),
    erased_message, lambda error: explain(error, {}))
