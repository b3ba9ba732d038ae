"""Sec1: signing in needs the password AND a one-time code; failures reach the break-in guard."""

from __future__ import annotations

import pyotp
import pytest
from django.conf import settings
from django.test import Client

from privacydesk.staff import mfa
from privacydesk.staff.models import StaffUser
from privacydesk.staff.signals import staff_auth_failed

from .conftest import PASSWORD, current_code


@pytest.fixture
def failures():
    seen: list[tuple[object, str]] = []

    def listener(sender, request, kind, **kwargs):
        seen.append((request, kind))

    staff_auth_failed.connect(listener)
    yield seen
    staff_auth_failed.disconnect(listener)


def _password_step(client: Client, user: StaffUser, password: str = PASSWORD):
    return client.post("/staff/login/", {"username": user.username, "password": password})


def test_the_password_alone_does_not_sign_in(make_staff):
    user = make_staff("sales")
    client = Client()
    response = _password_step(client, user)
    assert response.status_code == 302 and response["Location"] == "/staff/mfa/"
    assert "_auth_user_id" not in client.session
    assert client.get("/staff/").status_code == 302  # still refused


def test_password_then_code_signs_in_on_a_new_session_key(make_staff):
    user = make_staff("sales")
    client = Client()
    client.get("/staff/login/")
    _password_step(client, user)
    key_before = client.session.session_key
    response = client.post("/staff/mfa/", {"code": current_code(user)})
    assert response.status_code == 302 and response["Location"] == "/staff/"
    assert client.session.session_key != key_before  # no fixation across the second step
    assert client.get("/staff/").status_code == 200


def test_the_login_returns_to_the_page_first_asked_for(make_staff):
    user = make_staff("sales")
    client = Client()
    first = client.get("/staff/persons/")
    assert first["Location"] == "/staff/login/?next=%2Fstaff%2Fpersons%2F"
    client.post(first["Location"], {"username": user.username, "password": PASSWORD})
    response = client.post("/staff/mfa/", {"code": current_code(user)})
    assert response["Location"] == "/staff/persons/"


def test_an_outside_next_address_is_ignored(make_staff):
    user = make_staff("sales")
    client = Client()
    client.post("/staff/login/?next=https://evil.example/", {"username": user.username,
                                                             "password": PASSWORD})
    response = client.post("/staff/mfa/", {"code": current_code(user)})
    assert response["Location"] == "/staff/"


def test_a_wrong_password_is_refused_and_reported_to_the_guard(make_staff, failures):
    user = make_staff("sales")
    response = _password_step(Client(), user, "wrong password")
    assert response.status_code == 200
    assert b"is niet juist" in response.content  # Dutch for staff (#15)
    assert [kind for _, kind in failures] == ["login"]
    assert failures[0][0] is not None  # the request travels with the signal


def test_a_wrong_code_is_refused_and_reported_to_the_guard(make_staff, failures):
    user = make_staff("sales")
    client = Client()
    _password_step(client, user)
    wrong = "000000" if current_code(user) != "000000" else "111111"
    response = client.post("/staff/mfa/", {"code": wrong})
    assert response.status_code == 200
    assert [kind for _, kind in failures] == ["mfa"]
    assert client.get("/staff/").status_code == 302


def test_a_code_from_one_step_earlier_is_accepted_for_clock_drift(make_staff):
    user = make_staff("sales")
    client = Client()
    _password_step(client, user)
    totp = pyotp.TOTP(user.totp_secret_plain)
    earlier = totp.at(totp.timecode(__import__("datetime").datetime.now()) * 30 - 30)
    response = client.post("/staff/mfa/", {"code": earlier})
    assert response.status_code == 302


def test_a_code_cannot_be_used_twice(make_staff, failures):
    user = make_staff("sales")
    code = current_code(user)
    first = Client()
    _password_step(first, user)
    assert first.post("/staff/mfa/", {"code": code}).status_code == 302
    second = Client()
    _password_step(second, user)
    assert second.post("/staff/mfa/", {"code": code}).status_code == 200
    assert [kind for _, kind in failures] == ["mfa"]


def test_the_code_page_without_a_password_step_goes_back_to_login(db):
    response = Client().get("/staff/mfa/")
    assert response.status_code == 302 and response["Location"] == "/staff/login/"


def test_the_first_sign_in_enrols_an_authenticator_app(make_staff):
    user = make_staff("hr", mfa_enrolled=False)
    client = Client()
    response = _password_step(client, user)
    assert response["Location"] == "/staff/mfa/setup/"
    page = client.get("/staff/mfa/setup/")
    secret = StaffUser.objects.get(pk=user.pk).get_totp_secret()
    html = page.content.decode()
    assert secret[:4] in html and "otpauth://totp/" in html
    assert "<script" not in html and "style=" not in html  # strict CSP
    assert client.get("/staff/").status_code == 302  # not signed in until confirmed
    response = client.post("/staff/mfa/setup/", {"code": pyotp.TOTP(secret).now()})
    assert response.status_code == 302
    assert StaffUser.objects.get(pk=user.pk).mfa_enabled
    assert client.get("/staff/").status_code == 200


def test_enrolment_is_closed_once_mfa_is_set_up(make_staff):
    user = make_staff("hr")
    client = Client()
    _password_step(client, user)
    response = client.get("/staff/mfa/setup/")
    assert response["Location"] == "/staff/mfa/"
    assert StaffUser.objects.get(pk=user.pk).get_totp_secret() == user.totp_secret_plain


def test_a_session_logged_in_without_the_second_factor_is_refused(make_staff):
    client = Client()
    client.force_login(make_staff("privacy_officer"))
    response = client.get("/staff/persons/")
    assert response.status_code == 302 and response["Location"].startswith("/staff/login/")
    assert client.get("/staff/persons/", HTTP_ACCEPT="application/json").status_code == 401


def test_a_deactivated_account_cannot_sign_in(make_staff):
    user = make_staff("sales", active=False)
    response = _password_step(Client(), user)
    assert response.status_code == 200


def test_signing_out_needs_post_and_ends_the_session(staff_client):
    client = staff_client("sales")
    assert client.get("/staff/logout/").status_code == 405
    assert client.post("/staff/logout/").status_code == 302
    assert client.get("/staff/").status_code == 302
    assert mfa.MFA_VERIFIED not in client.session


def test_sessions_last_eight_hours_at_most():
    assert settings.SESSION_COOKIE_AGE == 8 * 3600
