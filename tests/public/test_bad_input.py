"""Bad input: every field is checked, the form comes back with a message per field in the
visitor's language, and nothing at all is stored. CSRF and the honeypot keep bots out."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.test import Client
from hypothesis import given
from hypothesis import strategies as st

from privacydesk.public.forms import ContactForm

GOOD = {"given_names": "Bram", "family_name": "Bakker", "phone": "050 525 90 60",
        "email": "bram@example.nl", "organisation": "", "message": "Bel mij",
        "callback": "on", "website": ""}


def _stored_rows() -> int:
    return sum(model.objects.count() for model in apps.get_models()
               if model._meta.app_label in ("register", "callbacks", "public", "incidents"))


@pytest.mark.django_db
@pytest.mark.parametrize(("field", "value", "dutch", "english"), [
    ("phone", "bel mij maar", "Vul een telefoonnummer in", "Enter a telephone number"),
    ("phone", "+31 6 1234", "Dit telefoonnummer bestaat niet", "This telephone number does"),
    ("email", "bram@", "Voer een geldig e-mailadres in", "Enter a valid email address"),
    ("given_names", "B" * 201, "niet meer dan 200 tekens", "at most 200 characters"),
    ("family_name", "Bak\u202eker", "tekens die niet zijn toegestaan", "not allowed"),
    ("message", "hallo\x00", "tekens die niet zijn toegestaan", "not allowed"),
    ("message", "", "Dit veld is verplicht", "This field is required"),
])
def test_a_bad_field_is_named_in_the_visitors_language_and_nothing_is_stored(
        client: Client, field: str, value: str, dutch: str, english: str) -> None:
    for lang, expected in (("nl", dutch), ("en", english)):
        response = client.post(f"/{lang}/contact/", {**GOOD, field: value})
        assert response.status_code == 400
        form = response.context["form"]
        assert list(form.errors) == [field]
        assert expected in " ".join(form.errors[field])
        html = response.content.decode()
        assert f'id="id_{field}_error"' in html and 'aria-invalid="true"' in html
    assert _stored_rows() == 0


@pytest.mark.django_db
@pytest.mark.parametrize(("url", "data"), [
    ("/nl/request/", {"kind": "delete-everything", "name": "Anna", "email": "anna@example.nl"}),
    ("/en/request/", {"kind": "access", "name": "", "email": "anna@example.nl"}),
    ("/nl/concern/", {"description": "", "name": "", "email": ""}),
    ("/en/concern/", {"description": "Spam", "name": "", "email": "not-an-address"}),
])
def test_request_and_concern_forms_refuse_bad_input_and_store_nothing(
        client: Client, url: str, data: dict[str, str]) -> None:
    response = client.post(url, {**data, "website": ""})
    assert response.status_code == 400 and response.context["form"].errors
    assert _stored_rows() == 0


@pytest.mark.django_db
def test_a_post_without_the_csrf_token_is_refused() -> None:
    strict = Client(enforce_csrf_checks=True)
    response = strict.post("/nl/contact/", GOOD)
    assert response.status_code == 403
    assert _stored_rows() == 0


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/nl/contact/", "/en/request/", "/nl/concern/"])
def test_a_bot_filling_the_hidden_field_is_thanked_and_nothing_is_stored(
        client: Client, url: str) -> None:
    data = {**GOOD, "kind": "access", "name": "Bot", "description": "buy now",
            "website": "http://spam.example"}
    response = client.post(url, data)
    assert response.status_code == 302 and "/thanks/" in response["Location"]
    assert _stored_rows() == 0


@given(st.text(max_size=300))
def test_no_text_at_all_crashes_the_contact_form(text: str) -> None:
    for field in ("given_names", "phone", "email", "message", "organisation"):
        form = ContactForm({**GOOD, field: text})
        form.is_valid()  # valid or with messages; never an exception
        assert form.is_bound


@pytest.mark.django_db
def test_bytes_that_are_not_utf8_are_refused_not_stored_as_replacement_characters(
        client: Client) -> None:
    """A form posted with %ff%fe in a name would otherwise be kept as "��" as if the person
    had typed it (#13, 5.7)."""
    body = ("given_names=%ff%fe&family_name=Bakker&phone=050+525+90+60&email=bram%40example.nl"
            "&message=Bel+mij&callback=on&website=")
    for lang, expected in (("nl", "tekens die niet zijn toegestaan"), ("en", "not allowed")):
        response = client.post(f"/{lang}/contact/", body,
                               content_type="application/x-www-form-urlencoded")
        assert response.status_code == 400
        form = response.context["form"]
        assert list(form.errors) == ["given_names"]
        assert expected in " ".join(form.errors["given_names"])
    assert _stored_rows() == 0
