"""API tokens: shown once, stored only as a hash, refused when revoked, expired or orphaned."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest
from django.utils import timezone

from privacydesk.policy.errors import RuleViolation
from privacydesk.staff.models import ApiToken
from privacydesk.staff.tokens import authenticate_token, create_token, revoke_token


def test_a_token_is_returned_once_and_only_its_hash_is_stored(make_staff):
    user = make_staff("privacy_officer")
    raw = create_token(user, "CRM sync")
    assert raw.startswith("pd_") and len(raw) > 40
    token = ApiToken.objects.get(user=user)
    assert token.token_hash == hashlib.sha256(raw.encode()).hexdigest()
    assert token.token_prefix == raw[:8]
    assert raw not in str(ApiToken.objects.values_list().get())


def test_a_valid_token_authenticates_its_user_and_records_its_use(make_staff):
    user = make_staff("sales")
    raw = create_token(user, "export", days=30)
    assert authenticate_token(raw) == user
    assert ApiToken.objects.get(user=user).last_used_on is not None


def test_the_authenticated_account_is_the_whole_account_as_the_orm_loads_it(make_staff):
    # authenticate_token reads token and account in one hand-written join (a hot path);
    # what it returns must be indistinguishable from the ORM's own instance.
    user = make_staff("finance")
    raw = create_token(user, "ledger", days=3)
    authenticate_token(raw)  # first use writes last_used_on
    found = authenticate_token(raw)
    assert found is not None
    loaded = type(user).objects.get(pk=user.pk)
    for field in type(user)._meta.concrete_fields:
        assert getattr(found, field.attname) == getattr(loaded, field.attname), field.name
    assert found.get_deferred_fields() == set()
    token = ApiToken.objects.get(user=user)
    assert token.expires_at is not None and token.expires_at.tzinfo is not None


@pytest.mark.parametrize("raw", [None, "", "pd_", "pd_unknown-token", "Bearer x", "x" * 500])
def test_unknown_or_malformed_tokens_are_refused(db, raw):
    assert authenticate_token(raw) is None


def test_a_revoked_token_is_refused(make_staff):
    raw = create_token(make_staff("sales"), "old laptop")
    revoke_token(ApiToken.objects.get())
    assert authenticate_token(raw) is None


def test_an_expired_token_is_refused(make_staff):
    raw = create_token(make_staff("sales"), "short", days=1)
    ApiToken.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert authenticate_token(raw) is None


def test_a_token_of_a_deactivated_account_is_refused(make_staff):
    user = make_staff("sales")
    raw = create_token(user, "sync")
    user.is_active = False
    user.save()
    assert authenticate_token(raw) is None


def test_a_token_needs_a_name_and_positive_days(make_staff):
    user = make_staff("sales")
    with pytest.raises(RuleViolation) as no_name:
        create_token(user, "  ")
    with pytest.raises(RuleViolation) as no_days:
        create_token(user, "x", days=0)
    assert (no_name.value.field, no_days.value.field) == ("name", "days")
    assert not ApiToken.objects.exists()
