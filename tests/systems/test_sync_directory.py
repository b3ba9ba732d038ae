"""`privacydesk systems sync directory` (#16.4): the staff directory (a real slapd, declared
as InFactor's default policy declares it, with its shipped [sync] map) is the system of
record of the employees. Carla (at work) and Daan (among the former staff) come into the
register through its rules, once: a second sync writes nothing and says so. Carla leaving
(her entry moved to the former staff) ends her employee role, and the payroll keeps her name
five years from the end of that year (R3); Daan gone from the directory ends his role; a
changed e-mail address is updated; an entry without an employee number, or with an address
that is none, or two entries with one number, are refused by entry and rule, and nothing of
them is written."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from ldap3 import MODIFY_REPLACE

from privacydesk.policy import active, clock, get_default_policy_path
from privacydesk.register.models import Email, ExternalId, Name, Person, Phone
from privacydesk.register.services import external
from privacydesk.systems import sync
from privacydesk.systems.declared import of_mapping
from privacydesk.vault.models import AuditEntry
from tests.console import run_privacydesk
from tests.systems.connectors.ldap_people import CARLA, PERSON, seed
from tests.systems.servers.ldap import PASSWORD, Slapd, Tree, slapd_server  # noqa: F401

pytestmark = pytest.mark.live


@dataclass
class Directory:
    tree: Tree
    dns: dict[str, str]


@pytest.fixture
def directory(tmp_path: Path, slapd_server: Slapd,  # noqa: F811 - the imported fixture
              monkeypatch: pytest.MonkeyPatch) -> Iterator[Directory]:
    """InFactor's default policy and dataset files in `tmp_path`, the directory's URL naming
    a fresh subtree with the personas."""
    tree = slapd_server.tree()
    dns = seed(tree)
    default = get_default_policy_path()
    shutil.copytree(default.parent / "systems", tmp_path / "systems")
    policy = tmp_path / "policy.toml"
    policy.write_text(default.read_text("utf-8"), "utf-8")
    before = active.configured_path()
    monkeypatch.setenv("PRIVACYDESK_SYSTEM_DIRECTORY_URL", tree.url)
    active.configure(policy)
    try:
        yield Directory(tree, dns)
    finally:
        active.configure(before)


def _sync(**options: Any) -> sync.SyncReport:
    declaration = active.get_policy().system("directory")
    return sync.sync(of_mapping(declaration), dataset_dir=sync.dataset_dir_of(declaration),
                     **options)


def _person(employee_number: str) -> Person:
    return ExternalId.objects.get(
        origin="directory",
        key_index=external.external_key("directory", employee_number)).person


def _roles(person: Person) -> dict[str, tuple[date, date | None]]:
    return {r.kind: (r.started_on, r.ended_on) for r in person.roles.all()}


def _payroll_until(employment_end: date) -> date:
    """R3: payroll records (names) are kept five years from the end of the year employment
    ended (art. 28 Wet op de loonbelasting 1964)."""
    return date(employment_end.year + 5, 12, 31)


@pytest.mark.dates
def test_carla_and_daan_come_in_once_and_a_second_sync_writes_nothing(db, directory):
    today = clock.today()
    first = _sync()
    assert (first.imported.rows, first.imported.created, first.ended) == (2, 2, 0)
    assert first.imported.refused == [] and first.changed
    carla, daan = _person("E-007"), _person("E-003")
    assert _roles(carla) == {"employee": (today, None)}
    assert _roles(daan) == {"former_employee": (today, None)}
    name = Name.objects.get(person=carla)
    assert (name.given_names, name.family_name, name.source) == ("Carla", "Jansen", "staff")
    assert Email.objects.get(person=carla).get_values()["address"] == "carla@infactor.nl"
    assert Phone.objects.get(person=carla).number == "+31501234567"
    # Carla works here: the payroll's five years have not started to run.
    assert name.delete_after is None
    # Daan was already gone when the register first heard of him: his employment ended
    # before the day the former employee's role started (retention.facts), R3 runs from then.
    assert Name.objects.get(person=daan).delete_after == _payroll_until(today - timedelta(1))

    written = AuditEntry.objects.count()
    again = _sync()
    assert (again.imported.unchanged, again.imported.created, again.imported.updated,
            again.ended) == (2, 0, 0, 0)
    assert not again.changed and AuditEntry.objects.count() == written
    assert Person.objects.count() == 2


@pytest.mark.dates
def test_carla_moved_to_the_former_staff_ends_her_employment_and_the_payroll_keeps_her_name(
        db, directory):
    _sync()
    with directory.tree.admin() as admin:   # HR: Carla left the company
        admin.modify_dn(directory.dns["carla"], "uid=carla",
                        new_superior=f"ou=former,{directory.tree.base}")
    left = _sync()
    today = clock.today()
    carla = _person("E-007")
    assert left.ended == 1 and left.ended_refs == [str(carla.ref)]
    assert left.imported.updated == 1 and left.imported.created == 0
    assert _roles(carla) == {"employee": (today, today), "former_employee": (today, None)}
    assert Name.objects.get(person=carla).delete_after == _payroll_until(today)
    assert not _sync().changed


@pytest.mark.dates
def test_carla_enabled_again_the_same_day_is_an_employee_again(db, directory):
    _sync()
    with directory.tree.admin() as admin:
        admin.modify_dn(directory.dns["carla"], "uid=carla",
                        new_superior=f"ou=former,{directory.tree.base}")
    _sync()
    with directory.tree.admin() as admin:   # HR: a mistake, she stays
        admin.modify_dn(f"uid=carla,ou=former,{directory.tree.base}", "uid=carla",
                        new_superior=f"ou=people,{directory.tree.base}")
    back = _sync()
    today = clock.today()
    carla = _person("E-007")
    assert back.ended == 1   # the former employee's role
    running = [(r.kind, r.started_on) for r in carla.roles.all() if r.ended_on is None]
    assert running == [("employee", today)]
    assert Name.objects.get(person=carla).delete_after is None   # employed: nothing runs
    assert not _sync().changed


@pytest.mark.dates
def test_daan_gone_from_the_directory_ends_his_role_with_his_retention(db, directory):
    _sync()
    daan = _person("E-003")
    until = Name.objects.get(person=daan).delete_after
    with directory.tree.admin() as admin:
        admin.delete(directory.dns["daan"])
    gone = _sync()
    today = clock.today()
    assert gone.ended == 1 and gone.ended_refs == [str(daan.ref)]
    assert _roles(daan) == {"former_employee": (today, today)}
    # The payroll keeps his name to the same day: his employment ended when it ended.
    assert Name.objects.get(person=daan).delete_after == until == _payroll_until(
        today - timedelta(1))
    assert _roles(_person("E-007")) == {"employee": (today, None)}   # Carla stays


def test_a_changed_email_address_is_updated_in_place(db, directory):
    _sync()
    carla = _person("E-007")
    first = Email.objects.get(person=carla)
    with directory.tree.admin() as admin:
        admin.modify(directory.dns["carla"], {"mail": [(MODIFY_REPLACE, ["c.jansen@infactor.nl"])]})
    changed = _sync()
    assert (changed.imported.updated, changed.imported.unchanged, changed.ended) == (1, 1, 0)
    email = Email.objects.get(person=carla)
    assert email.pk == first.pk and email.get_values()["address"] == "c.jansen@infactor.nl"


def test_bad_entries_are_refused_by_entry_and_rule_and_nothing_of_them_is_written(
        db, directory):
    frits = directory.tree.add("uid=frits,ou=people", PERSON, {
        "cn": "Frits Bos", "sn": "Bos", "givenName": "Frits", "mail": "frits@infactor.nl"})
    greet = directory.tree.add("uid=greet,ou=people", PERSON, {
        "cn": "Greet Mulder", "sn": "Mulder", "givenName": "Greet", "employeeNumber": "E-012",
        "mail": "greet at infactor"})
    report = _sync()
    refused = {report.where(r): (r.column, r.rule) for r in report.imported.refused}
    assert refused == {frits: ("employeeNumber", "required"), greet: ("mail", "format")}
    assert report.imported.created == 2
    # The savepoint of a refused entry took its person, role and data with it.
    assert Person.objects.count() == 2 and Name.objects.count() == 2
    assert not ExternalId.objects.filter(
        key_index=external.external_key("directory", "E-012")).exists()


def test_two_entries_with_one_employee_number_are_both_refused_and_neither_is_written(
        db, directory):
    _sync()
    twin = directory.tree.add("uid=cjansen,ou=people", PERSON, {
        "cn": "Carla Jansen", "sn": "Jansen", "givenName": "Carla", "employeeNumber": "E-007",
        "mail": "cjansen@infactor.nl"})
    written = AuditEntry.objects.count()
    for _ in range(2):   # which one is Carla cannot be told: neither wins, run after run
        report = _sync()
        refused = {report.where(r): (r.column, r.rule) for r in report.imported.refused}
        assert refused == {directory.dns["carla"]: ("employeeNumber", "unique"),
                           twin: ("employeeNumber", "unique")}
        assert (report.imported.rows, report.ended, report.changed) == (3, 0, False)
    assert AuditEntry.objects.count() == written
    carla = _person("E-007")
    assert Email.objects.get(person=carla).get_values()["address"] == "carla@infactor.nl"
    assert _roles(carla)["employee"][1] is None   # still listed: her role runs on


def test_a_dry_run_stores_nothing(db, directory):
    report = _sync(dry_run=True)
    assert report.imported.created == 2 and report.imported.dry_run
    assert not Person.objects.exists() and not ExternalId.objects.exists()


def test_the_command_syncs_says_when_nothing_changed_and_names_a_refused_entry(
        db, directory):
    done = run_privacydesk("systems", "sync", "directory", "--no-progress")
    assert done.exit_code == 0, done.output
    assert ("directory: 2 entries: 2 new, 0 changed, 0 unchanged, 0 refused; 0 roles ended"
            in done.stdout)
    again = run_privacydesk("systems", "sync", "directory", "--no-progress")
    assert again.exit_code == 0, again.output
    assert "directory: nothing to write, the register already agrees with it" in again.stdout
    frits = directory.tree.add("uid=frits,ou=people", PERSON, {"cn": "Frits Bos", "sn": "Bos"})
    refused = run_privacydesk("systems", "sync", "directory", "--no-progress")
    assert refused.exit_code == 1
    assert (f"{frits}: employeeNumber: the external id is required (required)"
            in refused.stdout)
    for secret in (PASSWORD, quote(PASSWORD, safe="")):
        assert secret not in done.output + again.output + refused.output


def test_an_unreachable_directory_stops_the_sync_before_anything_is_written(
        db, directory, monkeypatch):
    monkeypatch.setenv("PRIVACYDESK_SYSTEM_DIRECTORY_URL",
                       directory.tree.url.replace(f":{directory.tree.server.port}/", ":9/"))
    monkeypatch.setenv("PRIVACYDESK_SYSTEM_DIRECTORY_TIMEOUT", "2")
    with pytest.raises(sync.SyncError) as stopped:
        _sync()
    assert "cannot be reached" in str(stopped.value) and PASSWORD not in str(stopped.value)
    assert not Person.objects.exists()


def test_the_directory_with_its_sync_table_is_still_scanned_and_searched(db, directory):
    # [sync] is the sync's: the connector the scan and the rights' searches build never
    # sees it (a key it does not know would be refused as misdeclared).
    from privacydesk.systems import scan
    from privacydesk.systems.calls import connector_of

    declaration = active.get_policy().system("directory")
    assert "sync" in declaration.dataset
    assert len(list(scan.build_connector(declaration, timeout=5).sample(5))) == 5
    found = connector_of(of_mapping(declaration)).find(CARLA)
    assert [r.locator for r in found if r.kind == "medewerker"] == [directory.dns["carla"]]
