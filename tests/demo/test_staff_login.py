"""The demo login: a privacy officer with a random password and an enrolled second factor."""

from __future__ import annotations

import pyotp

from privacydesk.demo import staff_login
from privacydesk.staff.models import StaffUser
from privacydesk.staff.protocol import PROTOCOL_VERSION
from privacydesk.vault.models import AuditEntry


def test_the_demo_login_is_a_privacy_officer_with_mfa(db):
    login = staff_login.create_demo_staff()
    assert login is not None
    user = StaffUser.objects.get(username=login.username)
    assert user.staff_role == "privacy_officer"
    assert user.check_password(login.password)
    assert len(login.password) >= 20
    assert user.mfa_enabled and user.get_totp_secret() == login.totp_secret
    assert pyotp.parse_uri(login.otpauth_uri).secret == login.totp_secret


def test_nothing_secret_is_stored_in_the_clear(db):
    login = staff_login.create_demo_staff()
    assert login is not None
    user = StaffUser.objects.get(username=login.username)
    assert login.password not in user.password
    assert user.password.startswith("argon2")


def test_the_protocol_is_accepted_at_the_first_sign_in_not_before(db):
    # Sec4: the demo shows the protocol page like a real first sign-in does.
    login = staff_login.create_demo_staff()
    assert login is not None
    user = StaffUser.objects.get(username=login.username)
    assert not user.has_accepted_protocol(PROTOCOL_VERSION)


def test_a_second_call_creates_nothing_and_reveals_nothing(db):
    first = staff_login.create_demo_staff()
    assert first is not None
    assert staff_login.create_demo_staff() is None
    assert StaffUser.objects.filter(username="demo").count() == 1
    assert AuditEntry.objects.filter(object_type="staff.staffuser", action="create").count() == 1
