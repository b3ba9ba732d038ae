"""The REST connector against a real Redmine 5 (#16.2), declared by InFactor's own dataset
(privacydesk/policy/default/systems/ticketing.toml).

Anna de Vries files two tickets; Carla, of the service desk, writes on Eva's ticket that
Anna called too, with Anna's phone number. privacydesk finds Anna as a Redmine user (by
e-mail and name), her tickets (she filed them) and Eva's ticket (the note names her), by
phone number alone too; it exports, corrects and erases her: her tickets and her user are
deleted, the note on Eva's ticket is scrubbed, and the re-search finds nothing — while
Bram's and Eva's data stay as they were (Rt3). What Redmine will not let anyone change (the
history of an edited description) is reported as left, never as done or kept.
"""

from __future__ import annotations

import copy
import json
import tomllib
from pathlib import Path
from typing import Any

import pytest

from privacydesk.systems.connector import Connection, ConnectorError, Record, Subject
from privacydesk.systems.connectors import rest
from tests.systems.servers.rest import (  # noqa: F401 - fixtures
    Desk,
    Redmine,
    free_port,
    garbage_json_port,
    linked_pages,
    nonsense_port,
    post,
    redmine,
    seed,
    silent_port,
)

pytestmark = pytest.mark.live

DATASET_FILE = (Path(__file__).parents[3] / "privacydesk/policy/default/systems/ticketing.toml")
DATASET: dict[str, Any] = tomllib.loads(DATASET_FILE.read_text())
# The same declaration without Redmine's search: every ticket is read.
FULL_SCAN: dict[str, Any] = copy.deepcopy(DATASET)
del FULL_SCAN["resources"][1]["search"]

ANNA = Subject(name="Anna de Vries", emails=("anna@example.nl",), phones=("+31612345678",),
               postcode_house_numbers=("9712AB 12",))
ANNA_BY_EMAIL = Subject(emails=("ANNA@example.nl",))
ANNA_BY_NAME = Subject(name="anna  de  vries")
ANNA_BY_PHONE = Subject(phones=("+31612345678",))
BRAM = Subject(name="Bram Bakker", emails=("bram@bakker.example",))
EVA = Subject(name="Eva Visser", emails=("eva.visser@klant.example",))
OLAF = Subject(name="Olaf Jansen", emails=("olaf@elders.example",), phones=("+31201234567",))


def connection(server: Redmine, *, url: str | None = None, dataset: dict[str, Any] | None = None,
               hosts: tuple[str, ...] = ("127.0.0.1",), timeout: float = 10.0) -> Connection:
    return Connection(system_id="ticketing", url=url or server.url,
                      dataset=DATASET if dataset is None else dataset, hosts=hosts,
                      timeout=timeout)


# Seeding takes seconds on a shared machine: tests that only read share one seeded desk;
# a test that changes Redmine gets its own and marks the shared one stale.
_unchanged: list[Desk] = []


@pytest.fixture
def seeded(redmine: Redmine) -> Desk:  # noqa: F811
    """The service desk as seeded, for tests that change nothing."""
    if not _unchanged or _unchanged[0].server != redmine:
        _unchanged[:] = [seed(redmine)]
    return _unchanged[0]


@pytest.fixture
def desk(redmine: Redmine) -> Desk:  # noqa: F811
    """A service desk of this test's own, which it may change."""
    _unchanged.clear()
    return seed(redmine)


def connector_for(desk: Desk, **options: Any) -> rest.RestConnector:
    """The connector of InFactor's declared ticketing system, reaching this desk's Redmine."""
    return rest.connect(connection(desk.server, **options))


def by_locator(records: list[Record]) -> dict[str, Record]:
    return {r.locator: r for r in records}


def test_infactors_declared_ticketing_system_is_reached_through_its_url_variable(
        seeded: Desk) -> None:
    """The path the rights workflow takes: the policy's [[systems]] entry, the URL from
    PRIVACYDESK_SYSTEM_TICKETING_URL, the registry's connector of kind "rest"."""
    from privacydesk.systems import declared, registry

    ticketing = declared.system("ticketing")
    assert ticketing is not None and ticketing.connector == "rest"
    environ = {registry.url_variable("ticketing"): seeded.server.url}
    connector = registry.connect(ticketing.connector, ticketing.connection(environ))
    connector.ping()
    assert f"users/{seeded.users['anna']}" in by_locator(connector.find(ANNA))


# --- find -----------------------------------------------------------------------------------

def test_anna_is_found_as_user_her_tickets_and_the_note_that_names_her(seeded: Desk) -> None:
    desk = seeded
    found = by_locator(connector_for(desk).find(ANNA))

    user = found[f"users/{desk.users['anna']}"]
    assert user.kind == "gebruiker"
    assert set(user.matched_by) == {"email", "name"}
    assert user.fields["mail"] == "anna@example.nl"
    assert set(user.categories) == {"names", "email"}
    assert user.dated is not None

    printer = found[f"issues/{desk.tickets['anna_printer']}"]
    assert "owner" in printer.matched_by and "phone in text" in printer.matched_by
    assert printer.fields["subject"] == "Printer kapot"
    assert "author.name" in printer.fields
    assert f"issues/{desk.tickets['anna_mail']}" in found

    vpn = found[f"issues/{desk.tickets['eva_vpn']}"]
    assert set(vpn.matched_by) == {"name in text", "phone in text"}
    assert set(vpn.categories) == {"names", "phone"}
    # Of Eva's ticket only the note that names Anna is shown (Art. 15(4): Eva's rights).
    assert list(vpn.fields) == ["journals[0].notes"]
    assert "terugbellen op 06-12345678" in vpn.fields["journals[0].notes"]

    assert f"users/{desk.users['eva']}" not in found
    assert f"issues/{desk.tickets['bram_offer']}" not in found
    assert len(found) == 4


def test_each_identity_alone_finds_her(seeded: Desk) -> None:
    desk = seeded
    connector = connector_for(desk)
    vpn = f"issues/{desk.tickets['eva_vpn']}"
    by_email = by_locator(connector.find(ANNA_BY_EMAIL))
    assert by_email[f"users/{desk.users['anna']}"].matched_by == ("email",)
    assert by_email[f"issues/{desk.tickets['anna_mail']}"].matched_by == ("email in text",
                                                                          "owner")
    by_name = by_locator(connector.find(ANNA_BY_NAME))
    assert by_name[f"users/{desk.users['anna']}"].matched_by == ("name",)
    assert by_name[vpn].matched_by == ("name in text",)
    # Redmine holds no phone field: the phone number is found in free text, however written.
    by_phone = by_locator(connector.find(ANNA_BY_PHONE))
    assert set(by_phone) == {f"issues/{desk.tickets['anna_printer']}", vpn}
    assert by_phone[vpn].matched_by == ("phone in text",)


@pytest.mark.parametrize("subject", [ANNA, ANNA_BY_EMAIL, ANNA_BY_NAME, ANNA_BY_PHONE, EVA,
                                     BRAM, OLAF])
def test_redmines_search_narrows_the_scan_to_the_same_records_as_reading_every_ticket(
        seeded: Desk, subject: Subject) -> None:
    def found(dataset: dict[str, Any]) -> dict[str, tuple[str, ...]]:
        return {r.locator: r.matched_by
                for r in connector_for(seeded, dataset=dataset).find(subject)}

    assert found(DATASET) == found(FULL_SCAN)


def test_redmines_search_is_asked_for_five_terms_at_once_and_reads_only_what_names_her(
        seeded: Desk) -> None:
    """Her name, her address and ten spellings of her number: three searches, not
    twelve, each finding any of its terms (all_words = ""); and a phrase after a phrase is
    still a phrase ("+31 6 12345678", not "+31", which would find every Dutch number)."""
    connector = connector_for(seeded)
    asked: list[str] = []
    connector._http._client.event_hooks["request"] = [  # noqa: SLF001 - counting requests
        lambda request: asked.append(request.url.path)]
    found = {r.locator for r in connector.find(ANNA)}
    assert asked.count("/search.json") == 3
    read = {p.removeprefix("/").removesuffix(".json") for p in asked
            if p.startswith("/issues/")}
    assert read <= found and f"issues/{seeded.tickets['bram_offer']}" not in read


def test_olaf_is_in_no_system(seeded: Desk) -> None:
    desk = seeded
    assert connector_for(desk).find(OLAF) == []


def test_a_small_page_size_still_reaches_every_ticket(seeded: Desk) -> None:
    desk = seeded
    dataset = copy.deepcopy(DATASET)
    dataset["paging"]["page_size"] = 1
    found = by_locator(connector_for(desk, dataset=dataset).find(ANNA))
    assert {f"issues/{desk.tickets[t]}" for t in ("anna_printer", "anna_mail", "eva_vpn")} <= \
        set(found)


# --- export, correct, sample ----------------------------------------------------------------

def test_export_gives_her_data_and_of_evas_ticket_only_the_note(seeded: Desk) -> None:
    desk = seeded
    connector = connector_for(desk)
    files = {f.filename: f for f in connector.export(connector.find(ANNA))}
    assert set(files) == {"ticketing-users.json", "ticketing-issues.json"}
    assert files["ticketing-users.json"].content_type == "application/json"
    users = json.loads(files["ticketing-users.json"].data)
    assert users == [{"locator": f"users/{desk.users['anna']}", "kind": "gebruiker",
                      "fields": {"firstname": "Anna", "lastname": "de Vries", "login": "anna",
                                 "mail": "anna@example.nl"}}]
    issues = {row["locator"]: row["fields"] for row in
              json.loads(files["ticketing-issues.json"].data)}
    assert "9712 AB Groningen" in issues[f"issues/{desk.tickets['anna_printer']}"]["description"]
    assert issues[f"issues/{desk.tickets['eva_vpn']}"] == {"journals[0].notes": (
        "Anna de Vries van De Vries Advies belde ook over de VPN, terugbellen op 06-12345678.")}


def test_sample_names_where_each_value_sits(seeded: Desk) -> None:
    desk = seeded
    samples = list(connector_for(desk).sample(500))
    where = {s.where for s in samples}
    assert {"users.mail", "users.firstname", "issues.description",
            "issues.journals[].notes"} <= where
    # The scan sees the phone number in the free text, where no field declares it.
    assert any("+31 6 12345678" in s.value for s in samples if s.where == "issues.description")
    assert len(list(connector_for(desk).sample(3))) == 3


def test_correcting_annas_e_mail_address_reaches_redmine(desk: Desk) -> None:
    connector = connector_for(desk)
    user = by_locator(connector.find(ANNA))[f"users/{desk.users['anna']}"]
    outcome = connector.correct(user, "mail", "anna@devries-advies.example")
    assert outcome.action == "corrected"
    assert (desk.user("anna") or {})["mail"] == "anna@devries-advies.example"
    with pytest.raises(ConnectorError) as refused:
        connector.correct(user, "admin", "true")
    assert refused.value.kind == "unsupported"
    assert (desk.user("anna") or {})["admin"] is False


# --- erase and the re-search ----------------------------------------------------------------

def test_erasing_anna_leaves_nothing_of_her_and_evas_and_brams_data_as_they_were(
        desk: Desk) -> None:
    connector = connector_for(desk)
    bram_before, eva_before = desk.user("bram"), desk.user("eva")
    bram_ticket_before = desk.issue("bram_offer")
    vpn_before = desk.issue("eva_vpn") or {}

    outcomes = {o.locator: o for o in connector.erase(connector.find(ANNA), ANNA)}

    assert outcomes[f"users/{desk.users['anna']}"].action == "deleted"
    assert outcomes[f"issues/{desk.tickets['anna_printer']}"].action == "deleted"
    assert outcomes[f"issues/{desk.tickets['anna_mail']}"].action == "deleted"
    assert outcomes[f"issues/{desk.tickets['eva_vpn']}"].action == "anonymised"
    # The re-search of the receipt, by every identity, in every way she can be found.
    for subject in (ANNA, ANNA_BY_EMAIL, ANNA_BY_NAME, ANNA_BY_PHONE):
        assert connector.find(subject) == []
    assert desk.user("anna") is None and desk.issue("anna_printer") is None

    vpn = desk.issue("eva_vpn") or {}
    assert vpn["journals"][0]["notes"] == ("[verwijderd] van De Vries Advies belde ook over de "
                                           "VPN, terugbellen op [verwijderd].")
    assert vpn["description"] == vpn_before["description"]
    assert vpn["subject"] == vpn_before["subject"]
    assert vpn["author"]["name"] == "Eva Visser"
    assert desk.user("bram") == bram_before and desk.user("eva") == eva_before
    assert desk.issue("bram_offer") == bram_ticket_before
    assert len(connector.find(EVA)) == 2 and len(connector.find(BRAM)) == 2


def brams_ticket_edited_once(desk: Desk) -> int:
    """Bram's ticket whose description names Anna, edited once by Bram: Redmine keeps the old
    text in the ticket's history (journals[0].details[0].old_value)."""
    with desk.server.admin() as client:
        ticket = int(post(client, "/issues.json", {"issue": {
            "project_id": "servicedesk", "subject": "Werkplekken",
            "description": "Doorverwezen door Anna de Vries."}}, as_user="bram")["issue"]["id"])
        answer = client.put(f"/issues/{ticket}.json", json={"issue": {
            "description": "Doorverwezen door Anna de Vries (De Vries Advies)."}},
            headers={"X-Redmine-Switch-User": "bram"})
        assert answer.status_code == 204, answer.text
    return ticket


@pytest.mark.parametrize("dataset", [DATASET, FULL_SCAN], ids=["search", "full scan"])
def test_her_name_left_in_a_tickets_history_is_reported_left_and_found_again(
        desk: Desk, dataset: dict[str, Any]) -> None:
    """Rt3: no law keeps her name in Bram's ticket's history, and Redmine's API cannot change
    it: the erase says "left" (never "kept", never done), and the re-search finds it — also
    with Redmine's search, which does not see a ticket's history: the re-search reads back
    every ticket the erase touched."""
    ticket = brams_ticket_edited_once(desk)
    connector = connector_for(desk, dataset=dataset)
    found = [r for r in connector.find(ANNA) if r.locator == f"issues/{ticket}"]
    outcome, = connector.erase(found, ANNA)

    assert outcome.action == "left"
    assert "journals[0].details[0].old_value" in outcome.detail
    # The description itself is scrubbed; the history still names her (her name in the
    # scrubbed text's own history entry too: Redmine records every change of a description).
    issue = desk.issue_by_id(ticket)
    assert issue["description"] == "Doorverwezen door [verwijderd] (De Vries Advies)."
    remaining = by_locator(connector.find(ANNA))[f"issues/{ticket}"]
    assert set(remaining.fields) == {"journals[0].details[0].old_value",
                                     "journals[0].details[0].new_value",
                                     "journals[1].details[0].old_value"}
    assert remaining.kept == ""
    # A connector of its own (a later try, the owner's confirmation) reads it back by key.
    again, = connector_for(desk, dataset=dataset).find_again(ANNA, [f"issues/{ticket}"])
    assert set(again.fields) == set(remaining.fields)


def test_redmine_5_offers_no_way_to_change_a_tickets_history(desk: Desk) -> None:
    """What Redmine 5 allows, asked of the real server: a journal's notes can be written
    (PUT journals/:id), a journal cannot be deleted (404), and writing its details changes
    nothing — the history of a description stays as it was."""
    ticket = brams_ticket_edited_once(desk)
    journal = desk.issue_by_id(ticket)["journals"][0]
    with desk.server.admin() as client:
        assert client.delete(f"/journals/{journal['id']}.json").status_code == 404
        assert client.put(f"/journals/{journal['id']}.json", json={"journal": {
            "notes": "", "details": []}}).status_code == 204
    assert desk.issue_by_id(ticket)["journals"][0]["details"] == journal["details"]


def test_erasing_her_twice_changes_nothing_more(desk: Desk) -> None:
    connector = connector_for(desk)
    records = connector.find(ANNA)
    connector.erase(records, ANNA)
    note = (desk.issue("eva_vpn") or {})["journals"][0]["notes"]
    again = {o.locator: o.action for o in connector.erase(records, ANNA)}
    assert again.pop(f"issues/{desk.tickets['eva_vpn']}") == "anonymised"
    assert set(again.values()) == {"deleted"}
    assert (desk.issue("eva_vpn") or {})["journals"][0]["notes"] == note
    assert connector.find(ANNA) == []


def test_a_declaration_that_anonymises_users_and_keeps_tickets(desk: Desk) -> None:
    """Another company's choice: the account stays (locked, without her name, login or
    address: Redmine requires all three and a unique address), her tickets are archive-only."""
    reason = "R3: tickets blijven twee jaar na het einde van de overeenkomst"
    dataset = copy.deepcopy(DATASET)
    users, issues = dataset["resources"]
    users.update(erase="anonymise", anonymise={
        "login": "verwijderd-{id}", "firstname": "Verwijderd", "lastname": "Verwijderd",
        "mail": "verwijderd-{id}@invalid.example", "status": "3"})
    issues.update(erase="keep", keep_reason=reason)
    connector = connector_for(desk, dataset=dataset)

    outcomes = {o.locator: o for o in connector.erase(connector.find(ANNA), ANNA)}

    assert outcomes[f"users/{desk.users['anna']}"].action == "anonymised"
    kept = outcomes[f"issues/{desk.tickets['anna_printer']}"]
    assert (kept.action, kept.detail) == ("kept", reason)
    assert outcomes[f"issues/{desk.tickets['eva_vpn']}"].action == "anonymised"
    user = desk.user("anna") or {}
    assert (user["login"], user["firstname"], user["lastname"], user["mail"]) == (
        f"verwijderd-{user['id']}", "Verwijderd", "Verwijderd",
        f"verwijderd-{user['id']}@invalid.example")
    assert user["status"] == 3
    # The re-search finds only what was kept, by the text in it.
    left = {r.locator for r in connector.find(ANNA)}
    assert left == {f"issues/{desk.tickets['anna_printer']}",
                    f"issues/{desk.tickets['anna_mail']}"}
    assert desk.user("eva") is not None and desk.issue("bram_offer") is not None


# --- failure modes --------------------------------------------------------------------------

def test_a_system_that_is_down_is_unreachable(redmine: Redmine) -> None:  # noqa: F811
    url = f"http://{redmine.api_key}@127.0.0.1:{free_port()}/"
    with pytest.raises(ConnectorError) as down:
        rest.connect(connection(redmine, url=url)).ping()
    assert down.value.kind == "unreachable"
    assert redmine.api_key not in str(down.value)


def test_a_system_that_never_answers_times_out(redmine: Redmine,  # noqa: F811
                                               silent_port: int) -> None:  # noqa: F811
    url = f"http://{redmine.api_key}@127.0.0.1:{silent_port}/"
    with pytest.raises(ConnectorError) as slow:
        rest.connect(connection(redmine, url=url, timeout=0.5)).find(ANNA)
    assert slow.value.kind == "timeout"
    assert redmine.api_key not in str(slow.value)


def test_a_system_that_answers_no_http_is_garbage(redmine: Redmine,  # noqa: F811
                                                  nonsense_port: int) -> None:  # noqa: F811
    url = f"http://{redmine.api_key}@127.0.0.1:{nonsense_port}/"
    with pytest.raises(ConnectorError) as garbage:
        rest.connect(connection(redmine, url=url)).ping()
    assert garbage.value.kind == "garbage"
    assert redmine.api_key not in str(garbage.value)


def test_a_system_that_answers_broken_json_is_garbage(
        redmine: Redmine, garbage_json_port: int) -> None:  # noqa: F811
    url = f"http://{redmine.api_key}@127.0.0.1:{garbage_json_port}/"
    with pytest.raises(ConnectorError) as garbage:
        rest.connect(connection(redmine, url=url)).find(ANNA)
    assert garbage.value.kind == "garbage"
    assert "not JSON" in str(garbage.value)


def test_a_wrong_api_key_is_refused_and_never_shown(redmine: Redmine) -> None:  # noqa: F811
    wrong = "0" * 40
    with pytest.raises(ConnectorError) as refused:
        rest.connect(connection(redmine, url=f"http://{wrong}@127.0.0.1:{redmine.port}/")
                     ).find(ANNA)
    assert refused.value.kind == "refused"
    assert wrong not in str(refused.value) and "HTTP 401" in str(refused.value)


def test_an_undeclared_host_is_refused_before_any_connection(
        redmine: Redmine) -> None:  # noqa: F811
    with pytest.raises(ConnectorError) as forbidden:
        rest.connect(connection(redmine, hosts=("tickets.infactor.example",)))
    assert forbidden.value.kind == "forbidden_host"
    assert redmine.api_key not in str(forbidden.value)


@pytest.mark.parametrize(("change", "named"), [
    (lambda d: d.pop("resources"), "resources"),
    (lambda d: d["resources"][1].update(text=["journals[.notes"]), "resources[1].text"),
    (lambda d: d["resources"][0].update(erase="shred"), "resources[0].erase"),
    (lambda d: d["resources"][1].update(owner={"resource": "contacts", "param": "x"}),
     "resources[1].owner.resource"),
    (lambda d: d["resources"][1]["writers"].update(
        {"author.name": {"path": "users/{id}.json", "body": "user.firstname"}}),
     "resources[1].writers.author.name"),
    (lambda d: d["resources"][0].update(item="http://elsewhere.example/users/{id}.json"),
     "resources[0].item"),
    (lambda d: d["auth"].update(scheme="cookie"), "auth.scheme"),
    (lambda d: d["resources"][1].update(retention={"params": {"status_id": "c"}}),
     "resources[1].retention.params"),
    (lambda d: d["resources"][0].update(retention={"params": {"created_on": "<={before}"}},
                                        dated=""), "resources[0].dated"),
    (lambda d: d.update(colour="blue"), "colour"),
])
def test_a_misdeclared_dataset_is_refused_naming_the_key(redmine: Redmine,  # noqa: F811
                                                         change: Any, named: str) -> None:
    dataset = copy.deepcopy(DATASET)
    change(dataset)
    with pytest.raises(ConnectorError) as wrong:
        rest.connect(connection(redmine, dataset=dataset))
    assert wrong.value.kind == "misdeclared"
    assert f"dataset key {named}:" in str(wrong.value)


CRM: dict[str, Any] = {
    "auth": {"scheme": "bearer"},
    "paging": {"style": "next_link", "limit_param": "per_page", "page_size": 1,
               "next": "links.next"},
    "base_path": "api",
    "resources": [{
        "id": "contacts", "kind": "contactpersoon", "list": "contacts", "items": "data",
        "item": "contacts/{id}", "envelope": "data",
        "fields": {"name": "names", "email": "email", "phone": "phone"},
        "identities": {"email": ["email"], "name": ["name"], "phone": ["phone"]},
        "erase": "keep", "keep_reason": "the CRM is read-only for privacydesk"}],
}


def crm(port: int, dataset: dict[str, Any]) -> rest.RestConnector:
    return rest.connect(Connection(system_id="crm", url=f"http://crm-token@127.0.0.1:{port}/",
                                   dataset=dataset, hosts=("127.0.0.1",), timeout=5.0))


def test_next_link_paging_reaches_the_last_page(linked_pages: int) -> None:  # noqa: F811
    connector = crm(linked_pages, CRM)
    connector.ping()
    anna, = connector.find(ANNA_BY_PHONE)   # on the third page, her number as written there
    assert (anna.locator, anna.matched_by) == ("contacts/3", ("phone",))
    assert set(anna.categories) == {"names", "email", "phone"}
    assert connector.find(OLAF) == []


def test_a_next_link_to_another_host_is_not_followed(linked_pages: int) -> None:  # noqa: F811
    hostile = copy.deepcopy(CRM)
    hostile["resources"][0]["list"] = "hostile"
    connector = crm(linked_pages, hostile)
    with pytest.raises(ConnectorError) as forbidden:
        connector.find(ANNA)
    assert forbidden.value.kind == "forbidden_host"
    assert "elsewhere.example" in str(forbidden.value) and "crm-token" not in str(forbidden.value)
