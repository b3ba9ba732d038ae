"""A1: access to a client server only under a running agreement that covers it, or for an
urgent repair the client asked for — and always for a described action (A2)."""

from __future__ import annotations

import json

import pytest

from privacydesk.access import requests as access
from privacydesk.access.models import AccessRequest, StaffKey
from privacydesk.policy.errors import RuleViolation
from privacydesk.vault.models import AuditEntry

from .conftest import ask, keypair

# Date-sensitive: scripts/test.sh runs these again under frozen clocks (#13.1).
pytestmark = pytest.mark.dates


def _refused(field: str, rule: str, call, *args, **kwargs) -> RuleViolation:
    with pytest.raises(RuleViolation) as caught:
        call(*args, **kwargs)
    assert (caught.value.field, caught.value.rule) == (field, rule), caught.value
    return caught.value


def test_a_request_under_a_running_sla_that_covers_the_server_is_filed(world):
    req = ask(world)
    assert req.status == AccessRequest.PENDING and req.basis == AccessRequest.AGREEMENT
    entry = AuditEntry.objects.get(action="request", object_id=str(req.pk))
    assert entry.actor == "jan" and json.loads(entry.detail) == {
        "agreement": world.sla.pk, "basis": "agreement", "minutes": 30, "server": world.server.pk}


def test_an_agreement_that_has_ended_is_no_basis(world):
    error = _refused("agreement", "A1", ask, world, agreement=world.ended)
    assert "does not run" in error.message


def test_another_clients_agreement_does_not_cover_the_server(world):
    _refused("agreement", "A1", ask, world, agreement=world.oneoff)


def test_a_private_clients_server_is_covered_by_its_own_agreement(world):
    assert ask(world, server=world.router, agreement=world.oneoff).pk


def test_without_agreement_or_repair_the_request_is_refused_and_the_refusal_audited(world):
    _refused("agreement", "A1", ask, world, agreement=None)
    assert AccessRequest.objects.count() == 0
    entry = AuditEntry.objects.get(action="request_refused")
    assert '"field":"agreement"' in entry.detail and '"rule":"A1"' in entry.detail


def test_an_urgent_repair_needs_the_clients_reference_and_who_asked(world, client_contacts):
    eva = str(client_contacts.eva.ref)  # Acme's contact: she may ask for a repair of srv1
    _refused("repair_contact", "A1", ask, world, agreement=None, repair_reference="T-2024-17")
    _refused("repair_reference", "A1", ask, world, agreement=None, repair_contact_ref=eva)
    _refused("repair_contact", "A1", ask, world, agreement=None, repair_reference="T-1",
             repair_contact_ref="Eva Smit")
    req = ask(world, agreement=None, repair_reference="T-2024-17", repair_contact_ref=eva)
    assert req.basis == AccessRequest.REPAIR and req.repair_contact_ref == eva


def test_the_action_must_be_described(world):
    _refused("action", "A2", ask, world, action="   ")


@pytest.mark.parametrize(("minutes", "ok"), [(0, False), (1, True), (240, True), (241, False)])
def test_the_duration_is_capped(world, minutes, ok):
    if ok:
        assert ask(world, minutes=minutes).minutes == minutes
    else:
        _refused("minutes", "A2", ask, world, minutes=minutes)


def test_the_cap_comes_from_the_configuration(world, settings):
    settings.PRIVACYDESK_ACCESS_MAX_MINUTES = 20
    _refused("minutes", "A2", ask, world, minutes=30)


@pytest.mark.parametrize("principal", ["", "Root", "jan@acme", "a b", "x" * 33])
def test_the_principal_is_a_login_name(world, principal):
    _refused("principal", "format", ask, world, principal=principal)


def test_only_roles_with_request_access_may_ask(world):
    from .conftest import make_staff

    sales = make_staff("sales", "sam")
    _refused("requester", "Sec3", access.request_access, sales, server=world.server,
             principal="root", action="x", agreement=world.sla)


def test_keys_are_validated_and_stored_without_their_comment(world, tmp_path):
    stored = StaffKey.objects.get(user=world.engineer)
    assert stored.key_type == "ssh-ed25519" and "@" not in stored.public_key
    rsa = keypair(tmp_path, "weak", "rsa", "-b", "2048")
    _refused("public_key", "A2", access.upload_key, world.engineer,
             rsa.with_suffix(".pub").read_text())
    _refused("public_key", "A2", access.upload_key, world.engineer, "ssh-ed25519 AAAA!!")
    _refused("public_key", "A2", access.upload_key, world.engineer, "ssh-dss AAAAB3Nza")
    strong = keypair(tmp_path, "strong", "rsa", "-b", "3072")
    assert access.upload_key(world.engineer, strong.with_suffix(".pub").read_text()).bits == 3072
    ecdsa = keypair(tmp_path, "ec", "ecdsa", "-b", "256")
    assert access.upload_key(world.engineer,
                             ecdsa.with_suffix(".pub").read_text()).key_type.startswith("ecdsa")
