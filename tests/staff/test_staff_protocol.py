"""Sec4: staff see personal data only after accepting the current staff protocol."""

from __future__ import annotations

from privacydesk.staff import protocol
from privacydesk.staff.models import StaffUser


def test_without_the_protocol_a_person_page_redirects_to_it(staff_client, people):
    client = staff_client("privacy_officer", protocol=False)
    url = f"/staff/persons/{people.anna.ref}/?purpose=callback"
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/staff/protocol/?next=")
    assert client.get("/staff/persons/").status_code == 302
    assert client.get(url, HTTP_ACCEPT="application/json").status_code == 403


def test_the_protocol_page_shows_the_text_in_the_page_language(staff_client):
    client = staff_client("sales", protocol=False)
    page = client.get("/staff/protocol/", HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert "Meld incidenten binnen het uur" in page
    assert protocol.PROTOCOL_VERSION in page
    assert "InFactor" in page


def test_accepting_records_the_version_and_opens_the_back_office(staff_client, people):
    client = staff_client("privacy_officer", protocol=False)
    url = f"/staff/persons/{people.anna.ref}/?purpose=callback"
    response = client.post(f"/staff/protocol/?next={url}", {"accept": "on"})
    assert response.status_code == 302 and response["Location"] == url
    user = StaffUser.objects.get(pk=client.staff_user.pk)
    assert user.protocol_version_accepted == protocol.PROTOCOL_VERSION
    assert user.protocol_accepted_at is not None
    assert client.get(url).status_code == 200


def test_the_protocol_cannot_be_accepted_without_ticking_the_box(staff_client):
    client = staff_client("sales", protocol=False)
    assert client.post("/staff/protocol/", {}).status_code == 200
    assert StaffUser.objects.get(pk=client.staff_user.pk).protocol_version_accepted == ""


def test_a_new_protocol_version_must_be_accepted_again(staff_client, people, monkeypatch):
    client = staff_client("privacy_officer")
    assert client.get("/staff/persons/").status_code == 200
    monkeypatch.setattr(protocol, "PROTOCOL_VERSION", "2099.1")
    response = client.get("/staff/persons/")
    assert response.status_code == 302 and response["Location"].startswith("/staff/protocol/")
