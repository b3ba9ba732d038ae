"""The requester's two pages: confirm a request (Art. 12(6)) and download an export once.

Both show a button first and act only on POST: mail scanners and link previews open links
with GET, and must neither confirm a request nor use up a single-use download. Marked
`@login_not_required` for the deny-by-default gate; nothing about the visitor is logged (W1).
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from privacydesk.policy import clock
from privacydesk.requests import delivery, kinds, tokens, verification
from privacydesk.requests.models import DataSubjectRequest, Delivery

TEXT = {
    "nl": {"confirm_title": "Bevestig uw verzoek", "confirm_button": "Ja, dit verzoek is van mij",
           "confirmed": "Dank u. Uw verzoek is bevestigd; wij beantwoorden het binnen een week.",
           "download_title": "Uw gegevens downloaden", "download_button": "Download (eenmalig)",
           "bad": "Deze link is niet (meer) geldig. Beantwoord onze e-mail voor een nieuwe link.",
           "used": "Deze link is al gebruikt; het bestand is verwijderd.",
           "expired": "Deze link is verlopen; het bestand is verwijderd.",
           "once": "Het bestand kan één keer worden gedownload en wordt daarna verwijderd.",
           "reference": "Kenmerk"},
    "en": {"confirm_title": "Confirm your request", "confirm_button": "Yes, this request is mine",
           "confirmed": "Thank you. Your request is confirmed; we will answer it within a week.",
           "download_title": "Download your data", "download_button": "Download (once)",
           "bad": "This link is not (or no longer) valid. Reply to our e-mail for a new link.",
           "used": "This link has been used; the file was deleted.",
           "expired": "This link has expired; the file was deleted.",
           "once": "The file can be downloaded once and is deleted afterwards.",
           "reference": "Reference"},
}


def _language(uid: str | None, chosen: str | None = None) -> str:
    """The page's language: the visitor's choice on the language switch (`?lang=`), else
    the language the request was made in, else Dutch."""
    if chosen in ("nl", "en"):
        return str(chosen)
    if uid and len(uid) == 32:
        found = DataSubjectRequest.objects.filter(uid=uid).values_list("language",
                                                                       flat=True).first()
        if found in ("nl", "en"):
            return str(found)
    return "nl"


def _page(request: HttpRequest, lang: str, title: str, *, message: str = "",
          button: str = "", reference: str = "", status: int = 200,
          pending: DataSubjectRequest | None = None) -> HttpResponse:
    translation.activate(lang)
    other = "en" if lang == "nl" else "nl"
    response = render(request, "requests/public_page.html", {
        # The switch reloads this page in the other language; the token stays in the path.
        "lang": lang, "other_lang": other, "switch_url": f"{request.path}?lang={other}",
        "page": "request", "title": title, "message": message,
        "button": button, "reference": reference, "t": TEXT[lang],
        # A link that no longer works is told as a refusal, not in a success's green (#15).
        "refused": status >= 400,
        "pending": _what(pending, lang) if pending else None}, status=status)
    response["Cache-Control"] = "no-store"
    response["Content-Language"] = lang
    return response


def _what(found: DataSubjectRequest, lang: str) -> dict[str, object]:
    """What the person is about to confirm: the kind in their words, the day it was
    received (the controller's calendar) and the reference (issue #15)."""
    return {"kind": kinds.label(found.kind, lang), "received": clock.day_of(found.received_at),
            "reference": found.reference}


@login_not_required
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def confirm(request: HttpRequest, token: str) -> HttpResponse:
    """GET names the request (kind, date, reference) and shows the button; POST confirms."""
    parsed = tokens.read(token, verification.SALT)
    lang = _language(parsed[0] if parsed else None, request.GET.get("lang"))
    t = TEXT[lang]
    posted = request.method == "POST"
    found = verification.confirm(token) if posted else verification.pending(token)
    if found is None:
        return _page(request, lang, t["confirm_title"], message=t["bad"], status=410)
    if posted:
        return _page(request, lang, t["confirm_title"], message=t["confirmed"],
                     reference=found.reference)
    return _page(request, lang, t["confirm_title"], button=t["confirm_button"],
                 pending=found)


@login_not_required
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def download(request: HttpRequest, token: str) -> HttpResponse:
    parsed = tokens.read(token, delivery.SALT)
    owner = (Delivery.objects.filter(uid=parsed[0]).values_list("request__uid", flat=True)
             .first() if parsed and len(parsed[0]) == 32 else None)
    lang = _language(owner.hex if owner else None, request.GET.get("lang"))
    found, why = delivery.find(token)
    t = TEXT[lang]
    if found is None:
        return _page(request, lang, t["download_title"], message=t[why], status=410)
    if request.method != "POST":
        return _page(request, lang, t["download_title"], message=t["once"],
                     button=t["download_button"], reference=found.request.reference)
    data, why, taken = delivery.take(token)
    if data is None or taken is None:
        return _page(request, lang, t["download_title"], message=t[why], status=410)
    response = HttpResponse(data, content_type="application/zip")
    response["Content-Disposition"] = (
        f'attachment; filename="{taken.kind}-{taken.request.reference}.zip"')
    response["Cache-Control"] = "no-store"
    return response
