"""Rt6, issue #15: the summary staff write for the person is previewed as the whole e-mail
before it is sent, and a greeting typed into it does not greet the person a second time."""

from __future__ import annotations

import pytest

from privacydesk.requests import _reply, actions
from privacydesk.requests.models import Status

from .conftest import ANNA
from .helpers import verified

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.dates]

TYPED = "Geachte mevrouw De Vries,\n\nUw adres is aangepast.\nMet vriendelijke groet"


@pytest.mark.parametrize(("typed", "kept"), [
    ("Geachte mevrouw De Vries,\nUw adres is aangepast.", "Uw adres is aangepast."),
    ("Beste Anna\n\nUw adres is aangepast.", "Uw adres is aangepast."),
    ("Dear Ms de Vries,\nYour address was corrected.", "Your address was corrected."),
    ("Uw adres is aangepast.", "Uw adres is aangepast."),
    # A sentence that starts with a greeting word is the summary itself: kept whole.
    ("Beste klant zijn wij niet vergeten. Uw adres is aangepast.",
     "Beste klant zijn wij niet vergeten. Uw adres is aangepast."),
])
def test_a_typed_greeting_is_dropped_and_the_rest_kept(typed, kept):
    assert _reply.without_greeting(typed) == kept


def test_staff_preview_the_mail_and_anna_is_greeted_once(smtp, personas, staff_client):
    request = verified(smtp, "rectification", ANNA)
    client = staff_client("privacy_officer")
    detail = client.get(f"/staff/requests/{request.uid}/", HTTP_ACCEPT_LANGUAGE="nl")
    assert f"/staff/requests/{request.uid}/done/preview/" in detail.content.decode()

    preview = client.post(f"/staff/requests/{request.uid}/done/preview/", {"summary": TYPED},
                          HTTP_ACCEPT_LANGUAGE="nl")
    page = preview.content.decode()
    assert preview.status_code == 200
    assert page.count("Geachte") == 1 and "Uw adres is aangepast." in page
    assert request.reference in page and f"/staff/requests/{request.uid}/done/" in page
    request.refresh_from_db()
    assert request.status == Status.VERIFIED and len(smtp.to(ANNA)) == 1  # nothing sent yet

    sent = client.post(f"/staff/requests/{request.uid}/done/",
                       {"summary": preview.context["summary"]})
    assert sent.status_code == 302
    mail = smtp.to(ANNA)[-1].get_content()
    assert mail.count("Geachte") == 1 and "Uw adres is aangepast." in mail
    # What was previewed is what was sent.
    subject, body = _reply.preview(request, TYPED)
    assert smtp.to(ANNA)[-1]["Subject"] == subject
    assert mail.replace("\r\n", "\n").strip() == body.strip()
    request.refresh_from_db()
    assert request.status == Status.ANSWERED


def test_an_empty_summary_is_not_previewed(smtp, personas, staff_client):
    request = verified(smtp, "restriction", ANNA)
    client = staff_client("privacy_officer")
    response = client.post(f"/staff/requests/{request.uid}/done/preview/",
                           {"summary": "Geachte mevrouw,"})
    assert response.status_code == 302 and len(smtp.to(ANNA)) == 1


def test_the_service_drops_the_greeting_too(smtp, personas):
    request = verified(smtp, "restriction", ANNA)
    actions.confirm_done(request, "Beste Anna,\nHet gebruik is beperkt.", actor="po")
    mail = smtp.to(ANNA)[-1].get_content()
    assert "Beste Anna" not in mail and "Het gebruik is beperkt." in mail
