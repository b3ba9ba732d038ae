"""Sec1: guessing is limited per account, not only per address (issue #13, 5.1).

The attack: an outsider (Olaf) holds ten addresses and stays under the break-in guard's
per-address threshold on each. Carla's account must still pause sign-in after the policy's
number of failures, for a growing but capped time, and tell Carla by e-mail once per burst.
"""

from __future__ import annotations

from datetime import timedelta

import pyotp
import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from privacydesk.policy.active import get_policy
from privacydesk.staff import signin
from privacydesk.staff.models import StaffUser
from privacydesk.vault.models import AuditEntry

from .conftest import PASSWORD, current_code, sign_in_with_mfa

pytestmark = pytest.mark.dates
OLAF_ADDRESSES = [f"127.0.0.{n}" for n in range(1, 11)]
PAUSED = "Aanmelden is gepauzeerd"  # staff read Dutch


@pytest.fixture
def carla(make_staff):
    user = make_staff("hr", username="carla")
    user.email = "carla@infactor.example"
    user.save()
    return user


@pytest.fixture
def clock():
    with time_machine.travel(timezone.now(), tick=True) as traveller:
        yield traveller


def _password(address: str, password: str, username: str = "carla") -> tuple[Client, object]:
    client = Client(REMOTE_ADDR=address)
    response = client.post("/staff/login/", {"username": username, "password": password})
    return client, response


def _olaf_guesses_passwords(times: int) -> None:
    for n in range(times):
        _, response = _password(OLAF_ADDRESSES[n % 10], f"guess {n}")
        assert response.status_code == 200  # refused, never a step further


def _wrong_codes(user: StaffUser, count: int) -> list[str]:
    """Six-digit codes that are valid for no time step around now."""
    totp = pyotp.TOTP(user.totp_secret_plain)  # type: ignore[attr-defined]
    step = totp.timecode(timezone.now())
    valid = {totp.generate_otp(step + d) for d in range(-2, 3)}
    codes = (f"{n:06d}" for n in range(100000, 999999, 7919))
    return [code for code in codes if code not in valid][:count]


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run what the views leave for after the commit (the tests' transaction never ends)."""
    return django_capture_on_commit_callbacks


def _rules():
    return get_policy().staff_accounts


def test_forty_wrong_passwords_from_ten_addresses_pause_the_account(carla, clock):
    _olaf_guesses_passwords(40)
    # None of Olaf's addresses reached the guard's threshold, yet Carla's right password,
    # from an eleventh address, does not get her (or Olaf, had he guessed it) any further.
    client, response = _password("127.0.0.11", PASSWORD)
    assert response.status_code == 200 and PAUSED in response.content.decode()
    assert signin.delayed_until(carla) is not None
    assert "staff.pending_user" not in client.session
    # Only the failures before the pause were checked and counted: a guess during a pause
    # is neither confirmed nor does it make the pause longer.
    assert StaffUser.objects.get(pk=carla.pk).failed_sign_ins == _rules().failures_before_delay


def test_forty_wrong_codes_on_one_pending_session_pause_the_account(carla, clock):
    client, response = _password("127.0.0.1", PASSWORD)
    assert response["Location"] == "/staff/mfa/"
    for n, code in enumerate(_wrong_codes(carla, 40)):
        client.defaults["REMOTE_ADDR"] = OLAF_ADDRESSES[n % 10]
        assert client.post("/staff/mfa/", {"code": code}).status_code == 200
    client.defaults["REMOTE_ADDR"] = "127.0.0.11"
    response = client.post("/staff/mfa/", {"code": current_code(carla)})
    assert response.status_code == 200 and PAUSED in response.content.decode()
    assert client.get("/staff/").status_code == 302  # not signed in


def test_the_pause_says_when_to_try_again_and_then_the_right_password_works(carla, clock):
    rules = _rules()
    _olaf_guesses_passwords(rules.failures_before_delay)
    until = signin.delayed_until(carla)
    assert until is not None
    assert until - timezone.now() <= timedelta(seconds=rules.first_delay_seconds)
    _, response = _password("127.0.0.11", PASSWORD)
    assert f"probeer het opnieuw na {signin.local_time(until)}" in response.content.decode()
    clock.shift(timedelta(seconds=rules.first_delay_seconds + 1))
    client, response = _password("127.0.0.11", PASSWORD)
    assert response["Location"] == "/staff/mfa/"
    assert client.post("/staff/mfa/", {"code": current_code(carla)}).status_code == 302
    fresh = StaffUser.objects.get(pk=carla.pk)
    # A complete sign-in forgets the failures: the next mistake starts from zero.
    assert (fresh.failed_sign_ins, fresh.sign_in_delayed_until) == (0, None)


def test_each_failure_after_a_pause_doubles_it_up_to_the_cap_never_for_ever(carla, clock):
    rules = _rules()
    _olaf_guesses_passwords(rules.failures_before_delay)
    pauses = []
    for n in range(12):
        until = signin.delayed_until(carla)
        assert until is not None
        pauses.append(round((until - timezone.now()).total_seconds()))
        clock.shift(until - timezone.now() + timedelta(seconds=1))
        _password(OLAF_ADDRESSES[n % 10], f"again {n}")
    first, factor = rules.first_delay_seconds, rules.delay_multiplier
    assert pauses[:3] == [first, first * factor, first * factor ** 2]
    assert max(pauses) == rules.max_delay_seconds  # capped: an attacker cannot lock Carla out
    clock.shift(timedelta(seconds=rules.max_delay_seconds + 1))
    _, response = _password("127.0.0.11", PASSWORD)
    assert response["Location"] == "/staff/mfa/"


def test_old_failures_are_forgotten(carla, clock):
    rules = _rules()
    _olaf_guesses_passwords(rules.failures_before_delay - 1)
    clock.shift(timedelta(seconds=rules.failure_memory_seconds + 1))
    _olaf_guesses_passwords(1)
    assert StaffUser.objects.get(pk=carla.pk).failed_sign_ins == 1
    assert signin.delayed_until(carla) is None


def test_the_account_holder_is_told_once_per_burst(carla, clock, smtp_server, committed):
    rules = _rules()
    with committed(execute=True):  # the notice leaves once the failure is committed
        _olaf_guesses_passwords(rules.failures_before_delay)
    assert len(smtp_server.messages) == 1
    mail = smtp_server.messages[0]
    assert mail["To"] == "carla@infactor.example"
    body = mail.get_content()
    assert "carla" in body and str(rules.failures_before_delay) in body
    assert "127.0.0." not in body  # no address of anyone in the mail
    # The burst goes on after the pause: longer pauses, but no mail per attempt.
    with committed(execute=True):
        for n in range(3):
            clock.shift(signin.delayed_until(carla) - timezone.now() + timedelta(seconds=1))
            _password(OLAF_ADDRESSES[n], f"more {n}")
    assert len(smtp_server.messages) == 1
    # Carla signs in; a new burst later is a new notice.
    clock.shift(timedelta(seconds=rules.max_delay_seconds + 1))
    client, _ = _password("127.0.0.11", PASSWORD)
    client.post("/staff/mfa/", {"code": current_code(carla)})
    with committed(execute=True):
        _olaf_guesses_passwords(rules.failures_before_delay)
    assert len(smtp_server.messages) == 2


def test_without_an_address_nothing_is_sent_and_the_pause_holds(carla, clock, smtp_server,
                                                                  committed):
    carla.email = ""
    carla.save()
    with committed(execute=True):
        _olaf_guesses_passwords(_rules().failures_before_delay)
    assert smtp_server.messages == [] and signin.delayed_until(carla) is not None


def test_the_notice_is_dutch_for_staff(carla, clock, smtp_server, settings, committed):
    settings.LANGUAGE_CODE = "nl"
    with committed(execute=True):
        _olaf_guesses_passwords(_rules().failures_before_delay)
    assert "aanmeldpogingen" in smtp_server.messages[0]["Subject"].lower()


def test_the_guards_ban_per_address_stays(carla, clock):
    threshold = get_policy().guard.threshold
    for n in range(threshold):
        _password("127.0.0.200", f"guess {n}")
    assert Client(REMOTE_ADDR="127.0.0.200").get("/staff/login/").status_code == 403


def test_the_staff_page_shows_failures_and_the_pause_and_can_end_it(carla, clock,
                                                                     staff_client):
    _olaf_guesses_passwords(_rules().failures_before_delay)
    until = signin.delayed_until(carla)
    officer = staff_client("privacy_officer")
    page = officer.get("/staff/users/").content.decode()
    assert "Mislukte aanmeldingen op rij" in page and "Aanmelden gepauzeerd tot" in page
    assert signin.local_time(until) in page
    response = officer.post(f"/staff/users/{carla.pk}/lift-pause/")
    assert response.status_code == 302
    assert signin.delayed_until(carla) is None
    assert AuditEntry.objects.filter(object_type="staff.staffuser", object_id=str(carla.pk),
                                     action="lift_sign_in_pause").exists()
    _, response = _password("127.0.0.11", PASSWORD)
    assert response["Location"] == "/staff/mfa/"


def test_only_managers_of_staff_end_a_pause(carla, clock, staff_client):
    _olaf_guesses_passwords(_rules().failures_before_delay)
    sales = staff_client("sales")
    assert sales.post(f"/staff/users/{carla.pk}/lift-pause/").status_code == 403
    assert signin.delayed_until(carla) is not None


def test_a_signed_in_session_is_not_affected_by_a_pause(carla, clock):
    # The pause guards signing in; Carla at work is not thrown out by Olaf's guessing.
    client = sign_in_with_mfa(Client(), carla)
    _olaf_guesses_passwords(_rules().failures_before_delay)
    assert client.get("/staff/").status_code == 200
