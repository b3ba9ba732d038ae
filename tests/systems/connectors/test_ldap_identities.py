"""What a directory entry tells about the person beyond what was searched for (#16), against
a real slapd: Carla found by her e-mail address hands on her phone numbers and employee
number, so the other systems are searched by them too; found only by a name or a phone
number (which others may share) her entry hands on nothing; and once disabled, her entry is
kept by law (R3), which the record says in `kept`."""

from __future__ import annotations

import pytest

from privacydesk.systems.connector import Record, Subject
from privacydesk.systems.connectors import ldap
from tests.systems.connectors.ldap_people import CARLA, R3_PAYROLL, directory
from tests.systems.servers.ldap import Slapd, Tree, slapd_server  # noqa: F401 - the fixture

pytestmark = pytest.mark.live

CARLAS_PHONES = ("+31501234567", "+31623456789")   # telephoneNumber, then mobile


def _own(connector: ldap.LdapConnector, subject: Subject, dn: str) -> Record:
    return next(r for r in connector.find(subject) if r.locator == dn)


def test_carla_found_by_her_email_hands_on_her_phones_and_employee_number(
        tree: Tree, people: dict[str, str]) -> None:
    record = _own(directory(tree), Subject(emails=("Carla@InFactor.nl",)), people["carla"])
    # In the contract's form (E.164), and not the address searched for again.
    assert record.identities == {"phone": CARLAS_PHONES, "employee_number": ("E-007",)}
    assert record.kept == ""


def test_carla_found_by_her_employee_number_hands_on_her_email_and_phones(
        tree: Tree, people: dict[str, str]) -> None:
    record = _own(directory(tree), Subject(ids={"employee_number": ("E-007",)}),
                  people["carla"])
    assert record.identities == {"email": ("carla@infactor.nl",), "phone": CARLAS_PHONES}


def test_found_by_her_whole_profile_nothing_new_is_handed_on(
        tree: Tree, people: dict[str, str]) -> None:
    record = _own(directory(tree), CARLA, people["carla"])
    # CARLA has the mobile number; the desk number is new.
    assert record.identities == {"phone": ("+31501234567",)}


@pytest.mark.parametrize("subject", [
    Subject(name="Carla Jansen"),
    Subject(phones=("+31623456789",)),
], ids=["by name", "by phone"])
def test_an_entry_found_by_what_others_may_share_hands_on_nothing(
        tree: Tree, people: dict[str, str], subject: Subject) -> None:
    record = _own(directory(tree), subject, people["carla"])
    assert record.matched_by and record.identities == {}


def test_a_disabled_entry_is_kept_by_law_and_says_so_in_kept(
        tree: Tree, people: dict[str, str]) -> None:
    connector = directory(tree)
    connector.erase([_own(connector, CARLA, people["carla"])], CARLA)
    kept = [r for r in connector.find(CARLA) if r.kind != ldap.MENTION_KIND]
    assert len(kept) == 1 and kept[0].kept == R3_PAYROLL
    assert kept[0].fields[ldap.KEPT_FIELD] == R3_PAYROLL  # until its readers move to `kept`
    # The entry keeps the employee number only: nothing left to hand on.
    assert kept[0].identities == {}
