"""P2: "phone failed" means what the policy says — failed outcomes, not within the same two
hours, on at least two days — not whatever staff log. A burst of "wrong number" clicks keeps
the written route shut, the staff page says why in Dutch, and `check` reads the call log."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
import time_machine

from privacydesk.callbacks import services
from privacydesk.callbacks.models import CallAttempt, CallbackRequest, Outcome, WrittenContact
from privacydesk.check import FAIL, IDLE, PASS, run_checks
from privacydesk.policy import clock
from privacydesk.policy.callbacks import CALL_OUTCOMES
from privacydesk.policy.errors import RuleViolation

pytestmark = [pytest.mark.django_db, pytest.mark.dates]


def _call(callback: CallbackRequest, at: datetime, outcome: str = "no_answer") -> None:
    with time_machine.travel(at, tick=False):
        services.log_attempt(callback, outcome, actor="sales-1")


def _days_ago_at(days: int, hour: int) -> datetime:
    """`hour` o'clock, `days` days before today, in the policy's time zone."""
    return clock.start_of(clock.today() - timedelta(days=days)) + timedelta(hours=hour)


def _filed_three_days_ago(callback: CallbackRequest) -> None:
    CallbackRequest.objects.filter(pk=callback.pk).update(requested_at=_days_ago_at(3, 9))


def test_the_call_log_knows_exactly_the_outcomes_the_policy_can_name() -> None:
    assert tuple(Outcome.values) == CALL_OUTCOMES


def test_three_wrong_numbers_in_a_burst_do_not_open_the_written_route(
        bram_callback: CallbackRequest, smtp: Any) -> None:
    for _ in range(3):
        services.log_attempt(bram_callback, "wrong_number", actor="sales-1")
    assert services.readiness(bram_callback).counted == 1
    with pytest.raises(RuleViolation) as refused:
        services.send_email(bram_callback, subject="Hallo", body="Wij belden u.",
                            actor="sales-1")
    assert (refused.value.field, refused.value.rule) == ("channel", "P2")
    assert "(P2)" in refused.value.message and "2 hours apart" in refused.value.message
    assert smtp.messages == [] and not WrittenContact.objects.exists()


def test_spaced_failed_calls_on_two_days_open_it_and_check_agrees(
        bram_callback: CallbackRequest, smtp: Any) -> None:
    _filed_three_days_ago(bram_callback)
    _call(bram_callback, _days_ago_at(2, 10), "busy")
    _call(bram_callback, _days_ago_at(2, 14), "voicemail")
    _call(bram_callback, _days_ago_at(2, 15), "no_answer")   # within two hours: no count
    with pytest.raises(RuleViolation):                    # two calls that count, one day
        services.check_written_contact(bram_callback)
    _call(bram_callback, _days_ago_at(1, 10), "no_answer")
    services.send_email(bram_callback, subject="Uw verzoek", body="Wij konden u niet bereiken.",
                        actor="sales-1")
    assert len(smtp.messages) == 1
    result = run_checks(["P2"])[0]
    assert result.status == PASS, result.details


def test_check_fails_a_written_reply_after_a_burst_of_calls(
        bram_callback: CallbackRequest) -> None:
    # As before the fix: three calls logged within a second, then a letter (written
    # straight into the tables, as an import or an old version would have).
    moment = clock.now() - timedelta(hours=1)
    CallAttempt.objects.bulk_create([
        CallAttempt(callback=bram_callback, outcome="wrong_number", actor="sales-1",
                    attempted_at=moment + timedelta(milliseconds=10 * i)) for i in range(3)])
    WrittenContact.objects.create(callback=bram_callback, channel="letter", actor="sales-1")
    result = run_checks(["P2"])[0]
    assert result.status == FAIL
    assert f"callback #{bram_callback.pk}) after 1 failed call(s) that count, on 1 day(s)" in \
        "\n".join(result.details)


def test_calls_made_after_the_written_reply_do_not_justify_it(
        bram_callback: CallbackRequest) -> None:
    _filed_three_days_ago(bram_callback)
    WrittenContact.objects.create(callback=bram_callback, channel="email", actor="sales-1",
                                  made_at=_days_ago_at(2, 9))
    for days, hour in ((2, 10), (2, 13), (1, 10)):
        CallAttempt.objects.create(callback=bram_callback, outcome="no_answer",
                                   actor="sales-1", attempted_at=_days_ago_at(days, hour))
    assert run_checks(["P2"])[0].status == FAIL


def test_without_written_replies_the_p2_check_is_idle(bram_callback: CallbackRequest) -> None:
    services.log_attempt(bram_callback, "no_answer", actor="sales-1")
    assert run_checks(["P2"])[0].status == IDLE


def test_the_staff_page_says_in_dutch_why_writing_is_not_open_yet(
        bram_callback: CallbackRequest, staff_client: Any) -> None:
    for _ in range(3):
        services.log_attempt(bram_callback, "wrong_number", actor="sales-1")
    page = staff_client("sales").get(f"/staff/callbacks/{bram_callback.pk}/").content.decode()
    assert "Schriftelijk contact is nog niet mogelijk." in page
    assert ("3 mislukte belpogingen, minstens 2 uur na elkaar, op minstens 2 verschillende "
            "dagen") in page
    assert "Belpogingen die tot nu toe tellen: 1, op 1 dag(en)." in page
    assert "verkeerd nummer" in page and "geen gehoor" in page
    first = bram_callback.attempts.order_by("attempted_at").first()
    assert first is not None
    due = clock.day_of(first.attempted_at + timedelta(hours=2))
    assert f"De volgende belpoging telt vanaf {due.isoformat()}" in page
    assert "E-mail versturen" not in page and "Brief maken" not in page


def test_a_closed_request_says_so_in_dutch_and_offers_no_writing(
        bram_callback: CallbackRequest, staff_client: Any) -> None:
    services.log_attempt(bram_callback, "reached", actor="sales-1")
    page = staff_client("sales").get(f"/staff/callbacks/{bram_callback.pk}/").content.decode()
    assert "Dit terugbelverzoek is afgesloten." in page
    assert "Schriftelijk contact is nog niet mogelijk" not in page
    assert "E-mail versturen" not in page and "Brief maken" not in page
