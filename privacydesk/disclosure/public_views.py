"""The person's consent pages (D3), in Dutch and English, reached from the e-mailed links.

GET shows what is asked and the buttons; only a POST answers or withdraws, because mail
scanners and link previews open links with GET and must not answer for the person. Marked
`@login_not_required` for the deny-by-default gate; nothing about the visitor is logged (W1).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from privacydesk.disclosure import consent as consents
from privacydesk.disclosure.models import ConsentRequest
from privacydesk.disclosure.texts import TEXT
from privacydesk.policy.active import get_policy


def _details(consent: ConsentRequest, lang: str) -> dict[str, Any]:
    policy = get_policy()
    return {"recipient": consent.recipient, "explanation": consent.explanation,
            "categories": [policy.categories[c].label(lang) for c in consent.categories
                           if c in policy.categories],
            "purpose": policy.purposes[consent.purpose].label(lang)
            if consent.purpose in policy.purposes else consent.purpose,
            "expires_at": consent.expires_at}


def _page(request: HttpRequest, lang: str, name: str, token: str, *, status: int = 200,
          **context: Any) -> HttpResponse:
    translation.activate(lang)
    other = "en" if lang == "nl" else "nl"
    response = render(request, "disclosure/public_page.html", {
        "lang": lang, "other_lang": other, "page": "consent", "t": TEXT[lang],
        "switch_url": reverse(f"disclosure_public:{name}",
                              kwargs={"lang": other, "token": token}),
        **context}, status=status)
    response["Cache-Control"] = "no-store"
    response["Content-Language"] = lang
    return response


@login_not_required
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def answer(request: HttpRequest, lang: str, token: str) -> HttpResponse:
    """Grant or refuse, once. A grant shows the withdrawal link at once (it is e-mailed too)."""
    t = TEXT[lang]
    if request.method == "POST":
        choice = request.POST.get("answer")
        if choice not in ("grant", "refuse"):
            found = consents.peek(token, consents.ANSWER_SALT)
            if found is None:
                return _page(request, lang, "answer", token, message=t["bad"], status=410)
            return _page(request, lang, "answer", token, ask=True, status=400,
                         message=t["choose"], **_details(found, lang))
        done = consents.answer(token, grant=choice == "grant")
        if done is None:
            return _page(request, lang, "answer", token, message=t["bad"], status=410)
        consent, withdraw_token = done
        if choice == "grant":
            link = reverse("disclosure_public:withdraw",
                           kwargs={"lang": lang, "token": withdraw_token})
            return _page(request, lang, "answer", token, message=t["granted"],
                         withdraw_link=link, **_details(consent, lang))
        return _page(request, lang, "answer", token, message=t["refused"])
    found = consents.peek(token, consents.ANSWER_SALT)
    if found is None:
        return _page(request, lang, "answer", token, message=t["bad"], status=410)
    return _page(request, lang, "answer", token, ask=True, **_details(found, lang))


@login_not_required
@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
def withdraw(request: HttpRequest, lang: str, token: str) -> HttpResponse:
    """Withdraw a granted consent (Art. 7(3)); honoured at once."""
    t = TEXT[lang]
    if request.method == "POST":
        done = consents.withdraw(token)
        if done is None:
            return _page(request, lang, "withdraw", token, message=t["bad_withdraw"],
                         status=410)
        return _page(request, lang, "withdraw", token, message=t["withdrawn"])
    found = consents.peek(token, consents.WITHDRAW_SALT)
    if found is None:
        return _page(request, lang, "withdraw", token, message=t["bad_withdraw"], status=410)
    return _page(request, lang, "withdraw", token, withdraw_form=True,
                 **_details(found, lang))
