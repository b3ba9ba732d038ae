"""What the ticketing system will not let privacydesk change is left to its owner, and the
erasure is not reported done until a re-search proves it gone (#16, Rt3), against a real
Redmine 5.

Bram's ticket names Anna in its description, which Bram edited once: Redmine keeps the old
text in the ticket's history, and its API cannot change a ticket's history. Anna's erasure
deletes her user and her tickets, scrubs Carla's note and Bram's description — and her name
stays in the history. No law keeps it there: the erase task is not "kept" and not done, it
waits for the service lead (the system's owner) with the ticket and where; the request is
not answered and its receipt line does not say 0. The service lead's confirmation is checked
by searching Redmine again (the ticket read back by its number): refused while the history
names her, accepted once it is gone — then the receipt says 0 and who confirmed.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from privacydesk.policy.errors import RuleViolation
from privacydesk.systems import declared, erasing, tasks
from privacydesk.systems.connector import ConnectorError
from privacydesk.systems.connectors import rest
from privacydesk.systems.models import SystemTask
from tests.systems.connectors.test_rest import (  # noqa: F401 - fixtures
    ANNA,
    DATASET,
    brams_ticket_edited_once,
    connector_for,
    desk,
)
from tests.systems.servers.rest import Desk, redmine  # noqa: F401 - the fixture

pytestmark = pytest.mark.live

REQUEST_REF = "VZ-2026-0042"


def _system(**entry: Any) -> declared.Declared:
    return declared.of_mapping({
        "operator": "own", "categories": ["names", "email", "phone"],
        "roles": ["customer", "contact"], "purposes": ["agreement"],
        "identities": ["email", "name", "phone"], **entry})


REGISTER = _system(id="register", connector="register", owner="privacy_officer",
                   label={"nl": "Register (privacydesk)", "en": "Register (privacydesk)"})
TICKETING = _system(id="ticketing", connector="rest", owner="service_lead", dataset=DATASET,
                    hosts=["127.0.0.1"], retention="agreement-execution",
                    capabilities=["find", "export", "correct", "erase", "anonymise"],
                    label={"nl": "Ticketsysteem (Redmine)", "en": "Ticketing (Redmine)"})


@pytest.fixture
def ticketing(desk: Desk, monkeypatch: pytest.MonkeyPatch) -> Iterator[Desk]:  # noqa: F811
    monkeypatch.setenv("PRIVACYDESK_SYSTEM_TICKETING_URL", desk.server.url)
    declared.use((REGISTER, TICKETING))
    yield desk
    declared.use(None)


@pytest.fixture
def settled() -> Iterator[list[str]]:
    """The requests whose erasure settled (the requests app's hook sends the receipt)."""
    answered: list[str] = []
    erasing.settled.append(answered.append)
    yield answered
    erasing.settled.remove(answered.append)


def erase_anna(uid: uuid.UUID) -> SystemTask:
    task, = erasing.plan(request_uid=uid, request_ref=REQUEST_REF, person_ref="p-anna",
                         subject=lambda: ANNA, deadline=timezone.now() + timedelta(days=30),
                         actor="privacy_officer-1")
    erasing.run(task.pk)
    task.refresh_from_db()
    return task


def test_her_name_in_a_tickets_history_leaves_the_erasure_open_with_the_service_lead(
        db: Any, ticketing: Desk, settled: list[str], staff_client: Any) -> None:
    ticket = brams_ticket_edited_once(ticketing)
    uid = uuid.uuid4()
    task = erase_anna(uid)

    # Not kept (no law keeps it), not done, not retried (no try can change it): a task for
    # the system's owner, naming the ticket and where in it.
    assert task.status == SystemTask.MANUAL and task.owner_role == "service_lead"
    assert (task.kept, task.remaining, task.attempts) == (0, 1, 1)
    assert task.detail["actions"]["left"] == 1 and "kept" not in task.detail["actions"]
    assert task.detail["left"] == [{"locator": f"issues/{ticket}", "record": f"ticket {ticket}",
                                    "where": ["journals[0].details[0].new_value",
                                              "journals[0].details[0].old_value",
                                              "journals[1].details[0].old_value"]}]
    assert ticketing.user("anna") is None and ticketing.issue("anna_printer") is None
    # The request is not answered; its receipt line does not say 0 for the ticketing system.
    assert tasks.blocking(uid, (SystemTask.ERASE,)) == [task] and settled == []
    line, = erasing.receipt_lines(uid)
    assert (line["status"], line["remaining"]) == ("manual", 1)
    assert list(tasks.open_manual(("service_lead",))) == [task]

    # The service lead reads, in Dutch, which ticket and where; whom to look for.
    lead = staff_client("service_lead")
    listing = lead.get("/staff/systems/tasks/", HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert REQUEST_REF in listing and "Ticketsysteem (Redmine)" in listing
    assert "Anna" not in listing      # the list names the request, not the person
    page = lead.get(f"/staff/systems/tasks/{task.pk}/",
                    HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert "Nog genoemd in" in page and (
        f"ticket {ticket}: geschiedenis, wijziging 1: nieuwe waarde, geschiedenis, wijziging 1: "
        "oude waarde, geschiedenis, wijziging 2: oude waarde") in page and "Anna de Vries" in page
    assert "journals[" not in page   # where in words, not the connector's field paths

    # Confirming while the history still names her is refused: Redmine is searched again.
    with pytest.raises(RuleViolation) as refused:
        tasks.confirm_manual(task, actor="service_lead-1", note="Geschiedenis opgeschoond")
    assert refused.value.rule == "Rt3"
    task.refresh_from_db()
    assert task.status == SystemTask.MANUAL and task.remaining == 1

    # The service lead removes the history in Redmine's database by hand; now it holds.
    ticketing.by_hand("DELETE FROM journal_details WHERE journal_id IN (SELECT id FROM "
                      "journals WHERE journalized_type = 'Issue' AND journalized_id = ?)",
                      ticket)
    tasks.confirm_manual(task, actor="service_lead-1", note="Geschiedenis opgeschoond")
    erasing.notify_settled(uid)
    task.refresh_from_db()
    assert (task.status, task.remaining, task.confirmed_by) == (
        SystemTask.CONFIRMED, 0, "service_lead-1")
    assert tasks.subject_of(task) == tasks.Subject()      # whom to look for: forgotten
    line, = erasing.receipt_lines(uid)
    assert (line["status"], line["remaining"], line["confirmed_by"]) == (
        "confirmed", 0, "service_lead-1")
    assert settled == [str(uid)]


def test_without_anything_left_the_erasure_is_done_at_once(
        db: Any, ticketing: Desk, settled: list[str]) -> None:
    uid = uuid.uuid4()
    task = erase_anna(uid)
    assert (task.status, task.remaining) == (SystemTask.DONE, 0)
    assert "left" not in task.detail and settled == [str(uid)]


def test_a_try_that_stopped_after_scrubbing_does_not_let_the_next_say_done(
        db: Any, ticketing: Desk, monkeypatch: pytest.MonkeyPatch) -> None:
    """The first try scrubs Bram's description (Redmine writes the old text, naming her, to
    the ticket's history) and then loses the connection. Redmine's search no longer finds
    Bram's ticket; the next try reads it back by its number, as noted before the first try
    wrote, and the erasure waits for the service lead — it is not done on a search's say-so."""
    ticket = brams_ticket_edited_once(ticketing)
    task, = erasing.plan(request_uid=uuid.uuid4(), request_ref=REQUEST_REF,
                         person_ref="p-anna", subject=lambda: ANNA,
                         deadline=timezone.now() + timedelta(days=30), actor="privacy_officer-1")
    scrub = rest.RestConnector._scrub   # noqa: SLF001 - the written step the failure follows

    def scrub_then_drop(self: rest.RestConnector, *args: Any) -> Any:
        scrub(self, *args)
        raise ConnectorError("unreachable", "ticketing: the connection dropped")

    monkeypatch.setattr(rest.RestConnector, "_scrub", scrub_then_drop)
    erasing.run(task.pk, 1)
    task.refresh_from_db()
    assert task.status == SystemTask.RETRYING and task.error_kind == "unreachable"
    assert f"issues/{ticket}" in task.detail["touched"]
    assert f"issues/{ticket}" not in {
        r.locator for r in connector_for(ticketing).find(ANNA)}   # the search: nothing there

    monkeypatch.setattr(rest.RestConnector, "_scrub", scrub)
    erasing.run(task.pk, 2)
    task.refresh_from_db()
    assert task.status == SystemTask.MANUAL and task.remaining == 1
    assert [item["locator"] for item in task.detail["left"]] == [f"issues/{ticket}"]
