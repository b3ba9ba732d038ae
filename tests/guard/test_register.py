"""W2: an address that crossed the threshold is registered with evidence and blocked, for
longer each time; staff can lift a ban and allow-list; the register expires (R1)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from privacydesk.guard import services
from privacydesk.guard.detector import Evidence
from privacydesk.guard.models import AllowListEntry, Offender
from privacydesk.policy.active import get_policy
from privacydesk.policy.errors import RuleViolation

pytestmark = [pytest.mark.django_db, pytest.mark.dates]
OLAF = "203.0.113.66"


def evidence(**rules: int) -> Evidence:
    now = timezone.now().timestamp()
    return Evidence(rules=rules or {"login_failed": 5}, first_seen=now - 60, last_seen=now,
                    paths=["/staff/login/?password=&username="])


def test_olaf_is_registered_with_evidence_and_banned_for_the_policy_time():
    rules = get_policy().guard
    now = timezone.now()
    olaf = services.register_offender(OLAF, evidence(), now=now)
    assert olaf is not None and olaf.address == OLAF
    assert olaf.evidence["rules"] == {"login_failed": 5}
    assert olaf.evidence["paths"] == ["/staff/login/?password=&username="]
    assert olaf.ban_count == 1
    assert olaf.ban_until == now + timedelta(seconds=rules.ban_seconds)
    assert olaf.expires_at == now + timedelta(days=rules.registration_days)


def test_a_repeat_offender_is_banned_longer_each_time_up_to_the_maximum():
    rules = get_policy().guard
    now = timezone.now()
    lengths = []
    for _ in range(12):
        olaf = services.register_offender(OLAF, evidence(), now=now)
        assert olaf is not None and olaf.ban_until is not None
        lengths.append((olaf.ban_until - now).total_seconds())
        now = olaf.ban_until + timedelta(seconds=1)
    assert lengths[:3] == [rules.ban_seconds, rules.ban_seconds * rules.ban_multiplier,
                           rules.ban_seconds * rules.ban_multiplier ** 2]
    assert max(lengths) == rules.max_ban_seconds
    assert Offender.objects.count() == 1


def test_two_workers_reporting_one_break_in_make_one_ban_not_two():
    now = timezone.now()
    services.register_offender(OLAF, evidence(), now=now)
    olaf = services.register_offender(OLAF, evidence(sql_injection=5), now=now)
    assert olaf is not None and olaf.ban_count == 1
    assert olaf.evidence["rules"] == {"login_failed": 5, "sql_injection": 5}


def test_staff_lift_a_ban_and_the_lift_is_audited():
    from privacydesk.vault.models import AuditEntry

    olaf = services.register_offender(OLAF, evidence())
    assert olaf is not None
    services.lift_ban(olaf, actor="carla")
    olaf.refresh_from_db()
    assert olaf.ban_until is None and olaf.lifted_by == "carla"
    assert AuditEntry.objects.filter(object_type="guard.offender", actor="carla").exists()


def test_an_allow_listed_network_is_never_registered_and_its_bans_end():
    olaf = services.register_offender(OLAF, evidence())
    services.allow("203.0.113.0/24", actor="carla", note="our office")
    olaf.refresh_from_db()  # type: ignore[union-attr]
    assert olaf.ban_until is None  # type: ignore[union-attr]
    assert services.register_offender("203.0.113.99", evidence()) is None


def test_a_bad_allow_list_entry_is_refused_naming_the_field():
    with pytest.raises(RuleViolation) as refused:
        services.allow("the office", actor="carla")
    assert refused.value.field == "network" and refused.value.rule == "format"
    assert AllowListEntry.objects.count() == 0


def test_registrations_expire_and_are_deleted_by_prune():
    now = timezone.now()
    services.register_offender(OLAF, evidence(), now=now)
    days = get_policy().guard.registration_days
    assert services.prune_expired(now + timedelta(days=days - 1)) == 0
    assert services.prune_expired(now + timedelta(days=days, seconds=1)) == 1
    assert not Offender.objects.exists()


def test_export_lists_only_current_bans_for_fail2ban_and_nftables():
    services.register_offender(OLAF, evidence())
    services.register_offender("2001:db8:1:2::/64", evidence())
    lifted = services.register_offender("198.51.100.9", evidence())
    services.lift_ban(lifted, actor="carla")  # type: ignore[arg-type]
    assert services.export_blocklist("plain") == f"{OLAF}\n2001:db8:1:2::/64\n"
    nft = services.export_blocklist("nft")
    assert "elements = { 203.0.113.66 }" in nft and "elements = { 2001:db8:1:2::/64 }" in nft
    assert "198.51.100.9" not in nft
    with pytest.raises(ValueError, match="fmt"):
        services.export_blocklist("csv")
