"""`privacydesk check` on the other systems (#16.3): Rt3 fails when an erasure receipt does not
cover a system holding the person's categories, when a system still held records at the
re-search, or when an erasure was answered while a system's task was open; C2 fails when a
connected system was never scanned or its last scan is older than its scan interval."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from privacydesk.check.categories import categories_declared
from privacydesk.check.registry import FAIL
from privacydesk.check.rights import erasures
from privacydesk.requests import actions
from privacydesk.requests.models import DataSubjectRequest, Status
from privacydesk.systems.models import SystemScan, SystemTask

from ..systems.servers.sql import postgres_fixture  # noqa: F401 - the session database
from .conftest import ANNA as ANNA_EMAIL
from .helpers import verified
from .test_systems_rights import crm, declare, run_queue  # noqa: F401 - fixtures


@pytest.fixture
def annas_erasure(smtp, personas, declare, crm, officer,  # noqa: F811
                  django_capture_on_commit_callbacks) -> DataSubjectRequest:
    """Anna's erasure, carried out in the register and the CRM, receipt sent."""
    request = verified(smtp, "erasure", ANNA_EMAIL)
    with django_capture_on_commit_callbacks(execute=True):
        actions.erase(request, actor="po")
    with django_capture_on_commit_callbacks(execute=True):
        run_queue()
    request.refresh_from_db()
    assert request.status == Status.ANSWERED
    return request


def _crm_line(request: DataSubjectRequest, **changes) -> None:
    receipt = request.detail["receipt"]
    lines = [({**line, **changes} if line["system"] == "crm" else line)
             for line in receipt["systems"]]
    if changes.get("drop"):
        lines = [line for line in lines if line["system"] != "crm"]
    request.detail = {**request.detail, "receipt": {**receipt, "systems": lines}}
    request.save(update_fields=["detail"])


def test_annas_erasure_in_every_system_passes_rt3(annas_erasure):
    assert erasures().status != FAIL


def test_a_receipt_that_leaves_out_the_crm_fails_rt3(annas_erasure):
    _crm_line(annas_erasure, drop=True)
    result = erasures()
    assert result.status == FAIL
    assert f"erasure {annas_erasure.reference}: the receipt does not cover crm" in result.details


def test_records_left_at_the_re_search_fail_rt3(annas_erasure):
    _crm_line(annas_erasure, remaining=2)
    result = erasures()
    assert result.status == FAIL
    assert (f"erasure {annas_erasure.reference}: crm still held 2 records at the re-search"
            in result.details)


def test_an_erasure_answered_while_a_system_failed_fails_rt3(annas_erasure):
    SystemTask.objects.filter(request_uid=annas_erasure.uid,
                              action=SystemTask.ERASE).update(status=SystemTask.FAILED)
    result = erasures()
    assert result.status == FAIL
    assert (f"erasure {annas_erasure.reference}: answered while a system's erasure is still "
            "open") in result.details


@pytest.mark.dates
def test_a_connected_system_never_scanned_or_scanned_too_long_ago_fails_c2(db, monkeypatch):
    # InFactor's mailbox: scan every 3 months; connected here by its URL.
    monkeypatch.setenv("PRIVACYDESK_SYSTEM_MAILBOX_URL", "imaps://info:pw@127.0.0.1:993/")
    result = categories_declared()
    assert result.status == FAIL
    assert any(d.startswith("system mailbox was never scanned") for d in result.details)

    now = timezone.now()
    old = SystemScan.objects.create(system="mailbox", started_at=now - timedelta(days=120),
                                    finished_at=now - timedelta(days=120))
    result = categories_declared()
    assert any(d.startswith("system mailbox: last scan on") for d in result.details)

    old.delete()
    SystemScan.objects.create(system="mailbox", started_at=now - timedelta(days=10),
                              finished_at=now - timedelta(days=10))
    result = categories_declared()
    assert not any(d.startswith("system mailbox") for d in result.details)
    # The other declared systems are not connected here: named, not failed.
    assert "system ticketing is declared but not connected here: not scanned" in result.details


def test_a_last_scan_that_found_categories_not_allowed_there_fails_c2(db, monkeypatch):
    # The shared mailbox may hold names, address, phone and e-mail; its last scan saw IBANs
    # (financial) in INBOX text: named by place and category, never by value (C2).
    monkeypatch.setenv("PRIVACYDESK_SYSTEM_MAILBOX_URL", "imaps://info:pw@127.0.0.1:993/")
    now = timezone.now()
    SystemScan.objects.create(
        system="mailbox", started_at=now - timedelta(days=1), finished_at=now - timedelta(days=1),
        sampled=200, breaches=3, findings=[
            {"where": "INBOX:text", "detector": "iban", "count": 3, "category": "financial",
             "allowed": False},
            {"where": "INBOX:From", "detector": "email", "count": 40, "category": "email",
             "allowed": True}])
    result = categories_declared()
    assert result.status == FAIL
    (line,) = [d for d in result.details if d.startswith("system mailbox")]
    assert "found 3 value(s) of categories the policy does not allow there" in line
    assert "INBOX:text (financial)" in line and "INBOX:From" not in line

    SystemScan.objects.create(system="mailbox", started_at=now, finished_at=now, sampled=200,
                              breaches=0, findings=[])
    result = categories_declared()
    assert not any(d.startswith("system mailbox") for d in result.details)
