"""Retention reaches the ticketing system (#16.3, R1–R3), against a real Redmine 5.

InFactor's policy gives the ticketing system the rule "agreement-execution" (R3: the data for
executing an agreement go when that work is done, after no further period); its dataset dates
a ticket by the day it was closed, on the controller's calendar (Amsterdam). Late on
6 December 2026: Anna's printer ticket closed the day before and Eva's VPN ticket closed at
23:30 that evening are due and the sweep deletes them, with a receipt; Bram's offer, closed
half an hour after midnight (still 6 December in UTC, in Redmine's own calendar), is due the
next day; Anna's open mail ticket is never due.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine

from privacydesk.policy import clock
from privacydesk.retention.models import DeletionReceipt
from privacydesk.systems import retaining
from privacydesk.systems.models import SystemTask
from privacydesk.vault.models import AuditEntry
from tests.systems.connectors.test_rest import (  # noqa: F401 - fixture
    DATASET,
    connector_for,
    desk,
)
from tests.systems.connectors.test_rest_left_by_hand import ticketing  # noqa: F401 - fixture
from tests.systems.servers.rest import Desk, redmine  # noqa: F401 - the fixture

pytestmark = pytest.mark.live

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
#: When each ticket was closed (Redmine stores UTC); None: still open.
CLOSED: dict[str, datetime | None] = {
    "anna_printer": datetime(2026, 12, 5, 10, 0, tzinfo=AMSTERDAM),
    "eva_vpn": datetime(2026, 12, 6, 23, 30, tzinfo=AMSTERDAM),      # the last day, 23:30
    "bram_offer": datetime(2026, 12, 7, 0, 30, tzinfo=AMSTERDAM),    # 23:30 UTC on the 6th
    "anna_mail": None,
}
LATE_ON_THE_SIXTH = datetime(2026, 12, 6, 23, 45, tzinfo=AMSTERDAM)


@pytest.fixture
def closed_desk(ticketing: Desk) -> Iterator[Desk]:  # noqa: F811
    """The service desk with its tickets closed at the moments of CLOSED (the API closes a
    ticket now; the moment is set in Redmine's database)."""
    with ticketing.server.admin() as client:
        for name, moment in CLOSED.items():
            if moment is None:
                continue
            answer = client.put(f"/issues/{ticketing.tickets[name]}.json",
                                json={"issue": {"status_id": 5}})    # Closed
            assert answer.status_code == 204, answer.text
            ticketing.by_hand("UPDATE issues SET closed_on = ? WHERE id = ?",
                              ticketing.stored(moment), ticketing.tickets[name])
    yield ticketing


@pytest.mark.dates
def test_closed_tickets_are_due_by_their_closing_day_on_the_controllers_calendar(
        db: Any, closed_desk: Desk) -> None:
    service = closed_desk
    with time_machine.travel(LATE_ON_THE_SIXTH, tick=False):
        assert clock.today() == date(2026, 12, 6)
        due = {r.locator: r for r in connector_for(service).due(clock.today() + timedelta(days=1))}
    printer, vpn = (f"issues/{service.tickets[n]}" for n in ("anna_printer", "eva_vpn"))
    assert set(due) == {printer, vpn}
    assert (due[printer].dated, due[vpn].dated) == (date(2026, 12, 5), date(2026, 12, 6))
    # Nothing of the ticket itself: the plan and the receipt count, they never name.
    assert all(r.fields == {} and r.matched_by == ("retention",) and r.kept == ""
               for r in due.values())
    assert connector_for(service).due(date(2026, 12, 6)) == [due[printer]]


@pytest.mark.dates
def test_the_daily_sweep_deletes_the_due_tickets_with_a_receipt_and_bram_s_the_next_day(
        db: Any, closed_desk: Desk) -> None:
    service = closed_desk
    with time_machine.travel(LATE_ON_THE_SIXTH, tick=False):
        assert retaining.sweep(clock.today()) == 2
    assert service.issue("anna_printer") is None and service.issue("eva_vpn") is None
    assert service.issue("bram_offer") is not None and service.issue("anna_mail") is not None
    state = SystemTask.objects.get(system="ticketing", action=SystemTask.RETAIN)
    assert (state.status, state.done, state.remaining) == (SystemTask.DONE, 2, 0)
    receipt = DeletionReceipt.objects.get(model="systems.ticketing")
    assert (receipt.kind, receipt.count, receipt.rule_id, receipt.promise) == (
        DeletionReceipt.SYSTEM, 2, "agreement-execution", "R3")
    assert receipt.object_ids == [] and receipt.person_ref == ""
    entry = AuditEntry.objects.filter(action="systems.retention").latest("seq")
    assert entry.object_id == "ticketing"

    with time_machine.travel(LATE_ON_THE_SIXTH + timedelta(hours=10), tick=False):
        assert retaining.sweep(clock.today()) == 1
    assert service.issue("bram_offer") is None and service.issue("anna_mail") is not None
    # The ticketing system is swept, so it gets no review task by hand any more.
    assert "ticketing" not in {s.id for s in retaining.reviewed()}


@pytest.mark.dates
def test_a_declaration_that_anonymises_tickets_says_what_redmines_history_keeps(
        db: Any, closed_desk: Desk) -> None:
    """Another company's choice: tickets past their period anonymised, not deleted. Their
    texts are replaced as a whole by the redaction mark — and Redmine writes each old text
    to the ticket's history, which its API cannot change: "left", naming where, never
    "anonymised", so the sweep counts the ticket as still due (R1)."""
    service = closed_desk
    dataset = copy.deepcopy(DATASET)
    dataset["resources"][1]["erase"] = "anonymise"
    connector = connector_for(service, dataset=dataset)
    with time_machine.travel(LATE_ON_THE_SIXTH, tick=False):
        due = connector.due(clock.today() + timedelta(days=1))
    outcomes = {o.locator: o for o in connector.expire(due)}
    vpn = outcomes[f"issues/{service.tickets['eva_vpn']}"]
    assert vpn.action == "left" and "journals[2].details[0].old_value" in vpn.detail
    issue = service.issue("eva_vpn") or {}
    assert (issue["subject"], issue["description"]) == ("[verwijderd]", "[verwijderd]")
    assert issue["journals"][0]["notes"] == "[verwijderd]"
    assert issue["author"]["name"] == "Eva Visser"     # not a text: Redmine's own user
