"""Rt5: the request form files a request in the request workflow; Sec5: the concern
form files an incident for staff. Both confirm by e-mail over SMTP when an address is given."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from privacydesk.incidents.models import Incident
from privacydesk.requests.models import DataSubjectRequest


@pytest.mark.django_db(transaction=True)
def test_anna_asks_to_see_her_data_and_the_request_enters_the_workflow(
        browser_client: Client, smtp: Any, post_form: Any) -> None:
    response = post_form(browser_client, "/nl/request/", {
        "kind": "access", "name": "Anna de Vries", "email": "anna@example.nl",
        "message": "Welke gegevens heeft u van mij?", "website": ""})
    # The thank-you page carries the request's reference, signed (issue #15).
    assert response["Location"].startswith("/nl/thanks/request/?ref=")
    filed = DataSubjectRequest.objects.get()
    assert (filed.kind, filed.channel, filed.language) == ("access", "web", "nl")
    assert (filed.contact()["name"], filed.contact()["email"]) == (
        "Anna de Vries", "anna@example.nl")
    # The register does not know this address: the answer says so (requests workflow).
    [mail] = smtp.messages
    assert mail["To"] == "anna@example.nl"
    assert "geen persoonsgegevens" in mail.get_content()


@pytest.mark.django_db(transaction=True)
def test_olaf_reports_a_concern_anonymously_and_staff_get_an_incident(
        browser_client: Client, smtp: Any, post_form: Any) -> None:
    response = post_form(browser_client, "/en/concern/", {
        "description": "I received someone else's invoice.", "name": "", "email": "",
        "website": ""})
    assert response["Location"] == "/en/thanks/concern/"
    incident = Incident.objects.get()
    assert (incident.kind, incident.status, incident.language) == ("concern", "new", "en")
    assert incident.reporter_email == "" and incident.authority_deadline is None
    assert smtp.messages == []  # no address given, nobody to confirm to


@pytest.mark.django_db(transaction=True)
def test_a_concern_with_an_address_is_confirmed(browser_client: Client, smtp: Any,
                                               post_form: Any) -> None:
    post_form(browser_client, "/nl/concern/", {
        "description": "Ik kreeg een mail met andermans gegevens.", "name": "Carla",
        "email": "carla@example.nl", "website": ""})
    [mail] = smtp.messages
    assert "Uw melding is ontvangen" in mail["Subject"]


@pytest.mark.django_db(transaction=True)
def test_a_mail_server_that_is_down_does_not_lose_the_request(
        settings: Any, browser_client: Client, post_form: Any) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 9  # nothing listens here
    response = post_form(browser_client, "/en/request/", {
        "kind": "erasure", "name": "Daan", "email": "daan@example.nl", "message": "",
        "website": ""})
    assert response.status_code == 302
    assert DataSubjectRequest.objects.filter(kind="erasure", status="new").exists()
