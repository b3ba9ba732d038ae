"""Art. 12(6), issue #15: the confirmation page says what the person is confirming — the
kind of request in their words, the day it was received and its reference — before the
button, and its language switch shows the page in the other language."""

from __future__ import annotations

import pytest
from django.test import Client

from privacydesk.policy import clock
from privacydesk.requests import intake
from privacydesk.requests.models import Status

from .conftest import ANNA

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.dates]


def _annas_link(smtp, lang: str = "nl") -> tuple[str, object]:
    filed = intake.file_web_request(kind="erasure", name="Anna de Vries", email=ANNA,
                                    language=lang)
    return smtp.link(smtp.to(ANNA)[-1], "confirm"), filed


def test_anna_sees_what_she_confirms_before_the_button(smtp, personas):
    link, filed = _annas_link(smtp)
    page = Client().get(link).content.decode()
    assert "U bevestigt dit verzoek:" in page
    assert "verwijdering van uw gegevens" in page
    assert filed.reference in page
    received = clock.day_of(filed.received_at)
    months = ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus",
              "september", "oktober", "november", "december"]
    assert f"{received.day} {months[received.month - 1]} {received.year}" in page
    assert "Ja, dit verzoek is van mij" in page
    filed.refresh_from_db()
    assert filed.status == Status.AWAITING_VERIFICATION  # looking confirms nothing


def test_the_language_switch_shows_the_page_in_english_and_confirming_still_works(
        smtp, personas):
    link, filed = _annas_link(smtp)
    client = Client()
    dutch = client.get(link).content.decode()
    assert f'href="{link}?lang=en"' in dutch
    english = client.get(f"{link}?lang=en")
    text = english.content.decode()
    assert english["Content-Language"] == "en" and '<html lang="en">' in text
    assert "You are confirming this request:" in text and "Yes, this request is mine" in text
    assert filed.reference in text and f'href="{link}?lang=nl"' in text
    assert "erasure of your data" in text
    done = client.post(f"{link}?lang=en")
    assert done.status_code == 200 and "Your request is confirmed" in done.content.decode()
    filed.refresh_from_db()
    assert filed.status == Status.VERIFIED


def test_a_used_link_names_nothing(smtp, personas):
    link, filed = _annas_link(smtp)
    assert Client().post(link).status_code == 200
    again = Client().get(link)
    assert again.status_code == 410 and filed.reference not in again.content.decode()
