"""A2: a certificate belongs to the one person who asked for it (issue #13, 5.8).

The attack: anyone with `grant_access` read every engineer's certificate from the grant
list or the approval's answer, and one SSH key could be registered for two accounts, so a
certificate named one person while two could log in with it.
"""

from __future__ import annotations

import json

import pytest
from django.test import Client

from privacydesk.access import grants
from privacydesk.access import requests as access
from privacydesk.access.models import StaffKey
from privacydesk.policy.errors import RuleViolation
from privacydesk.staff.tokens import create_token

from .conftest import ask, keypair, make_staff


def _api(token: str):
    client = Client()

    def call(method: str, path: str, body: dict | None = None):
        headers = {"Authorization": f"Bearer {token}"}
        if method == "get":
            return client.get(f"/api/v1/access{path}", headers=headers)
        return getattr(client, method)(f"/api/v1/access{path}", data=json.dumps(body or {}),
                                       content_type="application/json", headers=headers)
    return call


def test_the_approval_answer_carries_no_certificate(world):
    pk = ask(world).pk
    lies = _api(create_token(world.lead, "laptop"))
    granted = lies("post", f"/requests/{pk}/approve")
    assert granted.status_code == 201
    assert "certificate" not in granted.json()
    assert "-cert-" not in granted.content.decode()


def test_the_list_of_all_grants_carries_no_certificates(world):
    grants.approve(ask(world), world.lead)
    for holder in (world.lead, world.officer):  # both hold grant_access
        listed = _api(create_token(holder, "laptop"))("get", "/grants")
        assert listed.status_code == 200 and len(listed.json()) == 1
        assert "certificate" not in listed.json()[0]
        assert "-cert-" not in listed.content.decode()


def test_a_revocation_answer_carries_no_certificate(world):
    grant = grants.approve(ask(world), world.lead)
    revoked = _api(create_token(world.officer, "laptop"))("post", f"/grants/{grant.pk}/revoke",
                                                          {"reason": "done"})
    assert revoked.status_code == 200 and "certificate" not in revoked.json()


def test_the_requester_still_gets_the_certificate(world):
    grant = grants.approve(ask(world), world.lead)
    jan = _api(create_token(world.engineer, "laptop"))
    mine = jan("get", "/grants/mine").json()
    assert mine[0]["certificate"] == grant.certificate
    assert mine[0]["certificate"].startswith("ssh-ed25519-cert-v01@openssh.com ")
    assert jan("get", f"/grants/{grant.pk}/certificate").status_code == 200


def test_the_approvers_own_grants_list_holds_only_their_own(world):
    grants.approve(ask(world), world.lead)  # Jan's grant
    assert _api(create_token(world.lead, "laptop"))("get", "/grants/mine").json() == []


def test_one_public_key_for_two_accounts_is_refused(world):
    piet = make_staff("service_engineer", "piet")
    jans_key = world.key.with_suffix(".pub").read_text()
    with pytest.raises(RuleViolation) as refused:
        access.upload_key(piet, jans_key)
    assert (refused.value.field, refused.value.rule) == ("public_key", "A2")
    assert "another staff account" in refused.value.message
    assert not StaffKey.objects.filter(user=piet).exists()
    assert StaffKey.objects.get(user=world.engineer).public_key in jans_key


def test_the_api_refuses_a_shared_key_with_field_and_rule(world):
    piet = _api(create_token(make_staff("service_engineer", "piet"), "laptop"))
    answer = piet("put", "/key", {"public_key": world.key.with_suffix(".pub").read_text()})
    assert answer.status_code == 422
    assert answer.json()["errors"][0]["field"] == "public_key"
    assert answer.json()["errors"][0]["rule"] == "A2"


def test_the_same_account_may_upload_its_key_again_and_others_their_own(world, tmp_path):
    access.upload_key(world.engineer, world.key.with_suffix(".pub").read_text())
    piet = make_staff("service_engineer", "piet")
    own = keypair(tmp_path, "piet_ed25519")
    assert access.upload_key(piet, own.with_suffix(".pub").read_text()).user == piet


def test_the_database_refuses_a_shared_key_too(world):
    # Two uploads at the same moment both pass the service's look-up; the constraint holds.
    from django.db import IntegrityError, transaction

    piet = make_staff("service_engineer", "piet")
    jan = StaffKey.objects.get(user=world.engineer)
    with pytest.raises(IntegrityError), transaction.atomic():
        StaffKey.objects.create(user=piet, public_key=jan.public_key, key_type=jan.key_type,
                                bits=jan.bits, fingerprint=jan.fingerprint)
