"""Art. 12(6): identity is checked proportionately — a confirmation link to the address the
register already holds, never a copy of an ID — and an unknown address is told, after a
real search of the register, that no data are held."""

from __future__ import annotations

import pytest
from django.test import Client

from privacydesk.requests import intake, verification
from privacydesk.requests.models import Status
from privacydesk.vault.models import AuditEntry

from .conftest import ANNA

pytestmark = pytest.mark.django_db(transaction=True)


def test_anna_confirms_her_request_with_the_link_sent_to_her_registered_address(
        smtp, personas):
    filed = intake.file_web_request(kind="access", name="Anna", email=ANNA.upper(),
                                    language="nl")
    assert filed.status == Status.AWAITING_VERIFICATION
    assert filed.person_ref == str(personas.anna.ref)
    [mail] = smtp.messages
    assert mail["To"] == ANNA.upper() and "Bevestig uw verzoek" in mail["Subject"]
    text = mail.get_content()
    assert "identiteitsbewijs" in text and not mail.is_multipart()  # no ID copy asked
    link = smtp.link(mail, "confirm")
    client = Client()
    page = client.get(link)  # a mail scanner opening the link confirms nothing
    assert page.status_code == 200 and b"Ja, dit verzoek is van mij" in page.content
    filed.refresh_from_db()
    assert filed.status == Status.AWAITING_VERIFICATION
    done = client.post(link)
    assert done.status_code == 200 and "bevestigd" in done.content.decode()
    filed.refresh_from_db()
    assert filed.status == Status.VERIFIED and filed.verified_at is not None
    assert client.post(link).status_code == 410  # single use


def test_a_forged_or_altered_link_confirms_nothing(smtp, personas):
    filed = intake.file_web_request(kind="erasure", name="Anna", email=ANNA, language="en")
    link = smtp.link(smtp.messages[0], "confirm")
    token = link.split("/")[-2]
    assert verification.confirm(token[:-2] + "xx") is None
    assert verification.confirm("not-a-token") is None
    assert Client().post(link.replace(token, token[::-1])).status_code == 410
    filed.refresh_from_db()
    assert filed.status == Status.AWAITING_VERIFICATION


def test_olaf_whom_the_register_does_not_know_is_told_no_data_are_held(smtp, personas):
    filed = intake.file_web_request(kind="access", name="Olaf", email="olaf@example.org",
                                    language="en")
    assert filed.status == Status.ANSWERED and filed.person_ref == ""
    assert filed.detail["register_search"]["found"] is False
    assert "no data held" in filed.answered_how
    [mail] = smtp.messages
    assert "We hold no personal data" in mail.get_content()
    assert "Autoriteit Persoonsgegevens" in mail.get_content()


def test_a_request_with_a_failed_mail_stays_new_and_loses_nothing(settings, personas):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 9  # nothing listens
    filed = intake.file_web_request(kind="access", name="Anna", email=ANNA, language="nl")
    assert filed.status == Status.NEW and filed.verification_hash == ""
    assert [e.action for e in filed.events.all()] == ["received", "verification_failed"]


def test_staff_may_verify_by_other_means_with_a_note_without_addresses(smtp, personas):
    filed = intake.file_web_request(kind="access", name="Anna", email=ANNA, language="nl")
    with pytest.raises(verification.RuleViolation) as refused:
        verification.verify_by_staff(filed, str(personas.anna.ref), actor="po",
                                     note=f"called {ANNA}")
    assert refused.value.rule == "Art12"
    verification.verify_by_staff(filed, str(personas.anna.ref), actor="po",
                                 note="called back on the registered number")
    filed.refresh_from_db()
    assert filed.status == Status.VERIFIED
    entry = AuditEntry.objects.filter(action="request.verified").get()
    assert entry.person_ref == str(personas.anna.ref) and "@" not in entry.detail
