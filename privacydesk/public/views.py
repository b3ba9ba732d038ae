"""The public website: statement, contact, request and concern pages, in Dutch and English.

Views only translate between HTTP and `public.services`. Every view is `@login_not_required`
for the deny-by-default gate. Nothing here reads or keeps the visitor's address, the time of
the visit or the browser (W1).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_not_required
from django.core import signing
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_http_methods

from privacydesk.policy import render_statement
from privacydesk.policy.active import get_policy
from privacydesk.policy.errors import RuleViolation
from privacydesk.public import services
from privacydesk.public.forms import ConcernForm, ContactForm, HoneypotForm, RequestForm

#: The thank-you page after a request quotes its reference (VZ-…, issue #15). It travels in
#: the redirect signed, so nobody can make the page show a reference it never issued, and
#: only for an hour: it is a receipt for the moment, the e-mail is the lasting one.
_REFERENCE_SALT = "privacydesk.public.thanks-reference"
_REFERENCE_MAX_AGE = 3600

FORMS: dict[str, tuple[type[HoneypotForm], Callable[[dict[str, Any], str], object]]] = {
    "contact": (ContactForm, services.file_contact),
    "request": (RequestForm, services.file_request),
    "concern": (ConcernForm, services.file_concern),
}


def in_language(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Serve the page in the URL's language (nl is the default; /en/ is English)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, lang: str = "nl", **kwargs: Any) -> Any:
        translation.activate(lang)
        request.LANGUAGE_CODE = lang
        response = view(request, *args, lang=lang, **kwargs)
        response["Content-Language"] = lang
        return response

    return wrapper


def _page(request: HttpRequest, template: str, lang: str, page: str,
          route_kwargs: dict[str, str] | None = None, query: str = "",
          **context: Any) -> HttpResponse:
    other = "en" if lang == "nl" else "nl"
    route = "thanks" if route_kwargs else page
    switch = reverse(f"public:{route}", kwargs={"lang": other, **(route_kwargs or {})}) + query
    return render(request, template, {"lang": lang, "other_lang": other,
                                      "switch_url": switch, "page": page,
                                      "callback_promised": services.callback_promised(),
                                      **context})


_RENDERED: dict[tuple[int, str], tuple[object, str]] = {}


def statement_html(lang: str) -> str:
    """Return the statement of the active policy in `lang` as HTML, rendered once per
    policy object: a loaded policy is immutable, so its statement cannot change."""
    policy = get_policy()
    cached = _RENDERED.get((id(policy), lang))
    if cached is None or cached[0] is not policy:
        cached = (policy, render_statement(policy, lang=lang, fmt="html"))
        _RENDERED[(id(policy), lang)] = cached
    return cached[1]


@login_not_required
@require_http_methods(["GET", "HEAD"])
@in_language
def statement(request: HttpRequest, lang: str) -> HttpResponse:
    """W3, Id1: the privacy statement rendered from the policy, naming the controller."""
    html = statement_html(lang)
    # The HTML comes from the company's own validated policy file, not from visitors.
    return _page(request, "public/statement.html", lang, "statement",
                 statement_html=mark_safe(html))  # noqa: S308


def _form_view(page: str) -> Callable[..., HttpResponse]:
    form_class, file_it = FORMS[page]

    @login_not_required
    @require_http_methods(["GET", "HEAD", "POST"])
    @in_language
    def view(request: HttpRequest, lang: str) -> HttpResponse:
        form = form_class(request.POST or None)
        if request.method == "POST":
            if form.is_bot():
                # A bot filled the hidden field: it sees the usual answer, nothing is stored.
                return redirect("public:thanks", lang=lang, page=page)
            if form.is_valid():
                try:
                    filed = file_it(form.cleaned_data, lang)
                except RuleViolation as exc:
                    field = exc.field if exc.field in form.fields else None
                    form.add_error(field, translation.gettext(
                        "This could not be stored: %(reason)s") % {"reason": exc.message})
                else:
                    return _to_thanks(lang, page, filed)
        status = 400 if request.method == "POST" else 200
        response = _page(request, f"public/{page}.html", lang, page, form=form)
        response.status_code = status
        return response

    view.__name__ = f"{page}_form"
    return view


contact = _form_view("contact")
request_form = _form_view("request")
concern = _form_view("concern")


def _to_thanks(lang: str, page: str, filed: object) -> HttpResponse:
    """Redirect to the thank-you page; a request's carries its signed reference (#15)."""
    url = reverse("public:thanks", kwargs={"lang": lang, "page": page})
    reference = getattr(filed, "reference", "") if page == "request" else ""
    if reference:
        url += "?" + urlencode({"ref": signing.dumps(reference, salt=_REFERENCE_SALT)})
    return redirect(url)


def _signed_reference(value: str) -> str:
    """The reference in a thank-you link, or "" when it is missing, forged or old."""
    try:
        return str(signing.loads(value, salt=_REFERENCE_SALT, max_age=_REFERENCE_MAX_AGE))
    except signing.BadSignature:
        return ""


@login_not_required
@require_http_methods(["GET", "HEAD"])
@in_language
def thanks(request: HttpRequest, lang: str, page: str) -> HttpResponse:
    """The thank-you page. After a request it quotes the reference and says to confirm the
    request through the e-mail just sent (issue #15); the language switch keeps both."""
    if page not in FORMS:
        raise Http404
    signed = request.GET.get("ref", "")
    reference = _signed_reference(signed) if page == "request" else ""
    query = "?" + urlencode({"ref": signed}) if reference else ""
    return _page(request, "public/thanks.html", lang, page, {"page": page}, query=query,
                 form_page=page, reference=reference)
