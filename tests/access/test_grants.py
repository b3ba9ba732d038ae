"""A2: someone else approves; the grant is one principal for a short window, signed by
privacydesk's CA, capped by the configuration and the agreement's end, logged and revocable."""

from __future__ import annotations

import stat
import subprocess
from datetime import timedelta

import pytest
import time_machine

from privacydesk.access import ca, grants
from privacydesk.access import requests as access
from privacydesk.access.models import AccessRequest, Grant, GrantUse, agreement_end_instant
from privacydesk.policy import clock
from privacydesk.policy.errors import RuleViolation
from privacydesk.vault.models import AuditEntry

from .conftest import ask, keypair, make_staff

# Date-sensitive: scripts/test.sh runs these again under frozen clocks (#13.1).
pytestmark = pytest.mark.dates


def _listing(certificate: str, tmp_path) -> str:
    path = tmp_path / "cert.pub"
    path.write_text(certificate + "\n")
    return subprocess.run(["ssh-keygen", "-L", "-f", str(path)], capture_output=True,
                          text=True, check=True).stdout


def test_the_lead_approves_and_the_certificate_says_exactly_what_was_granted(world, tmp_path):
    grant = grants.approve(ask(world), world.lead)
    listing = _listing(grant.certificate, tmp_path)
    assert f'Key ID: "privacydesk-grant-{grant.pk}"' in listing
    assert f"Serial: {grant.serial}" in listing
    assert "Principals: \n                root\n" in listing
    for gone in ("permit-port-forwarding", "permit-agent-forwarding", "permit-X11-forwarding"):
        assert gone not in listing
    assert grant.valid_before - grant.valid_after == timedelta(minutes=30)
    assert grant.ca_fingerprint in listing
    detail = AuditEntry.objects.get(action="grant", object_id=str(grant.pk)).detail
    assert f'"serial":{grant.serial}' in detail and '"principal":"root"' in detail
    assert AuditEntry.objects.filter(action="approve", actor="lies").exists()


def test_the_ca_key_is_made_once_with_mode_0600(world, own_data_dir):
    first = ca.ca_public_key()
    path = ca.ca_key_path()
    assert path.parent == own_data_dir / "access"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert ca.ca_public_key() == first and first.startswith("ssh-ed25519 ")


def test_a_requester_never_approves_their_own_request(world, tmp_path):
    with pytest.raises(RuleViolation) as caught:
        grants.approve(ask(world), world.engineer)  # and a service engineer may not at all
    assert caught.value.rule == "Sec3"
    # A key of her own: one key is never registered for two accounts (A2, #13.5.8).
    access.upload_key(world.lead, keypair(tmp_path, "lies_ed25519").with_suffix(".pub").read_text())
    own = access.request_access(world.lead, server=world.server, principal="root",
                                action="Restart nginx", agreement=world.sla)
    with pytest.raises(RuleViolation) as caught:
        grants.approve(own, world.lead)
    assert (caught.value.field, caught.value.rule) == ("approver", "A2")
    assert not Grant.objects.exists()
    assert grants.approve(own, world.officer).request == own


def test_the_window_is_capped_by_the_configuration(world, settings):
    req = ask(world, minutes=120)
    settings.PRIVACYDESK_ACCESS_MAX_MINUTES = 45
    grant = grants.approve(req, world.lead)
    assert grant.minutes == 45


def test_the_window_never_runs_past_the_end_of_the_agreement(world):
    # Anna's one-off assignment ends today: a four-hour grant never outlives the day.
    req = ask(world, server=world.router, agreement=world.oneoff, minutes=240)
    grant = grants.approve(req, world.lead)
    assert grant.valid_before <= agreement_end_instant(world.oneoff)


def test_an_agreement_that_ended_after_the_request_blocks_approval(world):
    req = ask(world)
    type(world.sla).objects.filter(pk=world.sla.pk).update(
        ends_on=clock.today() - timedelta(days=1))
    req.refresh_from_db()
    with pytest.raises(RuleViolation) as caught:
        grants.approve(req, world.lead)
    assert (caught.value.field, caught.value.rule) == ("agreement", "A1")


def test_a_refusal_needs_a_reason_and_is_final(world):
    req = ask(world)
    with pytest.raises(RuleViolation):
        grants.refuse(req, world.lead, " ")
    grants.refuse(req, world.lead, "Use the maintenance window on Sunday")
    assert req.status == AccessRequest.REFUSED
    with pytest.raises(RuleViolation):
        grants.approve(req, world.officer)
    assert AuditEntry.objects.filter(action="refuse", object_id=str(req.pk)).exists()


def test_revocation_puts_the_serial_in_the_krl(world, tmp_path):
    grant = grants.approve(ask(world), world.lead)
    cert = tmp_path / "c-cert.pub"
    cert.write_text(grant.certificate + "\n")
    krl = grants.export_krl(tmp_path / "before.krl")
    assert subprocess.run(["ssh-keygen", "-Q", "-f", str(krl), str(cert)]).returncode == 0
    grants.revoke(grant, world.officer, "laptop lost")
    krl = grants.export_krl(tmp_path / "after.krl")
    assert subprocess.run(["ssh-keygen", "-Q", "-f", str(krl), str(cert)],
                          capture_output=True).returncode == 1
    assert AuditEntry.objects.filter(action="revoke", object_id=str(grant.pk)).exists()


def test_others_may_not_revoke_but_the_requester_may_give_access_up(world):
    grant = grants.approve(ask(world), world.lead)
    other = make_staff("service_engineer", "piet")
    with pytest.raises(RuleViolation):
        grants.revoke(grant, other)
    assert grants.revoke(grant, world.engineer).revoked_by == "jan"


def test_a_reported_use_is_recorded_and_audited(world):
    grant = grants.approve(ask(world), world.lead)
    use = grants.record_use(grant.serial, "srv1.acme.example", world.lead)
    assert GrantUse.objects.get() == use
    detail = AuditEntry.objects.get(action="use").detail
    assert '"active":true' in detail and '"on_its_server":true' in detail
    with pytest.raises(RuleViolation):
        grants.record_use(12345, "srv1.acme.example", world.lead)


def test_grants_go_after_the_policys_security_period(world):
    from privacydesk.access import retention

    grant = grants.approve(ask(world), world.lead)
    stale = ask(world)
    assert retention.rule_id() == "break-in-registrations"
    # Each record counts from its own day in the policy's zone: the grant from the end of its
    # window, the request that got none from its filing (they differ after 23:30 Amsterdam).
    ended, filed = clock.day_of(grant.valid_before), clock.day_of(stale.requested_at)
    assert filed <= ended
    assert grants.prune_expired(retention.deletion_date(filed) - timedelta(days=1)) == 0
    # On the request's due day it goes; the grant with it only when its window ended that day.
    assert grants.prune_expired(retention.deletion_date(filed)) == (2 if ended == filed else 1)
    assert not AccessRequest.objects.filter(pk=stale.pk).exists()
    assert grants.prune_expired(retention.deletion_date(ended) - timedelta(days=1)) == 0
    assert grants.prune_expired(retention.deletion_date(ended)) == (1 if ended > filed else 0)
    assert not Grant.objects.exists() and not AccessRequest.objects.exists()


def test_a_grant_ending_after_midnight_in_the_policys_zone_goes_a_day_later(world):
    # Issue #13: at 23:45 in Amsterdam (22:45 UTC) a 30-minute window ends tomorrow there,
    # today in UTC. The policy's day decides: the grant goes a day after the request it
    # outlived, and neither goes before its own day.
    from privacydesk.access import retention

    evening = clock.start_of(clock.today()) + timedelta(hours=23, minutes=45)
    with time_machine.travel(evening, tick=False):
        grant = grants.approve(ask(world, minutes=30), world.lead)
        stale = ask(world)
    filed = clock.day_of(stale.requested_at)
    assert (filed, clock.day_of(grant.valid_before)) == (clock.today(),
                                                         clock.today() + timedelta(days=1))
    assert grants.prune_expired(retention.deletion_date(filed)) == 1   # the request alone
    assert Grant.objects.filter(pk=grant.pk).exists()
    assert grants.prune_expired(retention.deletion_date(filed + timedelta(days=1))) == 1
    assert not Grant.objects.exists()
