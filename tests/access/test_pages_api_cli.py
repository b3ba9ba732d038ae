"""The staff pages, the API and the CLI only translate: ask, approve, download, revoke, and
report use, each refused to the roles the policy does not give the permission."""

from __future__ import annotations

import json
import subprocess

from django.test import Client

from privacydesk.access.models import AccessRequest, Grant, GrantUse
from privacydesk.staff import mfa
from privacydesk.staff.tokens import create_token
from tests.console import run_privacydesk

from .conftest import ask, keypair, make_staff


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    session = client.session
    session[mfa.MFA_VERIFIED] = user.pk
    session.save()
    return client


def test_ask_approve_download_and_give_up_through_the_pages(world, tmp_path):
    jan, lies = signed_in(world.engineer), signed_in(world.lead)
    key = keypair(tmp_path, "new")
    assert jan.post("/staff/access/key/", {"public_key": key.with_suffix(".pub").read_text()}
                    ).status_code == 302
    page = jan.post("/staff/access/new/", {
        "server": world.server.pk, "principal": "root", "action": "Renew the TLS certificate",
        "minutes": "20", "agreement": world.sla.pk}, follow=True)
    assert "Toegang aangevraagd" in page.content.decode()  # Dutch for staff (#15)
    req = AccessRequest.objects.get()
    assert "Renew the TLS certificate" in lies.get("/staff/access/all/").content.decode()
    assert lies.post(f"/staff/access/requests/{req.pk}/approve/").status_code == 302
    grant = Grant.objects.get()
    download = jan.get(f"/staff/access/grants/{grant.pk}/certificate/")
    assert download.content.decode().startswith("ssh-ed25519-cert-v01@openssh.com ")
    assert lies.get(f"/staff/access/grants/{grant.pk}/certificate/").status_code == 404
    assert jan.post(f"/staff/access/grants/{grant.pk}/revoke/").status_code == 302
    grant.refresh_from_db()
    assert grant.revoked_by == "jan"


def test_a_refusal_on_the_page_names_field_and_rule(world):
    page = signed_in(world.engineer).post("/staff/access/new/", {
        "server": world.server.pk, "principal": "root", "action": "x"}, follow=True)
    # #15: the field by its Dutch label, as the form shows it, not its code name.
    assert "Overeenkomst:" in page.content.decode() and "(A1)" in page.content.decode()


def test_the_engineer_cannot_approve_and_sales_cannot_ask(world):
    req = ask(world)
    assert signed_in(world.engineer).post(
        f"/staff/access/requests/{req.pk}/approve/").status_code == 403
    assert signed_in(make_staff("sales", "sam")).get("/staff/access/").status_code == 403


def _api(token: str):
    client = Client()

    def call(method: str, path: str, body=None):
        return client.generic(method.upper(), f"/api/v1/access{path}",
                              data=json.dumps(body) if body is not None else "",
                              content_type="application/json",
                              headers={"Authorization": f"Bearer {token}"})
    return call


def test_the_api_runs_the_same_workflow(world, tmp_path):
    jan = _api(create_token(world.engineer, "laptop"))
    lies = _api(create_token(world.lead, "laptop"))
    hook = _api(create_token(make_staff("service_engineer", "hook"), "srv1 login hook"))
    asked = jan("post", "/requests", {"server": world.server.pk, "principal": "deploy",
                                      "action": "Deploy release 4.2", "minutes": 15,
                                      "agreement": world.sla.pk})
    assert asked.status_code == 201, asked.content
    pk = asked.json()["id"]
    assert jan("post", f"/requests/{pk}/approve").status_code == 403
    granted = lies("post", f"/requests/{pk}/approve")
    assert granted.status_code == 201 and granted.json()["principal"] == "deploy"
    grant = granted.json()["id"]
    assert jan("get", f"/grants/{grant}/certificate").content.startswith(b"ssh-ed25519-cert")
    assert lies("get", f"/grants/{grant}/certificate").status_code == 403
    used = hook("post", "/uses", {"serial": granted.json()["serial"], "host": "srv1.acme.example"})
    assert used.status_code == 201 and GrantUse.objects.count() == 1
    sales = _api(create_token(make_staff("sales", "sam"), "laptop"))
    assert sales("post", "/uses", {"serial": granted.json()["serial"],
                                   "host": "srv1.acme.example"}).status_code == 403
    assert GrantUse.objects.count() == 1  # nobody outside the access roles writes a use
    assert lies("post", f"/grants/{grant}/revoke", {"reason": "done"}).status_code == 200
    krl = tmp_path / "api.krl"
    krl.write_bytes(hook("get", "/krl").content)
    cert = tmp_path / "c-cert.pub"
    cert.write_text(Grant.objects.get().certificate + "\n")
    assert subprocess.run(["ssh-keygen", "-Q", "-f", str(krl), str(cert)],
                          capture_output=True).returncode == 1


def test_the_api_refuses_with_field_and_rule(world):
    jan = _api(create_token(world.engineer, "laptop"))
    refused = jan("post", "/requests", {"server": world.server.pk, "principal": "root",
                                        "action": "", "agreement": world.sla.pk})
    assert refused.status_code == 422
    assert refused.json()["errors"][0] | {"message": ""} == {
        "field": "action", "rule": "A2", "message": ""}


def test_the_cli_prints_the_ca_writes_the_krl_and_lists_grants(world, tmp_path):
    from privacydesk.access import ca, grants

    printed = run_privacydesk("access", "ca")
    assert printed.exit_code == 0 and printed.output.strip() == ca.ca_public_key()
    grant = grants.approve(ask(world), world.lead)
    listed = run_privacydesk("access", "list")
    assert f"privacydesk-grant-{grant.pk}\t{grant.serial}\troot\tsrv1.acme.example\tjan\tlies" \
        in listed.output
    grants.revoke(grant, world.lead)
    out = tmp_path / "revoked.krl"
    assert run_privacydesk("access", "krl", "--output", str(out)).exit_code == 0
    cert = tmp_path / "c-cert.pub"
    cert.write_text(grant.certificate + "\n")
    assert subprocess.run(["ssh-keygen", "-Q", "-f", str(out), str(cert)],
                          capture_output=True).returncode == 1
    assert "expired" not in run_privacydesk("access", "list").output
    assert "revoked" in run_privacydesk("access", "list", "--all").output
