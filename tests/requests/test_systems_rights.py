"""The data subject's rights reach the company's other systems (#16.3): Anna's access report
has a section per declared system, her erasure runs in each system as a task on the queue
and ends with a receipt saying how many records are left there and when it was searched
again, her correction reaches the CRM, and a system without a connector becomes a task for
its owner. The CRM is a real second PostgreSQL database (tests/systems/servers/sql.py: a
schema of its own, dropped afterwards); the queue is the real task table, run by the real
worker code.
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from django_tasks_db.management.commands import db_worker
from django_tasks_db.management.commands.db_worker import Worker

from privacydesk.policy import active
from privacydesk.policy.errors import RuleViolation
from privacydesk.requests import actions
from privacydesk.requests.models import DataSubjectRequest, Status
from privacydesk.systems import erasing, tasks
from privacydesk.systems.models import SystemTask
from tests.core.test_i18n_pages import english_msgids, untranslated
from tests.systems.walk_systems import REGISTER_SYSTEM

from ..systems.servers.sql import ANNA, Crm, closed_port, postgres_crm, postgres_fixture  # noqa: F401
from .conftest import ANNA as ANNA_EMAIL
from .helpers import verified

DATASET = (Path(__file__).parents[1] / "systems" / "connectors" / "sql_crm.toml").read_text()

SYSTEMS = REGISTER_SYSTEM + """
[[systems]]
id = "crm"
label = { nl = "Klantenbestand (CRM)", en = "Customer database (CRM)" }
owner = "privacy_officer"
operator = "own"
categories = ["names", "address", "phone", "email"]
roles = ["customer"]
purposes = ["agreement"]
identities = ["email", "name", "phone", "postcode_house_number", "customer_number"]
capabilities = ["find", "export", "correct", "erase", "scan"]
connector = "sql"
dataset = "systems/crm.toml"
hosts = ["127.0.0.1"]
"""

PAPER = """
[[systems]]
id = "archive_cabinet"
label = { nl = "Archiefkast", en = "Filing cabinet" }
owner = "privacy_officer"
operator = "own"
categories = ["names", "address"]
roles = ["customer"]
purposes = ["agreement"]
identities = ["name"]
capabilities = ["manual"]
connector = "manual"
"""

TICKETING = """
[[systems]]
id = "ticketing"
label = { nl = "Ticketsysteem (Redmine)", en = "Ticketing (Redmine)" }
owner = "privacy_officer"
operator = "own"
categories = ["names", "email", "phone"]
roles = ["customer", "contact"]
purposes = ["agreement"]
identities = ["email", "name", "phone"]
capabilities = ["find", "export", "anonymise", "scan"]
connector = "rest"
hosts = ["127.0.0.1"]
"""


def _policy(folder: Path, crm: Crm, *extra: str) -> Path:
    default = active.configured_path().read_text("utf-8")
    head = default[:default.index("\n[[systems]]") + 1]
    (folder / "systems").mkdir(exist_ok=True)
    (folder / "systems" / "crm.toml").write_text(f'schema = "{crm.schema}"\n' + DATASET)
    path = folder / "policy.toml"
    path.write_text(head + SYSTEMS + "".join(extra), "utf-8")
    return path


@pytest.fixture
def crm(postgres: Any) -> Iterator[Crm]:
    with postgres_crm(postgres) as database:
        yield database


@pytest.fixture
def declare(tmp_path: Path, crm: Crm, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """InFactor's policy with the register, the CRM (connected: its URL in the
    environment) and any of the extra systems; afterwards the policy before it."""
    before = active.configured_path()
    monkeypatch.setenv("PRIVACYDESK_SYSTEM_CRM_URL", crm.url)
    monkeypatch.setenv("PRIVACYDESK_SYSTEM_CRM_TIMEOUT", "5")

    def use(*extra: str) -> None:
        active.configure(_policy(tmp_path, crm, *extra))

    use()
    yield use
    active.configure(before)


def run_queue() -> None:
    """The real worker code over the task table: every ready task, then back. Inside the
    test's transaction the worker's `close_old_connections` would close the connection on
    PostgreSQL (autocommit is off there), ending the test's transaction: it is a no-op here
    (`privacydesk worker` itself runs outside any transaction, tests/jobs/test_worker.py)."""
    with mock.patch.object(db_worker, "close_old_connections", lambda: None):
        Worker(queue_names=["*"], interval=0, batch=True, backend_name="default",
               startup_delay=False, max_tasks=None, worker_id="tests-systems",
               excluded_queue_names=[]).run()


def _task(request: DataSubjectRequest, system: str, action: str) -> SystemTask:
    return SystemTask.objects.get(request_uid=request.uid, system=system, action=action)


# -- access (Rt1) and portability (Rt4) ------------------------------------------------------

def test_annas_access_report_has_a_section_per_system(smtp, personas, declare, crm, officer):
    declare(TICKETING)
    request = verified(smtp, "access", ANNA_EMAIL)
    document = actions.access_document(request, actor="po")   # what the review shows
    sections = {s["system"]: s for s in document["systems"]}
    assert sections["crm"]["label"] == "Klantenbestand (CRM)"
    assert sections["crm"]["state"] == "found"
    kinds = {r["kind"] for r in sections["crm"]["records"]}
    assert {"klant", "factuur", "notitie"} <= kinds
    assert "Telefoonnummers" in sections["crm"]["categories"]
    assert sections["ticketing"]["state"] == "not_connected"
    # The readable report names the systems in Dutch.
    from privacydesk.requests import render

    text = "\n".join(line for _, line in render.lines(document))
    assert "In onze andere systemen" in text and "Klantenbestand (CRM)" in text

    actions.send_export(request, actor="po")
    request.refresh_from_db()
    assert request.status == Status.ANSWERED
    found = _task(request, "crm", SystemTask.FIND)
    assert found.status == SystemTask.DONE and found.found >= 3
    # The ticketing system is declared but not connected here: listed, never blocking.
    assert _task(request, "ticketing", SystemTask.FIND).status == SystemTask.NOT_CONNECTED


def test_a_crm_that_cannot_be_reached_blocks_sending_until_staff_record_why(
        smtp, personas, declare, crm, monkeypatch, officer):
    secret_url = crm.url.replace("5432", str(closed_port()))
    monkeypatch.setenv("PRIVACYDESK_SYSTEM_CRM_URL", secret_url)
    request = verified(smtp, "access", ANNA_EMAIL)
    with pytest.raises(RuleViolation) as refused:
        actions.send_export(request, actor="po")
    assert refused.value.rule == "Rt1"
    request.refresh_from_db()
    assert request.status == Status.VERIFIED and not request.deliveries.exists()
    task = _task(request, "crm", SystemTask.FIND)
    assert task.status == SystemTask.FAILED and task.error_kind == "unreachable"
    assert crm.password not in task.error     # credentials never in errors (#16.2)

    tasks.resolve(task, actor="po", note="CRM is being migrated; answer follows separately")
    actions.send_export(request, actor="po")
    request.refresh_from_db()
    assert request.status == Status.ANSWERED
    assert _task(request, "crm", SystemTask.FIND).resolution.startswith("CRM is being")


def test_a_manual_system_blocks_sending_until_its_owner_confirms(smtp, personas, declare, crm,
                                                                   officer):
    declare(PAPER)
    request = verified(smtp, "access", ANNA_EMAIL)
    with pytest.raises(RuleViolation):
        actions.send_export(request, actor="po")
    task = _task(request, "archive_cabinet", SystemTask.FIND)
    assert task.status == SystemTask.MANUAL and task.owner_role == "privacy_officer"
    assert task.deadline == request.statement_deadline
    tasks.confirm_manual(task, actor="po", note="Map K-1001 nagekeken: offerte uit 2024")
    actions.send_export(request, actor="po")
    request.refresh_from_db()
    assert request.status == Status.ANSWERED


def test_annas_portability_zip_holds_the_crms_export(smtp, personas, declare, crm, officer):
    request = verified(smtp, "portability", ANNA_EMAIL)
    kind, files = actions.export_files(request, actor="po")
    archive = zipfile.ZipFile(io.BytesIO(files["export.zip"]))
    names = archive.namelist()
    assert any(n.startswith("systems/crm/") for n in names), names
    data = json.loads(archive.read("data.json"))
    assert data["systems"][0]["system"] == "crm" and data["systems"][0]["records"] >= 3


# -- erasure (Rt3) ---------------------------------------------------------------------------

def test_annas_erasure_reaches_the_crm_and_the_receipt_says_nothing_is_left(
        smtp, personas, declare, crm, officer, django_capture_on_commit_callbacks):
    request = verified(smtp, "erasure", ANNA_EMAIL)
    with django_capture_on_commit_callbacks(execute=True):
        done = actions.erase(request, actor="po")
    # The register is erased at once; the request waits for the CRM (never done before).
    assert done["answer"] == {"by": "e-mail", "answered": False, "waiting": ["crm"]}
    request.refresh_from_db()
    assert request.status == Status.VERIFIED
    assert _task(request, "crm", SystemTask.ERASE).status == SystemTask.QUEUED

    with django_capture_on_commit_callbacks(execute=True):
        run_queue()
    task = _task(request, "crm", SystemTask.ERASE)
    assert task.status == SystemTask.DONE, task.error
    assert task.remaining == 0 and task.researched_at is not None
    assert task.kept == 1          # her invoice: seven years (R3), with the reason
    assert not task.key_id         # the sealed subject is gone once settled
    # Her name, e-mail and phone are gone from the CRM, free text included.
    everything = json.dumps([crm.rows(t) for t in ("customers", "notes")], default=str)
    assert "Anna@Example.nl" not in everything and "06-12345678" not in everything
    assert "Anna de Vries" not in everything and "6-12345678" not in everything

    request.refresh_from_db()
    assert request.status == Status.ANSWERED
    receipt = request.detail["receipt"]["systems"]
    assert [(line["system"], line["status"], line["remaining"]) for line in receipt] == [
        ("crm", "done", 0)]
    mail = smtp.to(ANNA_EMAIL)[-1].get_content()
    assert "Klantenbestand (CRM)" in mail and "0 gegevens over voor u om" in mail


def test_a_failing_crm_is_retried_a_bounded_number_of_times_and_keeps_the_request_open(
        smtp, personas, declare, crm, monkeypatch, officer,
        django_capture_on_commit_callbacks):
    monkeypatch.setattr(erasing, "RETRY_AFTER", timedelta(0))
    monkeypatch.setenv("PRIVACYDESK_SYSTEM_CRM_URL",
                       crm.url.replace("5432", str(closed_port())))
    request = verified(smtp, "erasure", ANNA_EMAIL)
    with django_capture_on_commit_callbacks(execute=True):
        actions.erase(request, actor="po")
    for _ in range(erasing.MAX_ATTEMPTS + 1):
        with django_capture_on_commit_callbacks(execute=True):
            run_queue()
    task = _task(request, "crm", SystemTask.ERASE)
    assert task.status == SystemTask.FAILED and task.attempts == erasing.MAX_ATTEMPTS
    assert task.error_kind == "unreachable" and crm.password not in task.error
    request.refresh_from_db()
    assert request.status == Status.VERIFIED     # never reported done; the clock runs
    assert not smtp.to(ANNA_EMAIL)[-1].get_content().count("Bevestiging van verwijdering")

    # The CRM is back: staff try again, and now the receipt goes.
    monkeypatch.setenv("PRIVACYDESK_SYSTEM_CRM_URL", crm.url)
    with django_capture_on_commit_callbacks(execute=True):
        erasing.retry(task, actor="po")
    with django_capture_on_commit_callbacks(execute=True):
        run_queue()
    request.refresh_from_db()
    assert _task(request, "crm", SystemTask.ERASE).status == SystemTask.DONE
    assert request.status == Status.ANSWERED


def test_a_manual_systems_erasure_is_confirmed_by_its_owner_on_the_back_office(
        smtp, personas, declare, crm, officer, staff_client,
        django_capture_on_commit_callbacks):
    declare(PAPER)
    request = verified(smtp, "erasure", ANNA_EMAIL)
    with django_capture_on_commit_callbacks(execute=True):
        actions.erase(request, actor="po")
    with django_capture_on_commit_callbacks(execute=True):
        run_queue()
    request.refresh_from_db()
    assert request.status == Status.VERIFIED     # the filing cabinet is still open
    task = _task(request, "archive_cabinet", SystemTask.ERASE)
    client = staff_client("privacy_officer")
    listing = client.get("/staff/systems/tasks/").content.decode()
    assert "Archiefkast" in listing and request.reference in listing
    page = client.get(f"/staff/systems/tasks/{task.pk}/").content.decode()
    assert "Anna de Vries" in page               # whom to look for
    # Staff read Dutch: the task pages and the request page's systems part (#15).
    request_page = client.get(f"/staff/requests/{request.uid}/").content.decode()
    assert "Andere systemen" in request_page and "wacht op de eigenaar" in request_page
    msgids = english_msgids()
    for shown in (listing, page, request_page):
        assert untranslated(shown, msgids) == []
    with django_capture_on_commit_callbacks(execute=True):
        answer = client.post(f"/staff/systems/tasks/{task.pk}/",
                             {"confirmation": "Map K-1001 vernietigd", "done": "1"})
    assert answer.status_code == 302
    task.refresh_from_db()
    assert task.status == SystemTask.CONFIRMED and task.confirmed_by.startswith("privacy")
    request.refresh_from_db()
    assert request.status == Status.ANSWERED
    lines = {line["system"]: line for line in request.detail["receipt"]["systems"]}
    assert lines["archive_cabinet"]["confirmation"] == "Map K-1001 vernietigd"
    assert "Map K-1001 vernietigd" in smtp.to(ANNA_EMAIL)[-1].get_content()


# -- correction (Rt2) ------------------------------------------------------------------------

def test_annas_new_phone_number_reaches_the_crm(smtp, personas, declare, crm, officer):
    from privacydesk.register.models import Phone

    request = verified(smtp, "rectification", ANNA_EMAIL)
    phone = Phone.objects.get(person=personas.anna)
    actions.correct(request, "phone", phone.pk, {"number": "+31687650000"}, actor="po")
    task = _task(request, "crm", SystemTask.CORRECT)
    assert task.status == SystemTask.DONE and task.done >= 1, task.error
    assert crm.row("customers", ANNA)["phone"] == "+31687650000"


def test_a_correction_in_a_manual_system_is_a_task_for_its_owner(smtp, personas, declare, crm,
                                                                  officer):
    from privacydesk.register.models import Name

    declare(PAPER)
    request = verified(smtp, "rectification", ANNA_EMAIL)
    name = Name.objects.get(person=personas.anna)
    actions.correct(request, "names", name.pk, {"family_name": "de Vries-Bos"}, actor="po")
    task = _task(request, "archive_cabinet", SystemTask.CORRECT)
    assert task.status == SystemTask.MANUAL and "family_name" in task.detail["fields"]
    assert _task(request, "crm", SystemTask.CORRECT).status == SystemTask.DONE
    assert crm.row("customers", ANNA)["name"] == "Anna de Vries-Bos"


def test_the_clock_tick_answers_an_erasure_whose_systems_settled_without_the_receipt(
        smtp, personas, declare, crm, officer, monkeypatch,
        django_capture_on_commit_callbacks):
    from privacydesk.requests import clock

    request = verified(smtp, "erasure", ANNA_EMAIL)
    with django_capture_on_commit_callbacks(execute=True):
        actions.erase(request, actor="po")
    # The worker stops right after the CRM's last try: the receipt was never sent.
    monkeypatch.setattr(erasing, "settled", [])
    with django_capture_on_commit_callbacks(execute=True):
        run_queue()
    request.refresh_from_db()
    assert _task(request, "crm", SystemTask.ERASE).status == SystemTask.DONE
    assert request.status == Status.VERIFIED
    clock.tick()
    request.refresh_from_db()
    assert request.status == Status.ANSWERED
    assert "Klantenbestand (CRM)" in smtp.to(ANNA_EMAIL)[-1].get_content()
