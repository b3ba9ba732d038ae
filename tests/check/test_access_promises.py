"""A1, A2: grants made through the services pass; each promise broken behind the services'
back (approved by the requester, longer than the cap, past the agreement, no basis, not
logged) makes its check fail."""

from __future__ import annotations

import subprocess
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.utils import timezone

from privacydesk.access import grants
from privacydesk.access import requests as access
from privacydesk.access.models import AccessRequest, Grant
from privacydesk.check import FAIL, PASS
from privacydesk.policy import clock
from privacydesk.register.models import Agreement
from privacydesk.staff import protocol
from privacydesk.staff.models import StaffUser

from .conftest import details_of, status_of

# Date-sensitive: scripts/test.sh runs these again under frozen clocks (#13.1).
pytestmark = pytest.mark.dates


def _staff(role: str, username: str) -> StaffUser:
    user = StaffUser.objects.create_user(username=username, password=None, staff_role=role)
    user.accept_protocol(protocol.PROTOCOL_VERSION)
    return user


@pytest.fixture
def access_world(personas, settings, tmp_path) -> SimpleNamespace:
    """Anna's SLA covers her server; Jan (engineer) got access approved by Lies (lead), once
    under the SLA and once for an urgent repair Eva asked for."""
    settings.DATA_DIR = tmp_path
    jan, lies = _staff("service_engineer", "jan"), _staff("service_lead", "lies")
    key = tmp_path / "jan"
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(key)], check=True)
    access.upload_key(jan, key.with_suffix(".pub").read_text())
    server = access.add_server("nas.anna.example", agreement=personas.anna_sla, actor=lies)
    sla = grants.approve(access.request_access(
        jan, server=server, principal="admin", action="Replace a failed disk", minutes=60,
        agreement=personas.anna_sla), lies)
    # Who asked for the repair: Anna, party to the server's agreement (a private client).
    repair = grants.approve(access.request_access(
        jan, server=server, principal="admin", action="Restore the backup job", minutes=30,
        repair_reference="CALL-0815", repair_contact_ref=str(personas.anna.ref)), lies)
    return SimpleNamespace(sla=sla, repair=repair, jan=jan, lies=lies)


def test_grants_made_through_the_services_keep_both_promises(access_world):
    assert status_of("A1") == PASS and status_of("A2") == PASS
    assert "2 grants" in details_of("A1") and "1 grant for urgent repairs" in details_of("A1")


def test_a1_a_grant_whose_agreement_had_not_started_fails(access_world, personas):
    Agreement.objects.filter(pk=personas.anna_sla.pk).update(
        starts_on=clock.today() + timedelta(days=1))
    assert status_of("A1") == FAIL
    assert f"grant #{access_world.sla.pk}" in details_of("A1")


def test_a1_a_repair_without_the_clients_request_reference_fails(access_world):
    AccessRequest.objects.filter(pk=access_world.repair.request_id).update(repair_reference="")
    assert status_of("A1") == FAIL


def test_a1_a_grant_on_another_clients_server_fails(access_world, personas):
    other = access.add_server("srv.acme.example", organisation=personas.acme,
                              actor=access_world.lies)
    AccessRequest.objects.filter(pk=access_world.sla.request_id).update(server=other)
    assert "does not cover server" in details_of("A1")


def test_a2_a_request_approved_by_its_requester_fails(access_world):
    AccessRequest.objects.filter(pk=access_world.sla.request_id).update(decided_by="jan")
    assert status_of("A2") == FAIL
    assert "approved by the requester" in details_of("A2")


def test_a2_a_grant_never_approved_fails(access_world):
    AccessRequest.objects.filter(pk=access_world.repair.request_id).update(
        status=AccessRequest.PENDING, decided_by="")
    assert status_of("A2") == FAIL


def test_a2_a_grant_longer_than_the_cap_fails(access_world, settings):
    grant = access_world.sla
    Grant.objects.filter(pk=grant.pk).update(valid_before=grant.valid_after + timedelta(hours=9))
    assert "longer than the cap of 240" in details_of("A2")
    settings.PRIVACYDESK_ACCESS_MAX_MINUTES = 15   # a stricter cap judges the old grants
    assert status_of("A2") == FAIL


def test_a2_a_grant_past_the_end_of_its_agreement_fails(access_world, personas):
    Agreement.objects.filter(pk=personas.anna_sla.pk).update(
        ends_on=clock.day_of(access_world.sla.valid_before) - timedelta(days=1))
    assert "past the end of agreement SLA-ANNA" in details_of("A2")


def test_a2_a_grant_written_around_the_service_is_not_logged_and_fails(access_world):
    # Audit entries are append-only, so "unlogged" means a grant row made without the service.
    req = access_world.sla.request
    req.pk = None
    req.save()
    sneaky = Grant.objects.create(
        request=req, key_id="sneaky", serial=4242, principal=req.principal,
        valid_after=timezone.now(), valid_before=timezone.now() + timedelta(minutes=5),
        key_fingerprint="x", ca_fingerprint="x", certificate="x")
    assert f"grant #{sneaky.pk} (serial 4242): its issue is not in the audit chain" \
        in details_of("A2")


def test_a2_a_grant_for_no_described_action_fails(access_world):
    AccessRequest.objects.filter(pk=access_world.sla.request_id).update(action=" ")
    assert "describes no action" in details_of("A2")
