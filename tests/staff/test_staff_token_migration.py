"""Tokens made before tokens had to expire get the policy's lifetime on upgrade (#13.5.2):
none stays valid for ever, none stops working at the moment of the upgrade."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from privacydesk.policy.active import get_policy
from privacydesk.staff.models import ApiToken

BEFORE = [("staff", "0002_signin_limits_session_epoch_token_day")]
AFTER = [("staff", "0003_tokens_without_expiry_expire")]


@pytest.mark.django_db(transaction=True)
def test_an_old_token_without_expiry_gets_the_policys_lifetime() -> None:
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    try:
        _upgrade_keeps_tokens_alive(executor)
    finally:
        # Going back to BEFORE also unapplied what depends on it in other apps (vault's data
        # keys): put the whole schema back, or the next tests find tables missing.
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())


def _upgrade_keeps_tokens_alive(executor: MigrationExecutor) -> None:
    # The accounts of that time: today's StaffUser has columns (language, #15) it lacked.
    then = executor.loader.project_state(BEFORE).apps
    bram = then.get_model("staff", "StaffUser").objects.create(username="bram",
                                                               staff_role="sales")
    old = then.get_model("staff", "ApiToken")
    forever = old.objects.create(user_id=bram.pk, name="old sync", token_prefix="pd_aaaaa",
                                 token_hash="a" * 64, expires_at=None)
    gone = old.objects.create(user_id=bram.pk, name="revoked", token_prefix="pd_bbbbb",
                              token_hash="b" * 64, expires_at=None, revoked_at=timezone.now())
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(AFTER)
    days = get_policy().staff_accounts.token_days
    expires = ApiToken.objects.get(pk=forever.pk).expires_at
    assert expires is not None
    assert timedelta(days=days) - timedelta(minutes=5) < expires - timezone.now() \
        <= timedelta(days=days)
    assert ApiToken.objects.get(pk=gone.pk).expires_at is None  # refused anyway
