"""The walk of issue #16's "done when": one erasure reaches six places (Rt3).

Anna de Vries is the person. She is a customer, and a customer is who lives in all six of
InFactor's places: the register (her SLA), the CRM (her customer row, invoice and notes), the
accounting database (her customer row and invoice: archive-only, the law keeps her invoice,
name, address and IBAN, R3 — not her phone or e-mail address, C2), the
shared mailbox info@ (her mails, our reply, Eva's mail naming her), the ticketing system (her
tickets, Carla's note on Eva's ticket naming her) and the directory — not as staff (Daan, a
former employee, would be in the directory but in no customer's invoice or ticket), but as a
card in the clients' address book the directory also serves (`ou=contacts`), next to Carla's
entry whose description names her.

She files the erasure on the website and confirms it by the link in her mail; the privacy
officer erases on the back office; the queue's worker runs one erase task per system with its
re-search; her receipt says per system that nothing is left for her (the accounting database
keeps her invoice and what the fiscal law keeps by law, with the law named); Bram's and Eva's
data stay where they were; the
request is answered and closed, `privacydesk check`'s Rt3 finds nothing wrong, and the audit
chain holds. And when the ticketing system is down: the request is not answered, staff see
"unreachable", the tries are bounded, and once Redmine is back a retry completes the receipt.

The register knows both of her e-mail addresses (the one she files with and the one the CRM,
the accounting and Redmine wrote down). A system's record hands on the identities it holds
only when it was found by a strong one (an address or a number, tests/systems/test_identities*.py);
here the CRM would find her by name and phone alone, which hand on nothing (a namesake must
never widen the search), so without it her other address would stay in a CRM note.

Every server is real and started by the tests (PostgreSQL's second database, a MariaDB,
Dovecot, slapd, Redmine 5); the task queue is the real task table run by the real worker.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from privacydesk.check.system_rights import erasure_lines
from privacydesk.policy import active
from privacydesk.requests.models import DataSubjectRequest, Status
from privacydesk.systems import erasing
from privacydesk.systems.models import SystemTask
from privacydesk.vault import audit
from privacydesk.vault.models import AuditEntry
from tests.requests.conftest import (  # noqa: F401 - the request workflow's fixtures
    officer,
    personas,
    smtp,
    staff_client,
)
from tests.systems.servers.imap import dovecot_server  # noqa: F401 - fixture
from tests.systems.servers.ldap import slapd_server  # noqa: F401 - fixture
from tests.systems.servers.rest import redmine  # noqa: F401 - fixture
from tests.systems.servers.sql import (  # noqa: F401 - fixtures
    closed_port,
    mariadb_crm,
    mariadb_fixture,
    postgres_crm,
    postgres_fixture,
    seed_accounting,
)
from tests.systems.walk_systems import (
    ANNA_NAME,
    ANNA_OTHER_EMAIL,
    ANNA_PHONES,
    ANNA_REGISTER_EMAIL,
    Six,
    policy_with_six_systems,
    register_knows_her_other_address,
    run_queue,
    seed_directory_tree,
    seed_mailbox,
    seed_service_desk,
)

pytestmark = pytest.mark.live

SYSTEMS = ("accounting", "crm", "directory", "mailbox", "ticketing")
LABELS = {"crm": "Klantenbestand (CRM)", "accounting": "Boekhouding",
          "mailbox": "Gedeelde mailbox info@ (IMAP)", "directory": "Personeelsgids (LDAP)",
          "ticketing": "Ticketsysteem (Redmine)"}


@pytest.fixture
def six(tmp_path: Path, postgres: Any, mariadb: Any, dovecot_server: Any,  # noqa: F811
        slapd_server: Any, redmine: Any, monkeypatch: pytest.MonkeyPatch  # noqa: F811
        ) -> Iterator[Six]:
    """The five other places seeded with Anna, declared in InFactor's policy and connected
    by their URLs; afterwards the policy before it."""
    before = active.configured_path()
    tree, dns = seed_directory_tree(slapd_server)
    with postgres_crm(postgres) as crm, mariadb_crm(mariadb, seed_accounting) as accounting:
        places = Six(crm=crm, accounting=accounting, mailbox=seed_mailbox(dovecot_server),
                     directory=tree, directory_dns=dns, desk=seed_service_desk(redmine))
        for system, url in places.urls().items():
            monkeypatch.setenv(f"PRIVACYDESK_SYSTEM_{system.upper()}_URL", url)
            # Redmine on two shared cores answers a full page in a few seconds.
            monkeypatch.setenv(f"PRIVACYDESK_SYSTEM_{system.upper()}_TIMEOUT", "20")
        active.configure(policy_with_six_systems(tmp_path, crm))
        try:
            yield places
        finally:
            active.configure(before)


# -- the steps, as the person and the staff take them ----------------------------------------

def _files_and_confirms(smtp: Any) -> DataSubjectRequest:  # noqa: F811
    """Anna asks on the website to be erased, then confirms through the link in her mail."""
    visitor = Client(enforce_csrf_checks=True)
    form = visitor.get("/nl/request/")
    sent = visitor.post("/nl/request/", {
        "kind": "erasure", "name": ANNA_NAME, "email": ANNA_REGISTER_EMAIL,
        "message": "Verwijder al mijn gegevens, overal.", "website": "",
        "csrfmiddlewaretoken": str(form.context["csrf_token"])})
    assert sent.status_code == 302, sent.content.decode()[:500]
    request = DataSubjectRequest.objects.get(kind="erasure")
    assert Client().post(smtp.link(smtp.to(ANNA_REGISTER_EMAIL)[-1], "confirm")
                         ).status_code == 200
    request.refresh_from_db()
    assert request.status == Status.VERIFIED
    return request


def _run_the_queue(capture: Any, rounds: int = 1) -> None:
    """The worker, `rounds` times: a retry a try queued is picked up by the next round."""
    for _ in range(rounds):
        with capture(execute=True):
            run_queue()


def _tasks(request: DataSubjectRequest) -> dict[str, SystemTask]:
    return {t.system: t for t in SystemTask.objects.filter(request_uid=request.uid,
                                                           action=SystemTask.ERASE)}


def _receipt_lines(mail: str) -> dict[str, str]:
    """The receipt's line per system label ("- Boekhouding: ...")."""
    return {label: next(line for line in mail.splitlines() if line.startswith(f"- {label}:"))
            for label in LABELS.values()}


def _names_anna(text: str) -> list[str]:
    """What of Anna's is in `text`: her name, either address, a way of writing her phone."""
    lowered = re.sub(r"\s+", " ", text.lower())
    needles = [ANNA_NAME.lower(), ANNA_OTHER_EMAIL, ANNA_REGISTER_EMAIL, *ANNA_PHONES]
    return [n for n in needles if n.lower() in lowered]


# -- what is left behind each connector --------------------------------------------------------

def _crm_text(places: Six) -> str:
    return json.dumps({t: places.crm.rows(t) for t in ("customers", "contacts", "notes")},
                      default=str)


def _accounting_text(places: Six) -> str:
    return json.dumps({t: places.accounting.rows(t) for t in ("customers", "invoices")},
                      default=str)


def _mailbox_text(places: Six) -> list[str]:
    return [m.decode("utf-8", "replace") for folder in ("INBOX", "Sent")
            for m in places.mailbox.messages(folder)]


def _directory_entry(places: Six, who: str) -> dict[str, list[str]] | None:
    return places.directory.entry(places.directory_dns[who])


def _desk_text(places: Six) -> str:
    found = {name: places.desk.issue(name) for name in places.desk.tickets}
    return json.dumps(found, default=str)


# -- the walk --------------------------------------------------------------------------------

def test_annas_erasure_reaches_six_places_and_her_receipt_says_nothing_is_left(
        smtp, personas, officer, staff_client, six,  # noqa: F811
        django_capture_on_commit_callbacks):
    places = six
    register_knows_her_other_address(personas.anna, personas.anna_sla)
    bram_before = (places.crm.row("customers", 2), places.accounting.rows("customers")[1],
                   places.desk.user("bram"), places.desk.issue("bram_offer"),
                   _directory_entry(places, "bram"))
    eva_before = (places.crm.rows("contacts"), places.desk.user("eva"),
                  _directory_entry(places, "eva"))
    accounting_before = {t: places.accounting.rows(t) for t in ("customers", "invoices")}
    assert accounting_before["customers"][0]["phone"]          # her phone is there before
    # Before: every place holds her.
    assert _names_anna(_crm_text(places)) and _names_anna(_accounting_text(places))
    assert _names_anna(_desk_text(places)) and _directory_entry(places, "anna")

    request = _files_and_confirms(smtp)
    staff = staff_client("privacy_officer")
    with django_capture_on_commit_callbacks(execute=True):
        erased = staff.post(f"/staff/requests/{request.uid}/erase/")
    assert erased.status_code == 302
    # The register is erased at once; the request waits for the five others (Rt3).
    request.refresh_from_db()
    assert request.status == Status.VERIFIED
    assert set(_tasks(request)) == set(SYSTEMS)
    page = staff.get(f"/staff/requests/{request.uid}/").content.decode()
    for label in LABELS.values():
        assert label in page                      # the staff see each system by its label

    _run_the_queue(django_capture_on_commit_callbacks)

    tasks = _tasks(request)
    for system in SYSTEMS:
        task = tasks[system]
        assert task.status in (SystemTask.DONE, SystemTask.KEPT), (system, task.error)
        assert task.researched_at is not None, system
        assert not task.key_id, system            # whom to look for is forgotten (R1)
    for system in SYSTEMS:
        assert tasks[system].status == SystemTask.DONE and tasks[system].done >= 1, system
        assert tasks[system].remaining == 0, system
    # Accounting is archive-only (R3): her customer row and invoice are kept there, with the
    # law's reason; her phone and e-mail address, which no law keeps, went (C2).
    assert (tasks["accounting"].done, tasks["accounting"].kept) == (1, 2)
    assert tasks["accounting"].detail["reason"] == "fiscal-records"

    # Behind each connector: nothing names her any more.
    assert _names_anna(_crm_text(places)) == []
    assert places.crm.row("invoices", 1) is not None          # her CRM invoice: kept (R3)
    # The accounting database is archive-only (InFactor's declaration, "fiscal-records"):
    # her invoice and her name, address and IBAN stay, kept by law (R3) and counted so; her
    # phone and e-mail address, categories the fiscal rule does not keep, are emptied (C2).
    assert places.accounting.rows("invoices") == accounting_before["invoices"]
    assert places.accounting.row("customers", 1) == {
        **accounting_before["customers"][0], "phone": None, "email": None}
    assert [m for m in _mailbox_text(places) if _names_anna(m)] == []
    assert _directory_entry(places, "anna") is None
    assert _names_anna(json.dumps(_directory_entry(places, "carla"))) == []
    assert places.desk.user("anna") is None
    assert places.desk.issue("anna_printer") is None and places.desk.issue("anna_mail") is None
    assert _names_anna(_desk_text(places)) == []

    # Bram's and Eva's data stay where they were, everywhere.
    assert (places.crm.row("customers", 2), places.accounting.rows("customers")[1],
            places.desk.user("bram"), places.desk.issue("bram_offer"),
            _directory_entry(places, "bram")) == bram_before
    assert (places.crm.rows("contacts"), places.desk.user("eva"),
            _directory_entry(places, "eva")) == eva_before
    mails = _mailbox_text(places)
    assert [m for m in mails if "Subject: Offerte" in m and "Bram" in m]
    assert [m for m in mails if "Eva Visser" in m and "Nieuwe laptop" in m]
    eva_ticket = places.desk.issue("eva_vpn")
    assert eva_ticket is not None and eva_ticket["author"]["name"] == "Eva Visser"

    # The receipt: every system, nothing left for her, the accounting's reason (R3).
    request.refresh_from_db()
    assert request.status == Status.ANSWERED
    stored = {line["system"]: line for line in request.detail["receipt"]["systems"]}
    assert set(stored) == set(SYSTEMS)
    assert {system: line["remaining"] for system, line in stored.items()} == dict.fromkeys(
        SYSTEMS, 0)
    receipt = smtp.to(ANNA_REGISTER_EMAIL)[-1].get_content()
    lines = _receipt_lines(receipt)
    for system in SYSTEMS:
        assert "0 gegevens over voor u om" in lines[LABELS[system]], lines[LABELS[system]]
    kept = lines["Boekhouding"]
    assert "bewaard op grond van de wet (art. 52 Algemene wet inzake rijksbelastingen" in kept, \
        kept
    assert stored["accounting"]["remaining"] == 0      # kept by law is not left (Rt3)

    # Staff close it; `privacydesk check` (Rt3) finds the receipt complete; the audit chain,
    # every systems step on it, holds.
    assert staff.post(f"/staff/requests/{request.uid}/close/", {"note": ""}).status_code == 302
    request.refresh_from_db()
    assert request.status == Status.CLOSED
    failures, _info = erasure_lines()
    assert failures == []
    assert audit.verify().ok


def test_with_the_ticketing_system_down_the_erasure_waits_and_a_retry_completes_it(
        smtp, personas, officer, staff_client, six, monkeypatch,  # noqa: F811
        django_capture_on_commit_callbacks):
    places = six
    register_knows_her_other_address(personas.anna, personas.anna_sla)
    monkeypatch.setattr(erasing, "RETRY_AFTER", timedelta(0))
    monkeypatch.setenv("PRIVACYDESK_SYSTEM_TICKETING_URL",
                       f"http://{places.desk.server.api_key}@127.0.0.1:{closed_port()}/")

    request = _files_and_confirms(smtp)
    staff = staff_client("privacy_officer")
    with django_capture_on_commit_callbacks(execute=True):
        staff.post(f"/staff/requests/{request.uid}/erase/")
    _run_the_queue(django_capture_on_commit_callbacks, rounds=erasing.MAX_ATTEMPTS + 1)

    tasks = _tasks(request)
    ticketing = tasks["ticketing"]
    # Bounded: three tries, then failed, and open on the request.
    assert ticketing.status == SystemTask.FAILED
    assert ticketing.attempts == erasing.MAX_ATTEMPTS
    assert ticketing.error_kind == "unreachable"
    assert places.desk.server.api_key not in ticketing.error     # no credential (#16.2)
    tried = [e.detail_data for e in AuditEntry.objects.filter(action="systems.erase")
             .order_by("seq")]
    tries = [d["attempt"] for d in tried if d["system"] == "ticketing"]
    assert tries == [1, 2, 3]                            # each try on the audit chain
    for system in ("crm", "accounting", "mailbox", "directory"):
        assert tasks[system].status in (SystemTask.DONE, SystemTask.KEPT), system
    request.refresh_from_db()
    assert request.status == Status.VERIFIED            # never reported done; the clock runs
    assert "Bevestiging van verwijdering" not in smtp.to(ANNA_REGISTER_EMAIL)[-1].get_content()
    assert places.desk.user("anna") is not None          # Redmine still holds her

    page = staff.get(f"/staff/requests/{request.uid}/").content.decode()
    row = page[page.index(LABELS["ticketing"]):][:1500]
    assert "mislukt" in row and "niet bereikbaar" in row  # the status, and why, in Dutch
    assert places.desk.server.api_key not in page
    task_page = f"/staff/systems/tasks/{ticketing.pk}/"
    assert task_page in page                               # staff open the task from there

    # Redmine is back: staff try again from the task's page, and the receipt completes.
    monkeypatch.setenv("PRIVACYDESK_SYSTEM_TICKETING_URL", places.desk.server.url)
    with django_capture_on_commit_callbacks(execute=True):
        assert staff.post(task_page, {"step": "retry"}).status_code == 302
    _run_the_queue(django_capture_on_commit_callbacks)

    ticketing.refresh_from_db()
    assert ticketing.status == SystemTask.DONE and ticketing.remaining == 0, ticketing.error
    assert places.desk.user("anna") is None
    request.refresh_from_db()
    assert request.status == Status.ANSWERED
    lines = _receipt_lines(smtp.to(ANNA_REGISTER_EMAIL)[-1].get_content())
    assert "0 gegevens over voor u om" in lines[LABELS["ticketing"]]
    failures, _info = erasure_lines()                    # `privacydesk check`, Rt3
    assert failures == []
