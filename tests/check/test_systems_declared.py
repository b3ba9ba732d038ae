"""The systems' line `systems-declared` of `privacydesk check` (#16.1): access, correction
and erasure reach every system the policy declares — by its connector (the URL variable is
set and names a declared host), by a person (a manual system's owner role has a staff
account) or by privacydesk itself (the register). A declared system that is not connected
is a warning naming the variable to set; a connection to an undeclared host, or a manual
system nobody can work in, fails."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from privacydesk.check import FAIL, PASS, WARN
from privacydesk.check.systems import run_system_lines
from privacydesk.policy import active, get_default_policy_path
from privacydesk.staff.models import StaffUser
from tests.console import run_privacydesk

CONNECTED = ("mailbox", "ticketing", "accounting", "directory")
SECRET = "s3cr3t-Pa55"

MANUAL_SYSTEM = '''
[[systems]]
id = "payroll"
label = { nl = "Salarisadministratie (uitbesteed)", en = "Payroll (outsourced)" }
owner = "hr"
operator = "processor"
processor = "Loonbureau Noord BV"
agreement = "Verwerkersovereenkomst loonadministratie 2023"
categories = ["names", "address", "financial", "identity"]
roles = ["employee"]
purposes = ["legal_obligation"]
identities = ["name", "employee_number"]
capabilities = ["manual"]
connector = "manual"
retention = "payroll-identity"
'''


@pytest.fixture(autouse=True)
def no_urls(monkeypatch: pytest.MonkeyPatch) -> None:
    """No system connected, whatever the environment of the test run says."""
    for name in list(os.environ):
        if name.startswith("PRIVACYDESK_SYSTEM_") and name.endswith("_URL"):
            monkeypatch.delenv(name)


def _staff(role: str) -> StaffUser:
    return StaffUser.objects.create_user(username=f"{role}-1", password=None, staff_role=role)


def _line():  # type: ignore[no-untyped-def]
    (line,) = run_system_lines(["systems-declared"])
    return line


def _connect_all(monkeypatch: pytest.MonkeyPatch, host: str = "127.0.0.1") -> None:
    for system in CONNECTED:
        monkeypatch.setenv(f"PRIVACYDESK_SYSTEM_{system.upper()}_URL",
                           f"https://svc:{SECRET}@{host}:8443/{system}")


@pytest.fixture()
def with_payroll(tmp_path: Path) -> Iterator[None]:
    """InFactor's policy plus an outsourced payroll reached by manual tasks for HR."""
    policy = tmp_path / "with-payroll.toml"
    policy.write_text(get_default_policy_path().read_text("utf-8") + MANUAL_SYSTEM, "utf-8")
    active.configure(policy)
    try:
        yield
    finally:
        active.configure(None)


@pytest.mark.django_db
def test_declared_systems_without_their_url_warn_naming_the_variable_to_set():
    _staff("privacy_officer")
    line = _line()
    assert line.status == WARN
    for system in CONNECTED:
        assert any(d.startswith(f"{system}: declared but not connected here") and
                   f"set PRIVACYDESK_SYSTEM_{system.upper()}_URL" in d for d in line.details)
    assert "register: the register, owned by staff role 'privacy_officer'" in line.details


@pytest.mark.django_db
def test_every_system_connected_and_the_register_owned_passes(monkeypatch):
    _staff("privacy_officer")
    _connect_all(monkeypatch)
    line = _line()
    assert line.status == PASS, line
    assert line.summary == "all 5 declared systems reached"
    assert "ticketing: connected (rest)" in line.details


@pytest.mark.django_db
def test_a_url_naming_an_undeclared_host_fails_without_showing_the_url(monkeypatch):
    _staff("privacy_officer")
    _connect_all(monkeypatch)
    monkeypatch.setenv("PRIVACYDESK_SYSTEM_TICKETING_URL",
                       f"https://svc:{SECRET}@redmine.elsewhere.example/")
    line = _line()
    assert line.status == FAIL
    assert ("ticketing: PRIVACYDESK_SYSTEM_TICKETING_URL names a host that is not among the "
            "declared hosts (127.0.0.1)") in line.details
    assert not any(SECRET in d or "elsewhere" in d for d in [line.summary, *line.details])


@pytest.mark.django_db
def test_a_url_variable_for_no_declared_system_warns(monkeypatch):
    _staff("privacy_officer")
    _connect_all(monkeypatch)
    monkeypatch.setenv("PRIVACYDESK_SYSTEM_TICKETNG_URL", f"https://svc:{SECRET}@127.0.0.1/")
    line = _line()
    assert line.status == WARN
    assert ("PRIVACYDESK_SYSTEM_TICKETNG_URL is set, but the policy declares no system "
            "'ticketng'") in line.details
    assert not any(SECRET in d for d in line.details)


@pytest.mark.django_db
def test_a_register_whose_owner_role_has_no_account_warns():
    _staff("sales")
    line = _line()
    assert line.status == WARN
    assert ("register: its owner, staff role 'privacy_officer', has no active staff account"
            in line.details)


@pytest.mark.django_db
def test_a_manual_system_nobody_can_work_in_fails(monkeypatch, with_payroll):
    _staff("privacy_officer")
    _connect_all(monkeypatch)
    line = _line()
    assert line.status == FAIL
    assert ("payroll: manual tasks go to staff role 'hr', which has no active staff account"
            in line.details)
    hr = _staff("hr")
    assert _line().status == PASS
    hr.is_active = False
    hr.save()
    assert _line().status == FAIL


@pytest.mark.django_db
def test_the_command_prints_the_systems_lines_apart_from_the_promises(monkeypatch):
    _staff("privacy_officer")
    outcome = run_privacydesk("check", "--only", "systems-declared")
    assert outcome.exit_code == 0, outcome.output  # a warning is no failure
    assert "systems-declared  warn" in outcome.stdout
    assert outcome.stdout.splitlines()[-1] == ("summary: 1 line: 0 pass, 0 idle, 1 warn, "
                                               "0 fail, 0 not-verifiable")
    _connect_all(monkeypatch, host="db.elsewhere.example")
    failing = run_privacydesk("check", "--only", "systems-declared", "--format", "json")
    assert failing.exit_code == 1
    document = json.loads(failing.stdout)
    assert document["results"] == []
    assert [r["promise"] for r in document["lines"]] == ["systems-declared"]
    assert document["lines_totals"]["fail"] == 1
    assert SECRET not in failing.output


@pytest.mark.django_db
def test_the_full_table_still_ends_with_the_promises_summary():
    _staff("privacy_officer")
    table = run_privacydesk("check").stdout.splitlines()
    assert table[0].startswith("line ") and re.match(r"systems-declared +warn ", table[2])
    assert table[-1].startswith("summary: 32 promises:")
    # Other modules add lines of their own (privacydesk.check.system_rights): counted apart.
    assert [t for t in table if re.match(r"summary: \d+ lines?: \d+ pass, ", t)]


@pytest.mark.django_db
def test_only_a_promise_runs_no_systems_line():
    outcome = run_privacydesk("check", "--only", "C1")
    assert "systems-declared" not in outcome.stdout
    assert outcome.stdout.splitlines()[-1].startswith("summary: 1 promise:")
