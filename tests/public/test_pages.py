"""W3, Id1: every public page is in Dutch by default, in English on request, names the
controller, and the statement is rendered from the policy."""

from __future__ import annotations

import pytest
from django.test import Client

from privacydesk.policy import render_statement
from privacydesk.policy.active import get_policy

PAGES = ["/", "/nl/", "/en/", "/nl/contact/", "/en/contact/", "/nl/request/", "/en/request/",
         "/nl/concern/", "/en/concern/", "/nl/thanks/contact/", "/en/thanks/request/"]


@pytest.mark.django_db
@pytest.mark.parametrize("url", PAGES)
def test_every_public_page_names_the_controller_and_how_to_reach_it(client: Client,
                                                                     url: str) -> None:
    controller = get_policy().controller
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    for detail in (controller.name, controller.street, controller.postcode, controller.city,
                   controller.phone, controller.email, controller.website):
        assert detail in html


@pytest.mark.django_db
def test_the_home_page_is_the_dutch_statement_from_the_policy(client: Client) -> None:
    html = client.get("/").content.decode()
    assert '<html lang="nl">' in html
    assert render_statement(get_policy(), lang="nl", fmt="html") in html
    assert "Privacyverklaring" in html


@pytest.mark.django_db
def test_the_english_switch_shows_the_english_statement(client: Client) -> None:
    dutch = client.get("/nl/contact/").content.decode()
    assert 'href="/en/contact/"' in dutch  # the switch leads to the same page in English
    response = client.get("/en/")
    html = response.content.decode()
    assert '<html lang="en">' in html
    assert response["Content-Language"] == "en"
    assert render_statement(get_policy(), lang="en", fmt="html") in html


@pytest.mark.django_db
def test_pages_are_dutch_by_default_whatever_the_browser_prefers(client: Client) -> None:
    html = client.get("/nl/contact/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Voornaam" in html and "Versturen en mij terugbellen" in html


@pytest.mark.django_db
def test_an_unknown_language_or_thank_you_page_is_not_found(client: Client) -> None:
    assert client.get("/de/contact/").status_code == 404
    assert client.get("/nl/thanks/nothing/").status_code == 404


@pytest.mark.django_db
def test_the_stylesheet_is_served_without_a_proxy(client: Client) -> None:
    response = client.get("/static/public/site.css")
    assert response.status_code == 200
    assert b"--accent" in b"".join(response.streaming_content)  # type: ignore[attr-defined]
    assert client.get("/static/../settings.py").status_code == 404
