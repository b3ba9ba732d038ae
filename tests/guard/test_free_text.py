"""Free text a person writes is never evidence of an attack (#13.5.4, W2).

Anna reports a phishing mail she received and quotes it: `' or 1=1`, `javascript:`, `<img>`.
Eva's name, as her mail client wrote it, is `<script>`-ish. Before, three such posts made
them offenders and banned them with an unstyled page. Now injection signals come only
from what is never free text: the path (ids), the query string of a page that is not a
search page, and the User-Agent. A re-submission after a validation error is not another
form post. The ban page is the site's own, in the visitor's language, with a phone number.
"""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from django.test import Client, override_settings

from privacydesk.guard.models import Offender
from privacydesk.policy.active import get_policy

pytestmark = pytest.mark.django_db
ANNA = "198.51.100.7"
EVA = "198.51.100.8"
OLAF = "203.0.113.66"

PHISHING = ("I received a mail 'from you' with a link javascript:alert(1) and an image "
            "<img src=x onerror=alert(1)>; the login form said ' or 1=1 -- "
            "and <script>document.cookie</script>. Is this you?")


def _post(client: Client, path: str, data: dict[str, str]):
    # As a browser sends a form (the test client's default, multipart, was never inspected).
    return client.post(path, urlencode(data), content_type="application/x-www-form-urlencoded")


def _concern(client: Client, lang: str = "en", **fields: str):
    data = {"description": PHISHING, "name": "Anna de Vries",
            "email": "anna.de.vries@example.nl", "website": ""}
    return _post(client, f"/{lang}/concern/", {**data, **fields})


def test_anna_quoting_a_phishing_mail_in_the_concern_form_is_never_an_offender():
    anna = Client(REMOTE_ADDR=ANNA)
    for _ in range(8):  # the threshold is 5
        response = _concern(anna)
        assert response.status_code == 302, response.content[:300]
    assert not Offender.objects.exists()
    assert anna.get("/en/").status_code == 200


def test_a_name_with_markup_in_the_contact_form_is_never_an_offender():
    eva = Client(REMOTE_ADDR=EVA)
    for name in ["<script>Eva</script>", "Eva <img src=x>", "Eva' or '1'='1"] * 3:
        response = _post(eva, "/nl/contact/", {
            "given_names": name, "family_name": "Smit", "phone": "050 525 90 60",
            "email": "eva@example.nl", "organisation": "Acme BV", "message": PHISHING,
            "callback": "on", "website": ""})
        assert response.status_code in (302, 400)  # stored, or refused with a field error
    assert not Offender.objects.exists()
    assert eva.get("/nl/").status_code == 200


def test_a_staff_search_for_a_name_with_a_quote_is_not_an_attack(staff_client):
    carla = staff_client("privacy_officer")
    for query in ["O'Brien or 1=1", "d'Andrea' or 'Smit", "<img> Smit"] * 2:
        assert carla.get("/staff/persons/", {"q": query}, REMOTE_ADDR=EVA).status_code == 200
    assert not Offender.objects.exists()


def test_injection_in_the_query_string_of_a_page_that_is_no_search_still_counts():
    olaf = Client(REMOTE_ADDR=OLAF)
    for _ in range(5):
        olaf.get("/en/", {"page": "1' or '1'='1"})
    assert Offender.objects.get().evidence["rules"] == {"sql_injection": 5}


def test_injection_in_an_id_of_the_path_or_in_the_user_agent_still_counts():
    olaf = Client(REMOTE_ADDR=OLAF)
    olaf.get("/staff/persons/1' or 1=1 --/")
    olaf.get("/en/thanks/<script>alert(1)</script>/")
    for _ in range(3):
        olaf.get("/en/", HTTP_USER_AGENT="<script>alert(document.cookie)</script>")
    rules = Offender.objects.get().evidence["rules"]
    assert rules == {"sql_injection": 1, "script_injection": 4}


def test_an_ordinary_browser_user_agent_is_no_signal():
    anna = Client(REMOTE_ADDR=ANNA, HTTP_USER_AGENT=(
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/131.0.0.0 Safari/537.36"))
    for _ in range(10):
        assert anna.get("/nl/").status_code == 200
    assert not Offender.objects.exists()


@override_settings(GUARD_FLOOD_POSTS=2, GUARD_FLOOD_SECONDS=600)
def test_a_resubmission_after_a_validation_error_is_not_counted_again():
    # Two posts in this worker are one flood signal; five signals make an offender. Anna
    # gets her e-mail address wrong six times and corrects it each time: twelve posts,
    # six of them re-submissions, counted six times (three signals) — not an offender.
    anna = Client(REMOTE_ADDR=ANNA)
    for _ in range(6):
        assert _concern(anna, email="anna.de.vries@").status_code == 400
        assert _concern(anna).status_code == 302
    assert not Offender.objects.exists()


@override_settings(GUARD_FLOOD_POSTS=2, GUARD_FLOOD_SECONDS=600)
def test_refused_posts_alone_are_still_counted_for_the_flood():
    # A re-submission is free once per refusal; a client that only sends refused posts is
    # counted on every other one and is still caught.
    olaf = Client(REMOTE_ADDR=OLAF)
    for _ in range(40):
        if _concern(olaf, email="x@").status_code == 403:
            break
    assert Offender.objects.get().evidence["rules"] == {"form_flood": 5}


def _ban_olaf() -> Client:
    olaf = Client(REMOTE_ADDR=OLAF)
    for _ in range(5):
        olaf.get("/wp-login.php")
    return olaf


@pytest.mark.parametrize(("path", "accept", "lang", "words"), [
    ("/en/contact/", "", "en", "Access blocked for a while"),
    ("/nl/", "", "nl", "Toegang tijdelijk geblokkeerd"),
    ("/staff/login/", "en-GB,en;q=0.9", "en", "Blocked by mistake? Call"),
    ("/staff/login/", "nl-NL,nl;q=0.9", "nl", "Geblokkeerd door een vergissing? Bel"),
])
def test_the_ban_page_is_the_sites_own_in_the_visitors_language_with_the_phone_number(
        path: str, accept: str, lang: str, words: str) -> None:
    olaf = _ban_olaf()
    response = olaf.get(path, HTTP_ACCEPT_LANGUAGE=accept) if accept else olaf.get(path)
    assert response.status_code == 403
    assert response["Content-Language"] == lang
    html = response.content.decode()
    assert f'<html lang="{lang}">' in html
    assert 'class="site"' in html and "public/site.css" in html  # the public layout
    assert words in html
    assert get_policy().controller.phone in html
