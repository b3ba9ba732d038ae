"""Issue #15, the public side: after a request the thank-you page quotes its reference
(VZ-…) and says to confirm through the e-mail just sent, in Dutch and English; the contact
form promises a call back — on its page, its thank-you page and in its e-mail — only where
the policy promises one (P1)."""

from __future__ import annotations

import dataclasses
import re
from typing import Any

import pytest
from django.test import Client

from privacydesk.callbacks.models import CallbackRequest
from privacydesk.policy.active import get_policy
from privacydesk.public import services
from privacydesk.requests.models import DataSubjectRequest

ANNA_ASKS = {"kind": "access", "name": "Anna de Vries", "email": "anna@example.nl",
             "message": "", "website": ""}
BRAM = {"given_names": "Bram", "family_name": "Bakker", "phone": "06 12345678",
        "email": "bram.bakker@example.nl", "organisation": "",
        "message": "Kunt u mij bellen over een onderhoudscontract?", "website": ""}


@pytest.mark.django_db(transaction=True)
def test_anna_sees_her_reference_and_is_told_to_confirm_through_the_email(
        browser_client: Client, smtp: Any, post_form: Any, settings: Any) -> None:
    settings.PRIVACYDESK_PUBLIC_URL = "http://testserver"
    response = post_form(browser_client, "/nl/request/", ANNA_ASKS)
    assert response.status_code == 302
    filed = DataSubjectRequest.objects.get()
    thanks = browser_client.get(response["Location"]).content.decode()
    assert filed.reference in thanks and "Uw kenmerk" in thanks
    assert "Bevestig uw verzoek met de link in die e-mail" in thanks
    # The language switch keeps the reference.
    switch = re.search(r'href="(/en/thanks/request/\?ref=[^"]+)"', thanks)
    assert switch, thanks
    english = browser_client.get(switch.group(1).replace("&amp;", "&")).content.decode()
    assert filed.reference in english and "Your reference" in english
    assert "Please confirm your request with the link in that e-mail" in english


@pytest.mark.django_db
def test_a_forged_reference_is_not_shown(client: Client) -> None:
    page = client.get("/nl/thanks/request/?ref=VZ-DEADBEEF").content.decode()
    assert "VZ-DEADBEEF" not in page and "Uw kenmerk" not in page
    assert "Bevestig uw verzoek met de link" in page  # the instruction stays


@pytest.mark.django_db(transaction=True)
def test_no_we_call_you_back_where_the_policy_promises_no_callback(
        browser_client: Client, smtp: Any, post_form: Any, monkeypatch: Any) -> None:
    policy = get_policy()
    purposes = {**policy.purposes,
                "callback": dataclasses.replace(policy.purposes["callback"], promise="P2")}
    unpromising = dataclasses.replace(policy, purposes=purposes)
    monkeypatch.setattr(services, "get_policy", lambda: unpromising)
    assert not services.callback_promised()

    page = browser_client.get("/nl/contact/").content.decode()
    assert "terug" not in page.split("<main")[1].split("</main>")[0]
    response = post_form(browser_client, "/nl/contact/", BRAM)
    assert response.status_code == 302 and CallbackRequest.objects.count() == 1
    thanks = browser_client.get(response["Location"]).content.decode()
    assert "terug" not in thanks and "Wij hebben uw bericht ontvangen." in thanks
    [mail] = smtp.messages
    assert "terug" not in mail["Subject"] and "terug" not in mail.get_content()
    assert mail["Subject"].startswith("Wij hebben uw bericht ontvangen")


@pytest.mark.django_db(transaction=True)
def test_the_infactor_policy_promises_the_callback_so_bram_is_told(
        browser_client: Client, smtp: Any, post_form: Any) -> None:
    assert services.callback_promised()
    post_form(browser_client, "/en/contact/", BRAM)
    [mail] = smtp.messages
    assert "We will call you back" in mail["Subject"]
