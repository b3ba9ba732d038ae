"""Sec1, Sec3: API tokens expire, can be listed and revoked — on the command line, in the
back office and through the API — and are shown by name and short id, never by their
secret (issue #13, 5.2). Own tokens for everyone; everyone's with `manage_staff`."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from privacydesk.policy import clock
from privacydesk.policy.active import get_policy
from privacydesk.policy.errors import RuleViolation
from privacydesk.staff.models import ApiToken
from privacydesk.staff.tokens import authenticate_token, create_token, revoke_token
from privacydesk.vault.models import AuditEntry
from tests.console import run_privacydesk

from .conftest import sign_in_with_mfa


@pytest.fixture
def team(make_staff):
    """Carla (hr) and Eva (sales) each with a token; Olga the privacy officer."""
    carla, eva = make_staff("hr", username="carla"), make_staff("sales", username="eva")
    olga = make_staff("privacy_officer", username="olga")
    raw = {"carla": create_token(carla, "payroll export"), "eva": create_token(eva, "crm")}
    return carla, eva, olga, raw


def _api(raw: str):
    client = Client()

    def call(method: str, path: str):
        headers = {"Authorization": f"Bearer {raw}"}
        if method == "get":
            return client.get(f"/api/v1/tokens{path}", headers=headers)
        return client.post(f"/api/v1/tokens{path}", data="{}", content_type="application/json",
                           headers=headers)
    return call


def _token(name: str) -> ApiToken:
    return ApiToken.objects.get(name=name)


# -- lifetime and last use ----------------------------------------------------------------------

@pytest.mark.dates
def test_a_token_without_days_expires_after_the_policys_lifetime(make_staff):
    create_token(make_staff("sales"), "sync")
    token = ApiToken.objects.get()
    lifetime = token.expires_at - token.created_at
    assert lifetime == timedelta(days=get_policy().staff_accounts.token_days)


@pytest.mark.dates
def test_an_old_token_stops_working_when_its_lifetime_ends(make_staff):
    raw = create_token(make_staff("sales"), "sync")
    days = get_policy().staff_accounts.token_days
    with time_machine.travel(timezone.now() + timedelta(days=days, seconds=1), tick=True):
        assert authenticate_token(raw) is None


def test_days_out_of_range_are_refused_naming_the_field(make_staff):
    with pytest.raises(RuleViolation) as caught:
        create_token(make_staff("sales"), "sync", days=10**6)
    assert (caught.value.field, caught.value.rule) == ("days", "range")
    assert not ApiToken.objects.exists()


@pytest.mark.dates
def test_the_last_use_is_the_day_only_and_written_once_a_day(make_staff):
    raw = create_token(make_staff("sales"), "sync")
    assert authenticate_token(raw) is not None
    assert ApiToken.objects.get().last_used_on == clock.today()
    with CaptureQueriesContext(connection) as queries:
        authenticate_token(raw)
    assert not any(q["sql"].lstrip().upper().startswith("UPDATE") for q in queries)
    with time_machine.travel(timezone.now() + timedelta(days=1), tick=True):
        authenticate_token(raw)
        assert ApiToken.objects.get().last_used_on == clock.today()


def test_creation_and_revocation_are_audited_without_the_secret(team):
    carla, _eva, _olga, raw = team
    revoke_token(_token("payroll export"), carla, actor="carla")
    entries = AuditEntry.objects.filter(object_type="staff.apitoken")
    assert sorted(entries.values_list("action", flat=True)) == ["create", "create", "revoke"]
    assert not any(raw["carla"] in e.detail or raw["carla"][3:] in e.detail for e in entries)


# -- command line ------------------------------------------------------------------------------

def test_the_cli_lists_tokens_by_name_and_short_id_never_the_secret(team):
    _carla, _eva, _olga, raw = team
    listed = run_privacydesk("token", "list")
    assert listed.exit_code == 0, listed.output
    assert "payroll export" in listed.output and "crm" in listed.output
    assert _token("crm").short_id in listed.output
    assert raw["carla"] not in listed.output and raw["eva"] not in listed.output
    only = run_privacydesk("token", "list", "--user", "eva")
    assert "crm" in only.output and "payroll export" not in only.output


def test_the_cli_revokes_by_id(team):
    _carla, _eva, _olga, raw = team
    pk = _token("crm").pk
    done = run_privacydesk("token", "revoke", str(pk))
    assert done.exit_code == 0, done.output
    assert "revoked" in done.output and authenticate_token(raw["eva"]) is None
    again = run_privacydesk("token", "revoke", str(pk))
    assert again.exit_code != 0 and "revoked already" in again.output
    unknown = run_privacydesk("token", "revoke", "999999")
    assert unknown.exit_code != 0 and "no API token has id 999999" in unknown.output
    nobody = run_privacydesk("token", "list", "--user", "olaf")
    assert nobody.exit_code != 0 and "user" in nobody.output


def test_the_cli_creates_with_the_default_lifetime(make_staff):
    make_staff("sales", username="bram")
    made = run_privacydesk("token", "create", "--user", "bram", "--name", "crm")
    assert made.exit_code == 0, made.output
    assert _token("crm").expires_at is not None


# -- API ---------------------------------------------------------------------------------------

def test_the_api_lists_own_tokens_only(team):
    _carla, _eva, _olga, raw = team
    listed = _api(raw["eva"])("get", "")
    assert listed.status_code == 200
    assert [t["name"] for t in listed.json()] == ["crm"]
    body = listed.content.decode()
    assert raw["eva"] not in body and "token_hash" not in body
    assert listed.json()[0]["short_id"] == _token("crm").short_id
    assert listed.json()[0]["state"] == "active"


def test_the_api_refuses_another_accounts_tokens_without_manage_staff(team):
    _carla, _eva, _olga, raw = team
    eva = _api(raw["eva"])
    refused = eva("get", "?user=carla")
    assert refused.status_code == 403
    assert refused.json()["errors"][0]["rule"] == "Sec3"
    other = eva("post", f"/{_token('payroll export').pk}/revoke")
    assert other.status_code == 403 and other.json()["errors"][0]["field"] == "pk"
    assert authenticate_token(raw["carla"]) is not None  # nothing happened


@pytest.mark.parametrize("name", ["%00", "x" * 151, "eva%0Abcc"])
def test_a_malformed_user_name_is_a_field_error_not_a_crash(team, name):
    _carla, _eva, olga, _raw = team
    answer = _api(create_token(olga, "admin"))("get", f"?user={name}")
    assert answer.status_code == 422
    assert answer.json()["errors"][0]["field"] == "user"


def test_the_api_revokes_own_and_a_manager_revokes_anyones(team):
    _carla, _eva, olga, raw = team
    own = _api(raw["eva"])("post", f"/{_token('crm').pk}/revoke")
    assert own.status_code == 200 and own.json()["state"] == "revoked"
    assert authenticate_token(raw["eva"]) is None
    manager = _api(create_token(olga, "admin"))
    assert {t["name"] for t in manager("get", "").json()} == {"payroll export", "crm", "admin"}
    assert [t["name"] for t in manager("get", "?user=carla").json()] == ["payroll export"]
    revoked = manager("post", f"/{_token('payroll export').pk}/revoke")
    assert revoked.status_code == 200 and authenticate_token(raw["carla"]) is None
    again = manager("post", f"/{_token('payroll export').pk}/revoke")
    assert again.status_code == 422 and again.json()["errors"][0]["rule"] == "revoked"
    assert manager("post", "/999999/revoke").status_code == 404


# -- back office -------------------------------------------------------------------------------

def test_the_page_shows_own_tokens_in_dutch_by_short_id(team):
    carla, _eva, _olga, raw = team
    page = sign_in_with_mfa(Client(), carla).get("/staff/tokens/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "payroll export" in html and _token("payroll export").short_id in html
    # Eva's token stays hers: neither its name nor its short id is on Carla's page. (A bare
    # `"crm" not in html` failed once on a random short id that happened to contain "crm".)
    assert ">crm<" not in html and _token("crm").short_id not in html
    assert raw["carla"] not in html
    assert "Uw API-tokens" in html and "Laatst gebruikt" in html


def test_the_page_revokes_own_but_not_anothers_token(team):
    carla, _eva, _olga, raw = team
    browser = sign_in_with_mfa(Client(), carla)
    assert browser.post(f"/staff/tokens/{_token('crm').pk}/revoke/").status_code == 403
    assert authenticate_token(raw["eva"]) is not None
    done = browser.post(f"/staff/tokens/{_token('payroll export').pk}/revoke/")
    assert done.status_code == 302 and authenticate_token(raw["carla"]) is None
    assert browser.get("/staff/tokens/?user=eva").status_code == 403


def test_a_manager_sees_and_revokes_everyones_tokens_on_the_page(team):
    _carla, _eva, olga, raw = team
    browser = sign_in_with_mfa(Client(), olga)
    html = browser.get("/staff/tokens/").content.decode()
    assert "payroll export" in html and "crm" in html
    filtered = browser.get("/staff/tokens/?user=eva").content.decode()
    assert "crm" in filtered and "payroll export" not in filtered
    assert browser.post(f"/staff/tokens/{_token('crm').pk}/revoke/").status_code == 302
    assert authenticate_token(raw["eva"]) is None


def test_the_token_pages_are_closed_to_anonymous_visitors(team):
    anonymous = Client()
    assert anonymous.get("/staff/tokens/").status_code == 302
    assert anonymous.post(f"/staff/tokens/{_token('crm').pk}/revoke/").status_code == 302
    assert ApiToken.objects.filter(revoked_at__isnull=False).count() == 0


def test_the_api_is_closed_without_a_token(team):
    assert Client().get("/api/v1/tokens").status_code == 401
    assert json.loads(Client().post(f"/api/v1/tokens/{_token('crm').pk}/revoke").content)[
        "errors"][0]["rule"] == "token"
