"""Sec1: staff passwords hashed with argon2, TOTP secrets sealed, staff roles from the policy."""

from __future__ import annotations

import pytest

from privacydesk.policy.errors import RuleViolation
from privacydesk.staff import protocol
from privacydesk.staff.models import StaffUser, TotpSecret

from .conftest import PASSWORD


@pytest.mark.django_db
def test_a_staff_password_is_stored_as_an_argon2_hash():
    user = StaffUser(username="carla.staff", staff_role="sales")
    user.set_password(PASSWORD)
    user.save()
    stored = StaffUser.objects.get(pk=user.pk).password
    assert stored.startswith("argon2$argon2id$")
    assert PASSWORD not in stored
    assert StaffUser.objects.get(pk=user.pk).check_password(PASSWORD)


@pytest.mark.django_db
def test_a_staff_role_the_policy_does_not_declare_is_refused_and_not_stored():
    user = StaffUser(username="mallory", staff_role="superuser")
    with pytest.raises(RuleViolation) as refused:
        user.save()
    assert refused.value.field == "staff_role"
    assert "privacy_officer" in refused.value.message
    assert not StaffUser.objects.filter(username="mallory").exists()


@pytest.mark.django_db
def test_every_staff_role_of_the_policy_is_accepted():
    from privacydesk.policy.active import get_policy

    for key in get_policy().staff_roles:
        StaffUser.objects.create(username=f"u-{key}", staff_role=key)
    assert StaffUser.objects.count() == len(get_policy().staff_roles)


def test_the_totp_secret_is_sealed_never_stored_in_the_clear(make_staff):
    user = make_staff("hr")
    row = TotpSecret.objects.get(user=user)
    assert user.totp_secret_plain.encode() not in bytes(row.ciphertext)
    assert row.key_id
    assert StaffUser.objects.get(pk=user.pk).get_totp_secret() == user.totp_secret_plain


def test_resetting_mfa_forgets_the_secret(make_staff):
    user = make_staff("finance")
    user.reset_mfa()
    fresh = StaffUser.objects.get(pk=user.pk)
    assert not fresh.mfa_enabled
    assert fresh.get_totp_secret() is None


def test_the_protocol_texts_are_pinned_to_their_version():
    # Sec4: changing the words without a new version would bind staff to words they never
    # accepted. Change the text -> raise PROTOCOL_VERSION and update PROTOCOL_DIGEST.
    assert protocol.texts_digest() == protocol.PROTOCOL_DIGEST


def test_the_protocol_exists_in_dutch_and_english_and_names_the_controller():
    dutch = protocol.protocol_html("nl", "InFactor")
    english = protocol.protocol_html("en", "InFactor")
    assert "binnen een uur" in dutch and "within one hour" in english
    assert "InFactor" in dutch and "{controller}" not in english
    assert "&lt;b&gt;" in protocol.protocol_html("en", "<b>")
