"""P1: staff work the call queue and log every attempt; P2: written contact (e-mail over
SMTP, or a letter) is refused until the policy's number of failed calls, then offered."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from privacydesk.callbacks import services
from privacydesk.callbacks.letter import long_date
from privacydesk.callbacks.models import CallbackRequest, WrittenContact
from privacydesk.policy.active import get_policy
from privacydesk.policy.errors import RuleViolation
from privacydesk.register.services import set_restricted
from privacydesk.vault.models import AuditEntry

# Date-sensitive: scripts/test.sh runs these again under frozen clocks (#13.1).
pytestmark = pytest.mark.dates

NEEDED = get_policy().callbacks.attempts_before_written


def _fail_calls(callback: CallbackRequest, n: int) -> None:
    """Log `n` unanswered calls the way the policy counts them (P2): a day and an hour
    apart, all in the past days, the request filed before the first."""
    start = timezone.now() - timedelta(days=n, hours=n)
    CallbackRequest.objects.filter(pk=callback.pk).update(
        requested_at=start - timedelta(hours=1))
    for i in range(n):
        with time_machine.travel(start + i * timedelta(days=1, hours=1), tick=False):
            services.log_attempt(callback, "no_answer", actor="sales-1")


def test_the_policy_asks_for_at_least_one_failed_call() -> None:
    assert NEEDED >= 1


@pytest.mark.django_db
def test_staff_see_bram_in_the_queue_and_the_read_is_audited(
        bram_callback: CallbackRequest, staff_client: Any) -> None:
    html = staff_client("sales").get("/staff/callbacks/").content.decode()
    assert "Bram Bakker" in html and "+31612345678" in html
    assert AuditEntry.objects.filter(action="read", purpose="callback",
                                     person_ref=str(bram_callback.person.ref)).exists()


@pytest.mark.django_db
def test_the_queue_is_closed_to_visitors_and_to_roles_without_phone_numbers(
        bram_callback: CallbackRequest, client: Client) -> None:
    response = client.get("/staff/callbacks/", HTTP_ACCEPT="text/html")
    assert response.status_code == 302 and "/staff/login/" in response["Location"]


@pytest.mark.django_db
def test_reaching_bram_closes_the_request(bram_callback: CallbackRequest,
                                          staff_client: Any) -> None:
    client = staff_client("sales")
    client.post(f"/staff/callbacks/{bram_callback.pk}/attempt/",
                {"outcome": "busy", "note": ""})
    client.post(f"/staff/callbacks/{bram_callback.pk}/attempt/",
                {"outcome": "reached", "note": "afspraak gemaakt"})
    bram_callback.refresh_from_db()
    assert bram_callback.status == "reached"
    assert [a.outcome for a in bram_callback.attempts.all()] == ["busy", "reached"]
    assert bram_callback not in services.open_queue()
    with pytest.raises(RuleViolation) as refused:
        services.log_attempt(bram_callback, "no_answer", actor="sales-1")
    assert refused.value.rule == "P1"


@pytest.mark.django_db
def test_written_contact_is_refused_before_the_policys_failed_calls(
        bram_callback: CallbackRequest, staff_client: Any, smtp: Any) -> None:
    _fail_calls(bram_callback, NEEDED - 1)
    client = staff_client("sales")
    page = client.get(f"/staff/callbacks/{bram_callback.pk}/").content.decode()
    assert "Schriftelijk contact is nog niet mogelijk" in page
    assert f"Belpogingen die tot nu toe tellen: {NEEDED - 1}" in page
    response = client.post(f"/staff/callbacks/{bram_callback.pk}/email/",
                           {"subject": "Hallo", "body": "Wij probeerden u te bellen."})
    assert response.status_code == 400
    assert "[P2]" in response.content.decode()
    with pytest.raises(RuleViolation) as refused:
        services.write_letter(bram_callback, body="x", actor="sales-1")
    assert (refused.value.field, refused.value.rule) == ("channel", "P2")
    assert smtp.messages == [] and not WrittenContact.objects.exists()


@pytest.mark.django_db
def test_after_the_failed_calls_staff_e_mail_bram_over_smtp(
        bram_callback: CallbackRequest, staff_client: Any, smtp: Any) -> None:
    _fail_calls(bram_callback, NEEDED)
    client = staff_client("sales")
    page = client.get(f"/staff/callbacks/{bram_callback.pk}/").content.decode()
    assert "E-mail versturen" in page and "U vroeg ons via de website" in page  # his language
    response = client.post(f"/staff/callbacks/{bram_callback.pk}/email/", {
        "subject": "Uw verzoek om teruggebeld te worden",
        "body": "Wij probeerden u drie keer te bellen."})
    assert response.status_code == 302
    [mail] = smtp.messages
    assert mail["To"] == "bram.bakker@example.nl"
    assert mail["Reply-To"] == get_policy().controller.email
    bram_callback.refresh_from_db()
    assert bram_callback.status == "written"
    assert WrittenContact.objects.get().channel == "email"


@pytest.mark.django_db
def test_an_unreachable_mail_server_sends_nothing_and_records_nothing(
        bram_callback: CallbackRequest, staff_client: Any, settings: Any) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 9
    _fail_calls(bram_callback, NEEDED)
    response = staff_client("sales").post(f"/staff/callbacks/{bram_callback.pk}/email/",
                                          {"subject": "Hallo", "body": "Tekst"})
    assert "could not be reached" in response.content.decode()
    bram_callback.refresh_from_db()
    assert bram_callback.status == "open" and not WrittenContact.objects.exists()


@pytest.mark.django_db
def test_after_the_failed_calls_staff_print_a_letter_naming_the_controller(
        bram_callback: CallbackRequest, staff_client: Any, with_address: Any) -> None:
    with_address(bram_callback)
    _fail_calls(bram_callback, NEEDED)
    response = staff_client("sales").post(f"/staff/callbacks/{bram_callback.pk}/letter/",
                                          {"body": "Wij konden u niet bereiken."})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    pdf = response.content
    assert pdf.startswith(b"%PDF")
    bram_callback.refresh_from_db()
    assert bram_callback.status == "written"
    assert WrittenContact.objects.get().channel == "letter"


@pytest.mark.django_db
def test_a_letter_needs_a_postal_address(bram_callback: CallbackRequest) -> None:
    _fail_calls(bram_callback, NEEDED)
    with pytest.raises(RuleViolation, match="no postal address"):
        services.write_letter(bram_callback, body="x", actor="sales-1")
    bram_callback.refresh_from_db()
    assert bram_callback.status == "open"


@pytest.mark.django_db
def test_a_restricted_person_is_not_called_or_written_to(
        bram_callback: CallbackRequest, smtp: Any) -> None:
    set_restricted(bram_callback.person, True, actor="seed", reason="accuracy contested")
    _fail_calls(bram_callback, NEEDED)
    with pytest.raises(RuleViolation) as refused:
        services.send_email(bram_callback, subject="x", body="y", actor="sales-1")
    assert refused.value.rule == "Art18"
    assert smtp.messages == []


def test_letters_carry_dates_in_the_persons_language() -> None:
    from datetime import date
    assert long_date(date(2025, 3, 3), "nl") == "3 maart 2025"
    assert long_date(date(2025, 3, 3), "en") == "3 March 2025"
