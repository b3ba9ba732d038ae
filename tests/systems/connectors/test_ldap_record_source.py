"""The staff directory as a system of record (#16.4), against a real slapd: it lists the
people under the staff bases — Carla at work, Daan among the former staff, a disabled account
as former too — with the attributes the sync's map reads, never a password, and never the
client contacts of another base."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from privacydesk.systems._record_source import Listed, SystemOfRecord, lists_people
from privacydesk.systems.connector import ConnectorError
from privacydesk.systems.connectors import ldap
from tests.systems.connectors.ldap_people import PERSON, connection, directory
from tests.systems.servers.ldap import Slapd, Tree, slapd_server  # noqa: F401 - the fixture

pytestmark = pytest.mark.live

STAFF = {"bases": ["ou=people", "ou=former"], "former": ["ou=former"]}
NAMES = ["employeeNumber", "givenName", "sn", "mail", "telephoneNumber"]


def _by_number(listed: Iterator[Listed]) -> dict[str, Listed]:
    return {person.values["employeeNumber"]: person for person in listed}


def test_the_directory_lists_carla_at_work_and_daan_among_the_former_staff(
        tree: Tree, people: dict[str, str]) -> None:
    connector = directory(tree)
    assert lists_people(connector) and isinstance(connector, SystemOfRecord)
    listed = list(connector.people(STAFF, NAMES))
    assert {p.where for p in listed} == {people["carla"], people["daan"]}  # no contacts
    staff = _by_number(iter(listed))
    assert staff["E-007"] == Listed(people["carla"], {
        "employeeNumber": "E-007", "givenName": "Carla", "sn": "Jansen",
        "mail": "carla@infactor.nl", "telephoneNumber": "+31 50 123 4567"}, former=False)
    # Daan has no telephoneNumber: an empty value, not a missing one.
    assert staff["E-003"].former and staff["E-003"].values["telephoneNumber"] == ""


def test_a_disabled_account_among_the_current_staff_is_former(
        tree: Tree, people: dict[str, str]) -> None:
    frits = tree.add("uid=frits,ou=people", PERSON, {
        "cn": "[verwijderd]", "sn": "[verwijderd]", "employeeNumber": "E-011",
        "employeeType": "uitgeschakeld"})
    staff = _by_number(directory(tree).people(STAFF, NAMES))
    assert staff["E-011"].where == frits and staff["E-011"].former
    # A disabled entry's placeholders are no one's name.
    assert staff["E-011"].values["sn"] == ""
    assert not staff["E-007"].former


def test_the_former_staff_are_where_the_staff_move_when_disabled_unless_declared(
        tree: Tree, people: dict[str, str]) -> None:
    # Without `former`: the base the people's disabled entries move to (ou=former).
    by_default = _by_number(directory(tree).people({"bases": ["ou=people", "ou=former"]},
                                                   NAMES))
    assert by_default["E-003"].former and not by_default["E-007"].former
    # Declared empty: everyone listed is current staff.
    none_left = _by_number(directory(tree).people({**STAFF, "former": []}, NAMES))
    assert not none_left["E-003"].former
    # Without `bases`: every declared base, the contacts' too (no employee number there).
    everyone = list(directory(tree).people({}, NAMES))
    assert people["anna"] in {p.where for p in everyone}


def test_an_entry_in_two_listed_bases_is_listed_once(tree: Tree, people: dict[str, str]) -> None:
    dataset: dict[str, Any] = connection(tree).dataset  # type: ignore[assignment]
    dataset["bases"].append({"dn": "uid=carla,ou=people", "kind": "medewerker",
                             "erase": "delete"})
    connector = directory(tree, dataset)
    listed = list(connector.people({"bases": ["ou=people", "uid=carla,ou=people"]}, NAMES))
    assert [p.where for p in listed] == [people["carla"]]


@pytest.mark.parametrize(("selection", "names", "key", "rule"), [
    ({"bases": ["ou=nowhere"]}, NAMES, "sync.bases[0]", "not one of the dataset's bases"),
    ({"bases": []}, NAMES, "sync.bases", "non-empty list"),
    ({"bases": ["ou=people"], "former": ["ou=former"]}, NAMES, "sync.former[0]",
     "must be one of sync.bases"),
    ({"table": "staff"}, NAMES, "sync.table", "unknown key"),
    (STAFF, ["employeeNumber", "userPassword"], "sync map column 'userPassword'",
     "never exported"),
    (STAFF, ["employee number"], "sync map column 'employee number'",
     "an LDAP attribute name"),
])
def test_a_bad_selection_or_column_is_refused_by_key_before_any_network_call(
        selection: dict[str, Any], names: list[str], key: str, rule: str) -> None:
    # Port 9 on the loopback: nothing listens; a network call would say "unreachable".
    url = "ldap://cn=admin,dc=infactor,dc=test:pw@127.0.0.1:9/dc=infactor,dc=test"
    connector = ldap.connect(connection(None, url=url))  # type: ignore[arg-type]
    with pytest.raises(ConnectorError) as refused:
        list(connector.people(selection, names))
    assert refused.value.kind == "misdeclared"
    assert f"dataset key {key}:" in str(refused.value) and rule in str(refused.value)
