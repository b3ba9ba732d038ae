"""The LDAP connector lists its entries by date for retention (#16.3, R1), against a real
slapd: the entries whose declared date attribute (here the directory's own
createTimestamp: every persona was added today) names a day before the cutoff; erasing them
without a subject applies each base's action — contacts deleted, staff disabled and moved
to the former staff — and a disabled entry listed again is kept by law (R3: payroll)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import pytest

from privacydesk.systems.connector import Subject
from privacydesk.systems.connectors._ldap_text import record_day
from privacydesk.systems.retaining import can_list_by_date
from tests.systems.connectors.ldap_people import DATASET, R3_PAYROLL, directory, seed
from tests.systems.servers.ldap import Slapd, Tree, slapd_server  # noqa: F401 - the fixture

pytestmark = pytest.mark.live


@pytest.fixture
def tree(slapd_server: Slapd) -> Iterator[Tree]:  # noqa: F811 - the imported fixture
    yield slapd_server.tree()


def created_on(tree: Tree, dn: str) -> date:
    with tree.admin() as admin:
        admin.search(dn, "(objectClass=*)", "BASE", attributes=["createTimestamp"])
        day = record_day(admin.response[0]["raw_attributes"]["createTimestamp"][0].decode())
    assert day is not None
    return day


def dated_directory(tree: Tree) -> Any:
    return directory(tree, {**DATASET, "date_attribute": "createTimestamp"})


def test_entries_dated_before_the_cutoff_are_listed_and_erased_by_their_base(tree: Tree):
    dns = seed(tree)
    people = dated_directory(tree)
    assert can_list_by_date(people)
    today = created_on(tree, dns["anna"])      # slapd's clock, not a frozen test clock
    assert people.due(today) == []                 # added today: not before today
    due = people.due(today + timedelta(days=1))
    assert sorted(r.locator for r in due) == sorted(
        dns[p] for p in ("anna", "bram", "carla", "daan", "eva"))
    assert {r.dated for r in due} == {today}
    assert all(set(r.fields) == {"base"} for r in due)   # nothing of the entry itself
    actions = {o.locator: o.action for o in people.erase(due, Subject())}
    assert actions[dns["anna"]] == "deleted" and actions[dns["carla"]] == "disabled"
    assert tree.entry(dns["anna"]) is None
    # Disabled staff are listed again and kept: the payroll keeps their number (R3).
    again = people.due(today + timedelta(days=1))
    assert len(again) == 2 and all(r.fields["kept"] == R3_PAYROLL for r in again)
    outcomes = people.erase(again, Subject())
    assert {(o.action, o.detail) for o in outcomes} == {("kept", R3_PAYROLL)}


def test_a_dataset_without_a_date_attribute_lists_nothing(tree: Tree):
    dns = seed(tree)
    assert directory(tree).due(created_on(tree, dns["anna"]) + timedelta(days=1)) == []
