"""D3 from the person's side, in Dutch and English, without a browser: the e-mailed link
opens a page that asks; only a button answers; a grant shows (and mails) the withdrawal
link; withdrawing through it stops the sharing at once. Nothing about the visitor is kept."""

from __future__ import annotations

import pytest
from django.test import Client

from privacydesk.disclosure.gate import disclose
from privacydesk.disclosure.models import ConsentRequest, ConsentStatus
from privacydesk.disclosure.texts import TEXT
from privacydesk.policy.errors import RuleViolation

from .conftest import ACTOR, BRAM_EMAIL, PARTNER, ask

WORDS = {"nl": ("Telefoonnummers", "Terugbellen op verzoek"),
         "en": ("Telephone numbers", "Phone callback on request")}


def _share(person):
    return disclose(person, PARTNER, ["names", "phone"], "callback", actor=ACTOR)


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_grant_then_withdraw_through_the_links(personas, smtp, lang,
                                               django_capture_on_commit_callbacks):
    ask(personas.bram, language=lang)
    link = smtp.link()
    assert link.startswith(f"/consent/{lang}/")
    client = Client(enforce_csrf_checks=False)
    page = client.get(link)
    html = page.content.decode()
    assert page.status_code == 200 and page["Content-Language"] == lang
    assert "no-store" in page["Cache-Control"]
    assert PARTNER in html and TEXT[lang]["grant"] in html and TEXT[lang]["refuse"] in html
    assert all(word in html for word in WORDS[lang])
    # Opening the link (a mail scanner does) answers nothing.
    assert ConsentRequest.objects.get().status == ConsentStatus.PENDING
    with pytest.raises(RuleViolation):
        _share(personas.bram)

    with django_capture_on_commit_callbacks(execute=True):
        granted = client.post(link, {"answer": "grant"})
    assert granted.status_code == 200 and TEXT[lang]["granted"] in granted.content.decode()
    assert ConsentRequest.objects.get().status == ConsentStatus.GRANTED
    assert _share(personas.bram).basis == "consent"
    # The confirmation mail carries the same withdrawal link as the page.
    confirmation = smtp.messages[-1]
    assert confirmation["To"] == BRAM_EMAIL
    withdraw_link = smtp.link()
    assert withdraw_link.startswith(f"/consent/{lang}/withdraw/")
    assert withdraw_link in granted.content.decode()
    # The answer link was single-use.
    assert client.post(link, {"answer": "refuse"}).status_code == 410

    ask_page = client.get(withdraw_link)
    assert ask_page.status_code == 200
    assert TEXT[lang]["withdraw_button"] in ask_page.content.decode()
    done = client.post(withdraw_link)
    assert done.status_code == 200 and TEXT[lang]["withdrawn"] in done.content.decode()
    with pytest.raises(RuleViolation) as caught:
        _share(personas.bram)
    assert caught.value.rule == "D1"
    assert client.post(withdraw_link).status_code == 410


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_refusing_shares_nothing(personas, smtp, lang):
    ask(personas.bram, language=lang)
    page = Client().post(smtp.link(), {"answer": "refuse"})
    assert page.status_code == 200 and TEXT[lang]["refused"] in page.content.decode()
    assert ConsentRequest.objects.get().status == ConsentStatus.REFUSED
    with pytest.raises(RuleViolation):
        _share(personas.bram)


def test_a_post_without_a_choice_answers_nothing(personas, smtp):
    ask(personas.bram)
    page = Client().post(smtp.link(), {})
    assert page.status_code == 400 and TEXT["nl"]["choose"] in page.content.decode()
    assert ConsentRequest.objects.get().status == ConsentStatus.PENDING


def test_the_page_switches_language_with_the_same_link(personas, smtp):
    ask(personas.bram, language="nl")
    link = smtp.link()
    english = link.replace("/consent/nl/", "/consent/en/", 1)
    assert f'href="{english}"' in Client().get(link).content.decode()
    assert TEXT["en"]["grant"] in Client().get(english).content.decode()


@pytest.mark.parametrize("path", ["/consent/nl/not-a-token/", "/consent/en/withdraw/x/"])
def test_a_forged_or_unknown_link_is_refused(db, path):
    page = Client().get(path)
    assert page.status_code == 410
    assert Client().post(path, {"answer": "grant"}).status_code == 410


def test_the_pages_set_no_cookie_and_keep_nothing_of_the_visitor(personas, smtp):
    ask(personas.bram)
    page = Client().get(smtp.link(), REMOTE_ADDR="198.51.100.7")
    assert "198.51.100.7" not in str(ConsentRequest.objects.values().get())
    assert "sessionid" not in page.cookies
