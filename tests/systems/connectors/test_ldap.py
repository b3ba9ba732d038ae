"""The LDAP connector against a real OpenLDAP (#16.2): the staff directory holds employees,
former employees and client contacts; access finds them by every identity and in free text,
erasure deletes or disables as the dataset declares and the re-search finds nothing erasable."""

from __future__ import annotations

import base64
import copy
import tomllib
from pathlib import Path
from types import MappingProxyType
from typing import Any

import pytest

from privacydesk.systems import registry
from privacydesk.systems.connector import Connection, ConnectorError, Subject
from privacydesk.systems.connectors import ldap
from privacydesk.systems.connectors._ldap_dataset import parse_dataset, parse_staff
from privacydesk.systems.connectors._ldap_text import record_day
from privacydesk.systems.declared import connector_dataset
from tests.systems.connectors.ldap_people import (
    ANNA,
    BRAM,
    CARLA,
    DAAN,
    DATASET,
    EVA,
    OLAF,
    PERSON,
    R3_PAYROLL,
    connection,
    directory,
)
from tests.systems.servers.ldap import Slapd, Tree, slapd_server  # noqa: F401 - the fixture

pytestmark = pytest.mark.live


def _erasable(records: list[Any]) -> list[Any]:
    """What the re-search must not return: records erasure does not keep (R3)."""
    return [r for r in records if ldap.KEPT_FIELD not in r.fields]


# --- declaration -----------------------------------------------------------------------------

def _dataset(**changes: Any) -> dict[str, Any]:
    dataset = copy.deepcopy(DATASET)
    for key, value in changes.items():
        if key.startswith("base0_"):
            dataset["bases"][0][key[len("base0_"):]] = value
        elif key.startswith("base2_"):
            dataset["bases"][2][key[len("base2_"):]] = value
        else:
            dataset[key] = value
    return dataset


@pytest.mark.parametrize(("changes", "key", "rule"), [
    ({"bases": []}, "bases", "non-empty list"),
    ({"base0_erase": "remove"}, "bases[0].erase", "one of delete, disable, archive_only"),
    ({"base0_mark": None}, "bases[0].mark", "how a disabled entry is recognised"),
    ({"base0_reason": ""}, "bases[0].reason", "non-empty string"),
    ({"base0_move_to": "ou=elsewhere"}, "bases[0].move_to", "within a declared base"),
    ({"base2_keep": ["uid"]}, "bases[2].keep", "only with erase = \"disable\""),
    ({"base0_dn": "not a dn"}, "bases[0].dn", "distinguished name"),
    ({"attributes": {"userPassword": {"category": "account"}}}, "attributes.userPassword",
     "never exported"),
    ({"attributes": {"mail": {"category": "email", "identity": "postcode_house_number"}}},
     "attributes.mail.identity", "must be one of"),
    ({"attributes": {"mail": {"category": "email"}}}, "attributes", "at least one attribute"),
    ({"basis": []}, "basis", "unknown key"),
])
def test_a_misdeclared_dataset_is_refused_naming_key_and_rule_before_any_network_call(
        changes: dict[str, Any], key: str, rule: str) -> None:
    # Port 9 on the loopback: nothing listens; a network call would say "unreachable".
    url = "ldap://cn=admin,dc=infactor,dc=test:pw@127.0.0.1:9/dc=infactor,dc=test"
    with pytest.raises(ConnectorError) as refused:
        ldap.connect(connection(None, _dataset(**changes), url=url))  # type: ignore[arg-type]
    assert refused.value.kind == "misdeclared"
    assert f"dataset key {key}:" in str(refused.value)
    assert rule in str(refused.value)


@pytest.mark.parametrize(("url", "rule"), [
    ("http://127.0.0.1:9/dc=infactor,dc=test", "ldap:// or ldaps://"),
    ("ldap://127.0.0.1:9/not%20a%20dn", "not a distinguished name"),
    ("ldap://:secret@127.0.0.1:9/", "password without a bind DN"),
])
def test_a_connection_url_that_is_not_an_ldap_url_is_refused(url: str, rule: str) -> None:
    with pytest.raises(ConnectorError) as refused:
        ldap.connect(connection(None, url=url))  # type: ignore[arg-type]
    assert refused.value.kind == "misdeclared"
    assert rule in str(refused.value)
    assert "secret" not in str(refused.value)


def test_the_registry_builds_the_ldap_connector_from_a_frozen_dataset(
        tree: Tree, people: dict[str, str]) -> None:
    # The policy hands the dataset over as a read-only mapping (#16.1).
    frozen = MappingProxyType({**copy.deepcopy(DATASET),
                               "bases": tuple(copy.deepcopy(DATASET["bases"]))})
    connector = registry.connect("ldap", Connection("directory", tree.url, frozen,
                                                    ("127.0.0.1",), 5.0))
    assert [r.locator for r in connector.find(EVA)] == [people["eva"]]


def test_ping_reads_every_declared_base(tree: Tree, people: dict[str, str]) -> None:
    directory(tree).ping()


def test_ping_names_a_declared_base_the_directory_lacks(tree: Tree,
                                                        people: dict[str, str]) -> None:
    connector = directory(tree, _dataset(base2_dn="ou=klanten"))
    with pytest.raises(ConnectorError) as missing:
        connector.ping()
    assert missing.value.kind == "misdeclared"
    assert "ou=klanten" in str(missing.value)


# --- find ------------------------------------------------------------------------------------

@pytest.mark.parametrize(("subject", "identity"), [
    (Subject(emails=("ANNA@example.nl",)), "email"),
    # Stored as "+31 6 12345678", asked for in E.164.
    (Subject(phones=("+31612345678",)), "phone"),
    (Subject(name="anna  de vries"), "name"),
])
def test_anna_is_found_by_each_identity_the_directory_holds(
        tree: Tree, people: dict[str, str], subject: Subject, identity: str) -> None:
    records = [r for r in directory(tree).find(subject) if r.kind == "contactpersoon"]
    assert [r.locator for r in records] == [people["anna"]]
    assert records[0].matched_by == (identity,)
    assert records[0].categories == ("email", "phone", "names", "address")
    assert records[0].fields["mail"] == "anna@example.nl"
    assert records[0].fields["postalCode"] == "9712 AB"


def test_a_colleagues_note_that_names_anna_is_found_as_a_mention(
        tree: Tree, people: dict[str, str]) -> None:
    records = directory(tree).find(ANNA)
    mentions = [r for r in records if r.kind == ldap.MENTION_KIND]
    assert [r.locator for r in mentions] == [f"{people['carla']}#description"]
    # "bel 06 1234 5678" is Anna's +31612345678 written the Dutch way.
    assert mentions[0].matched_by == ("name in text", "phone in text")
    assert mentions[0].categories == ("names", "phone")
    assert "Anna de Vries" in mentions[0].fields["description"]
    assert len(records) == 2


def test_every_value_of_a_note_that_names_anna_is_shown_and_exported_and_no_other(
        tree: Tree, people: dict[str, str]) -> None:
    long_note = "Afspraak met Anna de Vries over het onderhoudscontract. " + "Details. " * 30
    with tree.admin() as admin:
        admin.modify(people["eva"], {"description": [("MODIFY_REPLACE", [
            "Collega van Bram Bakker bij de klant", "Belt namens anna@example.nl", long_note])]})
    connector = directory(tree)
    [mention] = [r for r in connector.find(ANNA) if r.locator.startswith(people["eva"])]
    assert mention.fields == {"description": "Belt namens anna@example.nl",
                              "description 2": long_note[:200]}
    text = connector.export([mention])[0].data.decode("utf-8").replace("\n ", "")
    assert "Belt namens anna@example.nl" in text
    assert long_note.strip() in text or base64.b64encode(long_note.encode()).decode() in text
    assert "Bram Bakker" not in text


def test_carla_is_found_by_her_employee_number_and_her_mobile_in_another_format(
        tree: Tree, people: dict[str, str]) -> None:
    found = directory(tree).find(Subject(phones=("+31623456789",),
                                         ids={"employee_number": ("e-007",)}))
    assert [(r.locator, r.kind, r.matched_by) for r in found] == [
        (people["carla"], "medewerker", ("phone", "employee_number"))]
    assert "userPassword" not in found[0].fields


def test_a_declared_date_attribute_dates_the_record_for_retention(
        tree: Tree, people: dict[str, str]) -> None:
    with tree.admin() as admin:
        admin.search(people["daan"], "(objectClass=*)", "BASE", attributes=["createTimestamp"])
        created = admin.response[0]["raw_attributes"]["createTimestamp"][0].decode()
    [daan] = directory(tree, _dataset(date_attribute="createTimestamp")).find(DAAN)
    assert daan.dated is not None
    assert daan.dated == record_day(created)


def test_olaf_the_outsider_is_found_nowhere(tree: Tree, people: dict[str, str]) -> None:
    assert directory(tree).find(OLAF) == []


def test_a_subject_with_nothing_to_search_by_finds_nothing(tree: Tree,
                                                           people: dict[str, str]) -> None:
    assert directory(tree).find(Subject()) == []


# --- export ----------------------------------------------------------------------------------

def test_export_is_ldif_of_the_declared_attributes_never_a_password(
        tree: Tree, people: dict[str, str]) -> None:
    connector = directory(tree)
    files = connector.export(connector.find(DAAN) + connector.find(ANNA))
    assert [(f.filename, f.content_type) for f in files] == [
        ("directory.ldif", "text/x-ldif; charset=utf-8")]
    text = files[0].data.decode("utf-8")
    assert text.startswith("version: 1\n\n")
    assert f"dn: {people['daan']}\n" in text
    assert "mail: daan.smit@example.org\n" in text
    assert "employeeNumber: E-003\n" in text
    assert "userPassword" not in text and "{SSHA}" not in text
    # Undeclared attributes stay out (the dataset says what the system holds about people).
    assert "homePhone" not in text and "uid:" not in text
    # Anna's description is not ASCII: RFC 2849 writes it base64.
    encoded = base64.b64encode("Klant sinds 2019, eigenaar van Café De Vries".encode()).decode()
    assert f"description:: {encoded}\n" in text
    # The colleague's note that names Anna: only that attribute of Carla's entry.
    carla_block = text.split(f"dn: {people['carla']}\n")[1].split("\n\n")[0]
    assert carla_block == "description: Vaste contactpersoon van Anna de Vries, bel 06 1234 5678"


def test_export_of_nothing_is_no_file(tree: Tree) -> None:
    assert directory(tree).export([]) == []


# --- correct ---------------------------------------------------------------------------------

def test_correct_replaces_an_attribute_named_by_attribute_or_by_identity(
        tree: Tree, people: dict[str, str]) -> None:
    connector = directory(tree)
    carla = connector.find(CARLA)[0]
    outcome = connector.correct(carla, "mail", "c.jansen@infactor.nl")
    assert (outcome.action, outcome.locator) == ("corrected", people["carla"])
    connector.correct(carla, "employee_number", "E-070")
    entry = tree.entry(people["carla"])
    assert entry is not None
    assert (entry["mail"], entry["employeenumber"]) == (["c.jansen@infactor.nl"], ["E-070"])


def test_correcting_to_nothing_removes_the_attribute(tree: Tree,
                                                     people: dict[str, str]) -> None:
    connector = directory(tree)
    carla = connector.find(CARLA)[0]
    outcome = connector.correct(carla, "telephoneNumber", "")
    assert (outcome.action, outcome.detail) == ("corrected", "telephoneNumber removed")
    entry = tree.entry(people["carla"])
    assert entry is not None and "telephonenumber" not in entry
    assert entry["mobile"] == ["06-23456789"]


def test_correcting_the_naming_attribute_renames_the_entry(tree: Tree,
                                                          people: dict[str, str]) -> None:
    connector = directory(tree)
    anna = next(r for r in connector.find(ANNA) if r.kind == "contactpersoon")
    connector.correct(anna, "cn", "Anna van Dijk-de Vries")
    assert tree.entry(people["anna"]) is None
    assert [r.kind for r in connector.find(Subject(name="Anna van Dijk-de Vries"))] == [
        "contactpersoon"]


def test_correct_refuses_a_field_that_names_two_attributes(tree: Tree,
                                                          people: dict[str, str]) -> None:
    connector = directory(tree)
    carla = connector.find(CARLA)[0]
    with pytest.raises(ConnectorError) as refused:
        connector.correct(carla, "phone", "+31 6 11111111")  # telephoneNumber or mobile?
    assert refused.value.kind == "unsupported"
    assert "telephoneNumber, mobile" in str(refused.value)


# --- erase -----------------------------------------------------------------------------------

def test_erasing_anna_deletes_her_contact_entry_scrubs_notes_and_groups_and_the_re_search_finds_nothing(  # noqa: E501
        tree: Tree, people: dict[str, str]) -> None:
    connector = directory(tree)
    bram_before, eva_before = tree.entry(people["bram"]), tree.entry(people["eva"])
    outcomes = connector.erase(connector.find(ANNA), ANNA)
    assert [(o.locator, o.action) for o in outcomes] == [
        (people["anna"], "deleted"), (f"{people['carla']}#description", "anonymised")]
    assert "references of 2 other entries" in outcomes[0].detail
    assert tree.entry(people["anna"]) is None
    carla = tree.entry(people["carla"])
    assert carla is not None
    assert carla["description"] == ["Vaste contactpersoon van [verwijderd], bel [verwijderd]"]
    newsletter, vip = tree.entry(people["newsletter"]), tree.entry(people["anna-only"])
    assert newsletter is not None and vip is not None
    assert newsletter["member"] == [people["bram"]]
    # groupOfNames requires a member: the empty DN takes Anna's place.
    assert vip["member"] == [""]
    # The re-search of the receipt.
    assert connector.find(ANNA) == []
    # Bram and Eva (whose note names Bram) are untouched.
    assert tree.entry(people["bram"]) == bram_before
    assert tree.entry(people["eva"]) == eva_before
    assert [r.kind for r in connector.find(BRAM)] == ["contactpersoon", ldap.MENTION_KIND]
    assert [r.kind for r in connector.find(EVA)] == ["contactpersoon"]


def test_a_dn_with_a_comma_and_parentheses_is_erased_and_unreferenced_all_the_same(
        tree: Tree, people: dict[str, str]) -> None:
    dn = tree.add(r"cn=Visser\, Eva (VIP),ou=contacts", PERSON, {
        "sn": "Visser", "mail": "eva.vip@client.example"})
    with tree.admin() as admin:
        admin.modify(people["newsletter"], {"member": [("MODIFY_ADD", [dn])]})
    connector = directory(tree)
    eva = Subject(emails=("eva.vip@client.example",))
    [found] = connector.find(eva)
    # slapd writes the comma as \2C: the same DN.
    assert found.locator == dn.replace("\\,", "\\2C")
    assert [o.action for o in connector.erase([found], eva)] == ["deleted"]
    assert tree.entry(dn) is None
    newsletter = tree.entry(people["newsletter"])
    assert newsletter is not None
    assert newsletter["member"] == sorted([people["anna"], people["bram"]])
    assert connector.find(eva) == []


def test_erasing_daan_disables_his_entry_keeping_only_his_employee_number_for_payroll(
        tree: Tree, people: dict[str, str]) -> None:
    connector = directory(tree)
    outcomes = connector.erase(connector.find(DAAN), DAAN)
    assert [(o.locator, o.action) for o in outcomes] == [(people["daan"], "disabled")]
    assert f"kept employeeNumber ({R3_PAYROLL})" in outcomes[0].detail
    [disabled] = tree.dns("ou=former")
    # The login name named him: the entry is renamed.
    assert disabled.startswith("uid=verwijderd-")
    entry = tree.entry(disabled)
    assert entry == {"objectclass": ["inetOrgPerson"], "uid": [disabled[4:disabled.index(",")]],
                     "cn": ["[verwijderd]"], "sn": ["[verwijderd]"],
                     "employeenumber": ["E-003"], "employeetype": ["uitgeschakeld"]}
    support = tree.entry(people["support"])
    assert support is not None and support["member"] == [people["carla"]]
    # The re-search finds only what R3 keeps, and says why.
    found = connector.find(DAAN)
    assert _erasable(found) == []
    assert [(r.locator, r.fields) for r in found] == [
        (disabled, {"employeeNumber": "E-003", ldap.KEPT_FIELD: R3_PAYROLL})]
    assert found[0].categories == ("identity",)
    # Erasing again keeps, with the reason; nothing changes.
    again = connector.erase(found, DAAN)
    assert [(o.action, o.detail) for o in again] == [("kept", R3_PAYROLL)]
    assert tree.entry(disabled) == entry


def test_erasing_carla_moves_her_entry_to_former_staff_disabled(
        tree: Tree, people: dict[str, str]) -> None:
    connector = directory(tree)
    outcomes = connector.erase(connector.find(CARLA), CARLA)
    assert [o.action for o in outcomes] == ["disabled"]
    assert outcomes[0].detail.startswith(f"moved to ou=former,{tree.base}; kept employeeNumber")
    assert tree.dns("ou=people") == []
    assert _erasable(connector.find(CARLA)) == []
    assert [r.kind for r in connector.find(CARLA)] == ["oud-medewerker"]
    # Daan, in the same place, is untouched.
    assert [r.matched_by for r in connector.find(DAAN)] == [
        ("email", "phone", "name", "employee_number")]


def test_disabling_keeps_what_the_schema_requires_and_empties_what_names_the_person(
        tree: Tree, people: dict[str, str]) -> None:
    # A POSIX account requires uidNumber, gidNumber and homeDirectory; the dataset declares
    # homeDirectory personal (it holds the login name), so it gets the placeholder; the
    # numbers are no one's personal data and stay, or the schema would refuse the entry.
    dataset = copy.deepcopy(DATASET)
    dataset["attributes"]["homeDirectory"] = {"category": "names"}
    dn = tree.add("uid=fjansen,ou=people", ["inetOrgPerson", "posixAccount"], {
        "cn": "Femke Jansen", "sn": "Jansen", "uid": "fjansen", "uidNumber": "1042",
        "gidNumber": "100", "homeDirectory": "/home/fjansen", "loginShell": "/bin/bash",
        "mail": "femke@infactor.nl", "employeeNumber": "E-042"})
    connector = directory(tree, dataset)
    femke = Subject(name="Femke Jansen", emails=("femke@infactor.nl",))
    outcomes = connector.erase(connector.find(femke), femke)
    assert [(o.locator, o.action) for o in outcomes] == [(dn, "disabled")]
    [moved] = [d for d in tree.dns("ou=former") if d != people["daan"]]
    entry = tree.entry(moved)
    assert entry is not None
    assert {k: entry[k] for k in ("uidnumber", "gidnumber", "homedirectory", "cn", "sn")} == {
        "uidnumber": ["1042"], "gidnumber": ["100"], "homedirectory": ["[verwijderd]"],
        "cn": ["[verwijderd]"], "sn": ["[verwijderd]"]}
    assert "loginshell" not in entry and "mail" not in entry
    assert _erasable(connector.find(femke)) == []


def test_an_erasure_interrupted_after_the_move_is_finished_by_the_retry(
        tree: Tree, people: dict[str, str]) -> None:
    # What the first attempt did before the directory went away: Carla moved to former staff
    # under a name that no longer names her, nothing stripped yet.
    with tree.admin() as admin:
        admin.modify_dn(people["carla"], "uid=verwijderd-onderbroken",
                        new_superior=f"ou=former,{tree.base}")
    connector = directory(tree)
    found = connector.find(CARLA)
    assert [r.kind for r in found] == ["oud-medewerker"]
    assert [o.action for o in connector.erase(found, CARLA)] == ["disabled"]
    assert _erasable(connector.find(CARLA)) == []


def test_a_base_declared_archive_only_keeps_its_entries_with_the_reason(
        tree: Tree, people: dict[str, str]) -> None:
    dataset = copy.deepcopy(DATASET)
    dataset["bases"][1] = {"dn": "ou=former", "kind": "oud-medewerker",
                           "erase": "archive_only",
                           "reason": R3_PAYROLL}
    connector = directory(tree, dataset)
    before = tree.entry(people["daan"])
    found = connector.find(DAAN)
    assert found[0].fields[ldap.KEPT_FIELD] == R3_PAYROLL
    outcomes = connector.erase(found, DAAN)
    assert [(o.locator, o.action, o.detail) for o in outcomes] == [
        (people["daan"], "kept", R3_PAYROLL)]
    assert tree.entry(people["daan"]) == before


def test_erasing_what_is_already_gone_reports_it_deleted(tree: Tree,
                                                         people: dict[str, str]) -> None:
    connector = directory(tree)
    records = connector.find(ANNA)
    connector.erase(records, ANNA)
    again = connector.erase(records, ANNA)
    assert [(o.action, o.detail) for o in again] == [
        ("deleted", "no longer in the directory"), ("anonymised", again[1].detail)]


# --- sample ----------------------------------------------------------------------------------

def test_sample_gives_attribute_values_and_never_a_password(tree: Tree,
                                                           people: dict[str, str]) -> None:
    connector = directory(tree)
    samples = list(connector.sample(1000))
    values = {(s.where, s.value) for s in samples}
    assert ("mail", "anna@example.nl") in values
    assert ("telephoneNumber", "06 87654321") in values
    # Undeclared attributes are sampled too: the scan is how they are discovered (C2).
    assert ("homePhone", "050-7654321") in values
    assert not any("password" in s.where.lower() or "SSHA" in s.value for s in samples)
    assert len(list(connector.sample(5))) == 5


# --- the InFactor default --------------------------------------------------------------------

def test_the_default_policys_directory_dataset_is_valid_and_disables_with_a_reason() -> None:
    path = (Path(__file__).resolve().parents[3] / "privacydesk" / "policy" / "default"
            / "systems" / "directory.toml")
    declared = tomllib.loads(path.read_text(encoding="utf-8"))
    # [sync] is the sync's (the connector never sees it: declared.connector_dataset).
    dataset = parse_dataset("directory", connector_dataset(declared))
    assert [(b.dn, b.erase) for b in dataset.bases] == [("ou=people", "disable"),
                                                        ("ou=former", "disable")]
    assert all("R3" in b.reason and b.keep == ("employeeNumber",) for b in dataset.bases)
    # A system of record: the staff in both bases, those in ou=former as former staff.
    selection = {k: v for k, v in declared["sync"].items() if k not in ("map", "former_role")}
    staff = parse_staff("directory", selection, dataset)
    assert [b.dn for b in staff.bases] == ["ou=people", "ou=former"]
    assert [b.dn for b in staff.former] == ["ou=former"]
