"""Failure reasons of check lines that had no test of their own (issue #13, item 3): each
test breaks one rule behind the services' back and expects its line to fail, naming it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from privacydesk.callbacks.models import CallbackRequest
from privacydesk.check import FAIL
from privacydesk.guard.models import Offender
from privacydesk.register.models import AgreementRecipient, Phone
from privacydesk.staff.models import StaffUser

from .conftest import details_of, status_of


def test_p1_a_callback_closed_as_written_without_the_letter_fails(personas):
    CallbackRequest.objects.create(person=personas.bram, status="written")
    assert status_of("P1") == FAIL
    assert "closed as written without a written contact on record" in details_of("P1")


@pytest.mark.dates
def test_r2_contact_data_without_a_deletion_date_fail(personas):
    Phone.objects.filter(person=personas.bram).update(delete_after=None)
    assert status_of("R2") == FAIL
    assert "phone: 1 contact-only row without a deletion date" in details_of("R2")


def test_d1_a_recipient_without_a_purpose_fails(personas):
    AgreementRecipient.objects.update(purpose="")
    assert status_of("D1") == FAIL
    assert "1 recipient without a stated purpose" in details_of("D1")


def test_w1_debug_on_fails(personas, settings):
    settings.DEBUG = True  # error pages would echo the visitor's request metadata
    assert status_of("W1") == FAIL
    assert "DEBUG is on" in details_of("W1")


@pytest.mark.dates
def test_w2_a_registration_past_expiry_still_stored_fails(personas):
    # The daily prune removes a registration once it expired (and its ban is over).
    long_ago = timezone.now() - timedelta(days=3)
    Offender.objects.update(expires_at=long_ago, ban_until=long_ago)
    assert status_of("W2") == FAIL
    assert "1 registration past expiry still stored" in details_of("W2")


def test_sec3_without_the_content_security_policy_fails(personas, settings):
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if m != "csp.middleware.CSPMiddleware"]
    settings.SECURE_CONTENT_TYPE_NOSNIFF = False
    assert status_of("Sec3") == FAIL
    text = details_of("Sec3")
    assert "Content-Security-Policy missing" in text and "nosniff is off" in text


def test_sec3_a_staff_role_the_policy_does_not_know_fails(personas):
    StaffUser.objects.filter(pk=personas.officer.pk).update(staff_role="janitor")
    assert status_of("Sec3") == FAIL
    assert "1 staff account with a role the policy lacks" in details_of("Sec3")


def test_sec3_a_usable_token_of_a_disabled_account_fails(personas):
    from privacydesk.staff import tokens

    tokens.create_token(personas.officer, "export script", days=30)
    StaffUser.objects.filter(pk=personas.officer.pk).update(is_active=False)
    assert status_of("Sec3") == FAIL
    assert "1 API token still usable for inactive accounts" in details_of("Sec3")


def test_sec3_a_site_excluded_from_its_content_security_policy_fails(personas, settings):
    # The middleware is installed and configured, but every path is excluded (say, to let a
    # widget run): only the served page shows that browsers get no CSP.
    settings.CONTENT_SECURITY_POLICY = {**settings.CONTENT_SECURITY_POLICY,
                                        "EXCLUDE_URL_PREFIXES": ["/"]}
    assert status_of("Sec3") == FAIL
    assert details_of("Sec3").splitlines()[1:] == [
        "page /nl/ is served without Content-Security-Policy"]
