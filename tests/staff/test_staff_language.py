"""Issue #15: the back office speaks the staff member's language — their own choice on the
account page, else the browser's Accept-Language, else Dutch. The public side keeps
following the browser."""

from __future__ import annotations

import pytest
from django.test import Client

from privacydesk.policy.errors import RuleViolation
from privacydesk.staff import tokens
from privacydesk.staff.models import ApiToken, StaffUser
from privacydesk.vault.models import AuditEntry


def _html_lang(response) -> str:
    text = response.content.decode()
    start = text.index('<html lang="') + len('<html lang="')
    return text[start:text.index('"', start)]


def test_without_a_choice_the_back_office_follows_the_browser(staff_client):
    officer = staff_client("privacy_officer")
    english = officer.get("/staff/", HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.8")
    dutch = officer.get("/staff/", HTTP_ACCEPT_LANGUAGE="nl-NL,nl;q=0.9")
    assert _html_lang(english) == "en" and "Sign out" in english.content.decode()
    assert _html_lang(dutch) == "nl" and "Afmelden" in dutch.content.decode()


def test_a_browser_asking_for_neither_language_gets_dutch(staff_client):
    officer = staff_client("privacy_officer")
    response = officer.get("/staff/", HTTP_ACCEPT_LANGUAGE="de-DE,de;q=0.9")
    assert _html_lang(response) == "nl"
    assert response["Content-Language"] == "nl"


def test_a_dutch_colleague_with_an_english_browser_chooses_dutch_on_the_account_page(
        staff_client):
    officer = staff_client("privacy_officer")
    page = officer.get("/staff/account/", HTTP_ACCEPT_LANGUAGE="en")
    assert "Language of the back office" in page.content.decode()

    saved = officer.post("/staff/account/", {"language": "nl"}, HTTP_ACCEPT_LANGUAGE="en",
                         follow=True)

    assert _html_lang(saved) == "nl"
    assert "Uw instellingen zijn opgeslagen." in saved.content.decode()
    assert StaffUser.objects.get(pk=officer.staff_user.pk).language == "nl"
    assert AuditEntry.objects.filter(object_type="staff.staffuser", action="update",
                                     object_id=str(officer.staff_user.pk)).exists()
    dashboard = officer.get("/staff/", HTTP_ACCEPT_LANGUAGE="en")
    assert _html_lang(dashboard) == "nl" and "Afmelden" in dashboard.content.decode()
    assert dashboard["Content-Language"] == "nl"


def test_an_english_choice_wins_over_a_dutch_browser(staff_client):
    officer = staff_client("privacy_officer")
    officer.post("/staff/account/", {"language": "en"}, HTTP_ACCEPT_LANGUAGE="nl")
    response = officer.get("/staff/", HTTP_ACCEPT_LANGUAGE="nl")
    assert _html_lang(response) == "en" and "Sign out" in response.content.decode()


def test_back_to_the_browsers_language(staff_client):
    officer = staff_client("privacy_officer")
    officer.post("/staff/account/", {"language": "en"})
    officer.post("/staff/account/", {"language": ""})
    assert StaffUser.objects.get(pk=officer.staff_user.pk).language == ""
    assert _html_lang(officer.get("/staff/", HTTP_ACCEPT_LANGUAGE="nl")) == "nl"


def test_an_unknown_language_is_refused_with_the_fields_name(staff_client):
    officer = staff_client("privacy_officer")
    response = officer.post("/staff/account/", {"language": "de"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert response.context["form"].errors["language"]
    assert StaffUser.objects.get(pk=officer.staff_user.pk).language == ""


def test_the_account_page_is_open_before_the_protocol_is_accepted(staff_client):
    newcomer = staff_client("privacy_officer", protocol=False)
    assert newcomer.get("/staff/account/", HTTP_ACCEPT_LANGUAGE="en").status_code == 200


def test_the_public_site_keeps_its_own_language_whatever_staff_chose(staff_client):
    officer = staff_client("privacy_officer")
    officer.post("/staff/account/", {"language": "nl"})
    # A staff member reading the English statement reads it as any visitor would.
    assert _html_lang(officer.get("/en/", HTTP_ACCEPT_LANGUAGE="nl")) == "en"
    assert _html_lang(Client().get("/en/", HTTP_ACCEPT_LANGUAGE="nl")) == "en"


def test_a_refused_step_is_explained_in_dutch_and_the_api_error_stays_english(staff_client):
    """A rule's message reaches a Dutch colleague in Dutch; what the service raises (and
    the API and CLI print) stays English."""
    officer = staff_client("privacy_officer")
    raw = tokens.create_token(officer.staff_user, "sync", actor="tester")
    token = ApiToken.objects.get(token_hash=tokens.hash_token(raw))
    officer.post(f"/staff/tokens/{token.pk}/revoke/")
    again = officer.post(f"/staff/tokens/{token.pk}/revoke/", follow=True)
    assert "dit token is al ingetrokken" in again.content.decode()
    with pytest.raises(RuleViolation, match="revoked already"):
        tokens.revoke_token(token, officer.staff_user, actor="tester")


def test_the_menu_leads_to_the_account_page(staff_client):
    officer = staff_client("sales")
    page = officer.get("/staff/", HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert 'href="/staff/account/"' in page and "Mijn account" in page


def test_the_sign_in_pause_notice_is_in_the_holders_language(make_staff, smtp_server):
    """Mails to staff follow the same choice (#15): Dutch by default, English if chosen."""
    from datetime import timedelta

    from django.utils import timezone

    from privacydesk.staff import signin

    dutch, english = make_staff("sales"), make_staff("sales")
    english.language = "en"
    for user, address in ((dutch, "bram@infactor.example"), (english, "olaf@infactor.example")):
        user.email = address
        user.save(update_fields=["email", "language"])
    until = timezone.now() + timedelta(minutes=2)
    assert signin.tell_account_holder(dutch.pk, 5, until)
    assert signin.tell_account_holder(english.pk, 5, until)
    subjects = {m["To"]: m["Subject"] for m in smtp_server.messages}
    assert "Failed sign-in attempts" in subjects["olaf@infactor.example"]
    assert "Mislukte aanmeldpogingen" in subjects["bram@infactor.example"]
