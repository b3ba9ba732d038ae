"""P1, C1: the contact form stores what Bram typed (source contact form, purpose callback),
queues a callback for staff and confirms it to him by e-mail over SMTP, in his language."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from privacydesk.callbacks.models import CallbackRequest
from privacydesk.register.models import Email, Name, Phone
from privacydesk.register.services import read_person

BRAM = {"given_names": "Bram", "family_name": "Bakker", "phone": "06 12345678",
        "email": "bram.bakker@example.nl", "organisation": "",
        "message": "Kunt u mij bellen over een onderhoudscontract?", "website": ""}


@pytest.mark.django_db(transaction=True)
def test_bram_asks_for_a_callback_and_gets_a_dutch_confirmation(
        browser_client: Client, smtp: Any, post_form: Any) -> None:
    response = post_form(browser_client, "/nl/contact/", BRAM)
    assert response.status_code == 302
    assert response["Location"] == "/nl/thanks/contact/"
    thanks = browser_client.get(response["Location"]).content.decode()
    assert "belt u terug" in thanks

    callback = CallbackRequest.objects.get()
    assert callback.language == "nl" and callback.status == "open"
    assert callback.message == BRAM["message"]
    view = read_person(callback.person, actor="test", purpose="callback")
    assert [r.kind for r in view.roles] == ["prospect"]
    assert view.data["phone"][0].values["number"] == "+31612345678"
    assert view.data["email"][0].values["address"] == "bram.bakker@example.nl"
    for data in view.data.values():  # C1: everything came from the contact form, for P1
        assert {(d.source, d.purpose, d.legal_basis) for d in data} == {
            ("contact_form", "callback", "consent")}

    [mail] = smtp.messages
    assert mail["To"] == "bram.bakker@example.nl"
    assert "Wij bellen u terug" in mail["Subject"]
    # 5.12: the greeting quotes nothing the visitor typed (anyone can type Bram's address)
    assert mail.get_content().startswith("Goedendag,") and "Bram" not in mail.get_content()
    assert "info@infactor.nl" in mail.get_content()  # Id1: the controller in every letter


@pytest.mark.django_db(transaction=True)
def test_eva_writes_in_english_for_her_organisation(browser_client: Client, smtp: Any,
                                                    post_form: Any) -> None:
    eva = {**BRAM, "given_names": "Eva", "family_name": "Jansen", "email": "eva@acme.example",
           "organisation": "Acme BV", "message": "Please call me about our SLA."}
    response = post_form(browser_client, "/en/contact/", eva)
    assert response["Location"] == "/en/thanks/contact/"
    callback = CallbackRequest.objects.get()
    view = read_person(callback.person, actor="test", purpose="callback")
    assert [(r.kind, r.organisation) for r in view.roles] == [("contact", "Acme BV")]
    [mail] = smtp.messages
    assert "We will call you back" in mail["Subject"]
    assert mail.get_content().startswith("Good day,") and "Eva" not in mail.get_content()


@pytest.mark.django_db(transaction=True)
def test_a_second_request_with_annas_address_does_not_extend_annas_record(
        browser_client: Client, smtp: Any, post_form: Any) -> None:
    post_form(browser_client, "/nl/contact/", {**BRAM, "email": "anna@example.nl"})
    post_form(Client(enforce_csrf_checks=True), "/nl/contact/",
              {**BRAM, "given_names": "Olaf", "email": "anna@example.nl",
               "phone": "050 525 90 61"})
    first, second = CallbackRequest.objects.order_by("id")
    assert first.person_id != second.person_id
    assert Phone.objects.filter(person=first.person).count() == 1


@pytest.mark.django_db
def test_the_form_explains_the_callback_before_sending_instead_of_refusing(
        client: Client) -> None:
    # Issue #15: no tick box that refuses to send; the page says what pressing the button
    # asks for, and how to reach us without a call.
    page = client.get("/nl/contact/").content.decode()
    assert "Versturen en mij terugbellen" in page
    assert "u terug te bellen op het telefoonnummer" in page and "info@infactor.nl" in page
    assert 'aria-describedby="submit-note"' in page
    response = client.post("/nl/contact/", {k: v for k, v in BRAM.items() if k != "callback"})
    assert response.status_code == 302 and CallbackRequest.objects.count() == 1


@pytest.mark.django_db
def test_the_form_asks_only_what_the_statement_allows(client: Client) -> None:
    form = client.get("/en/contact/").context["form"]
    assert set(form.fields) == {"given_names", "family_name", "phone", "email",
                                "organisation", "message", "website"}
    assert not Name.objects.exists() and not Email.objects.exists()
