"""A2 against a real OpenSSH sshd that trusts privacydesk's CA: a granted certificate logs
in; an expired one, one for another principal and a revoked one do not."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from privacydesk.access import ca, grants

from .conftest import ask
from .sshd import log_text, start_sshd, stop

pytestmark = pytest.mark.live


@pytest.fixture
def server(world, tmp_path):
    # The current user (root here) may log in with a certificate for principal "root".
    running = start_sshd(tmp_path / "sshd", ca.ca_public_key(), ["root"])
    grants.export_krl(running.krl)
    yield running
    stop(running)


def _cert(tmp_path, name: str, certificate: str):
    path = tmp_path / f"{name}-cert.pub"
    path.write_text(certificate + "\n")
    return path


def test_a_granted_certificate_logs_in_and_runs_the_command(world, server, tmp_path):
    grant = grants.approve(ask(world, principal="root"), world.lead)
    done = server.ssh(world.key, _cert(tmp_path, "granted", grant.certificate),
                      command="echo granted")
    assert done.returncode == 0, done.stderr + log_text(server)
    assert done.stdout.strip() == "granted"
    assert f'ID privacydesk-grant-{grant.pk} (serial {grant.serial})' in log_text(server)


def test_without_the_certificate_the_key_alone_is_refused(world, server, tmp_path):
    done = server.ssh(world.key, tmp_path / "none-cert.pub")
    assert done.returncode == 255 and "Permission denied" in done.stderr


def test_an_expired_certificate_is_refused(world, server, tmp_path):
    now = timezone.now().replace(microsecond=0)
    expired = ca.sign(world.engineer.ssh_key.public_key, key_id="expired", serial=77,
                      principal="root", valid_after=now - timedelta(minutes=10),
                      valid_before=now - timedelta(minutes=1))
    done = server.ssh(world.key, _cert(tmp_path, "expired", expired))
    assert done.returncode == 255 and "Permission denied" in done.stderr
    assert "Certificate invalid: expired" in log_text(server)


def test_a_certificate_for_another_principal_is_refused(world, server, tmp_path):
    grant = grants.approve(ask(world, principal="backup"), world.lead)
    done = server.ssh(world.key, _cert(tmp_path, "backup", grant.certificate))
    assert done.returncode == 255 and "Permission denied" in done.stderr
    assert "does not contain an authorized principal" in log_text(server)


def test_a_revoked_certificate_is_refused_once_the_krl_is_exported(world, server, tmp_path):
    grant = grants.approve(ask(world, principal="root"), world.lead)
    cert = _cert(tmp_path, "revoked", grant.certificate)
    assert server.ssh(world.key, cert).returncode == 0
    grants.revoke(grant, world.lead, "the work is done")
    grants.export_krl(server.krl)  # sshd reads RevokedKeys at every authentication
    done = server.ssh(world.key, cert)
    assert done.returncode == 255 and "Permission denied" in done.stderr
    assert f"revoked by file {server.krl}" in log_text(server)


def test_a_forced_command_is_the_only_thing_the_certificate_runs(world, server, tmp_path):
    grant = grants.approve(ask(world, principal="root", force_command="echo only-this"),
                           world.lead)
    done = server.ssh(world.key, _cert(tmp_path, "forced", grant.certificate),
                      command="echo something-else")
    assert done.returncode == 0 and done.stdout.strip() == "only-this"
