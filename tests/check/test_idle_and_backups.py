"""`check` says what it examined: a promise with nothing to examine is `idle`, never `pass`;
every report counts pass / idle / warn / fail / not-verifiable apart; only `fail` makes the
exit status 1. Sec1 fails without a backup as recent as the policy asks (Art. 32(1)(c))."""

from __future__ import annotations

import json
import shutil
import subprocess
from datetime import timedelta
from pathlib import Path

import pytest

from privacydesk.check import FAIL, IDLE, PASS, PROMISES, report, run_checks
from privacydesk.policy import active, clock
from privacydesk.retention import journal
from privacydesk.retention.models import BackupRecord
from tests.console import run_privacydesk

from .conftest import details_of, status_of

# Every promise whose check looks at a population (roles, data, callbacks, recipients,
# disclosures, offenders, requests, staff, incidents, grants): on an empty register there is
# nothing to examine, so each says "idle", not "pass".
POPULATION_CHECKS = {"S1", "C1", "C2", "C3", "C4", "C5", "P1", "P2", "P3", "R1", "R2", "R3",
                     "D1", "D2", "D3", "W2", "Rt1", "Rt2", "Rt3", "Rt4", "Rt6", "Sec4", "Sec5",
                     "A1", "A2"}
VOORBEELD = Path(__file__).resolve().parents[1] / "policy" / "fixtures" / "voorbeeld.toml"


def test_an_empty_register_is_idle_where_there_is_nothing_to_check(db):
    results = {r.promise: r for r in run_checks()}
    idle = {p for p, r in results.items() if r.status == IDLE}
    assert idle == POPULATION_CHECKS
    for promise in idle:
        assert results[promise].summary.startswith("nothing to check yet"), promise
    # What it can look at on an empty install it does look at: configuration, served pages.
    assert {p for p, r in results.items() if r.status == PASS} == {"W1", "W3", "Sec3", "Id1"}


def test_idle_becomes_pass_once_there_is_something_to_examine(personas):
    by = {r.promise: r for r in run_checks(["S1", "C3", "P1", "Sec5"])}
    assert {r.status for r in by.values()} == {PASS}
    assert by["C3"].summary == "2 rows of financial data, all allowed"


def test_a_failure_is_never_hidden_behind_idle(db):
    from privacydesk.callbacks.models import CallbackRequest, WrittenContact
    from privacydesk.register import services

    # The only written contact on record came without any call: P2 has one thing to
    # examine and it is wrong.
    bram = services.create_person(actor="tester", purpose="callback", source="contact_form")
    callback = CallbackRequest.objects.create(person=bram)
    WrittenContact.objects.create(callback=callback, channel="letter", actor="tester")
    assert status_of("P2") == FAIL


def test_every_report_counts_idle_apart_from_pass(personas, tmp_path):
    results = run_checks()
    counts = report.totals(results)
    assert list(counts) == ["pass", "idle", "warn", "fail", "not-verifiable"]
    assert counts["idle"] > 0 and counts["fail"] == 0
    assert sum(counts.values()) == len(PROMISES)
    line = (f"{len(PROMISES)} promises: {counts['pass']} pass, {counts['idle']} idle, "
            f"{counts['warn']} warn, 0 fail, {counts['not-verifiable']} not-verifiable")
    assert report.render(results, "table").splitlines()[-1] == f"summary: {line}"
    document = json.loads(report.render(results, "json"))
    assert document["totals"] == counts and document["summary"] == line
    assert f": {line}." in report.render(results, "md")
    target = report.write_pdf(results, tmp_path / "check.pdf")
    assert shutil.which("pdftotext"), "poppler-utils provide pdftotext"
    text = subprocess.run(["pdftotext", str(target), "-"], check=True, capture_output=True,
                          text=True).stdout
    assert f"{counts['idle']} idle" in text and "P2 [idle]" in text


def test_idle_and_warn_exit_0_only_a_failure_exits_1(personas):
    outcome = run_privacydesk("check")
    assert outcome.exit_code == 0, outcome.output
    assert "P2       idle" in outcome.output and "Rt5      warn" in outcome.output
    BackupRecord.objects.all().delete()
    assert run_privacydesk("check").exit_code == 1


# -- Sec1: a backup as recent as the policy asks ------------------------------------------------
def test_sec1_without_any_backup_fails(personas):
    BackupRecord.objects.all().delete()
    assert status_of("Sec1") == FAIL
    assert "no backup on disk; the policy asks for one at least every 1 day" in \
        details_of("Sec1")


def test_sec1_a_backup_whose_file_is_gone_fails(personas):
    (journal.backup_dir() / personas.backup.file_name).unlink()
    assert status_of("Sec1") == FAIL
    assert "latest backup: none" in details_of("Sec1")


@pytest.mark.dates
def test_sec1_a_backup_older_than_the_policy_interval_fails(personas):
    # Taken yesterday (any hour): within InFactor's daily interval. The day before: too old.
    yesterday = clock.start_of(clock.today() - timedelta(days=1))
    BackupRecord.objects.update(taken_at=yesterday)
    assert status_of("Sec1") == PASS
    BackupRecord.objects.update(taken_at=yesterday - timedelta(seconds=1))
    assert status_of("Sec1") == FAIL
    assert "is 2 days old; the policy asks for one at least every 1 day" in details_of("Sec1")


@pytest.mark.dates
def test_sec1_takes_the_interval_from_the_policy(personas):
    BackupRecord.objects.update(taken_at=clock.now() - timedelta(days=5))
    assert status_of("Sec1") == FAIL
    active.configure(VOORBEELD)  # Voorbeeld BV backs up weekly
    try:
        (result,) = run_checks(["Sec1"])
    finally:
        active.configure(None)
    assert result.status == PASS, result.details
    assert any("at most 7 days old" in line for line in result.details)


def test_w1_and_sec3_say_plainly_that_they_read_configuration(personas):
    by = {r.promise: r for r in run_checks(["W1", "Sec3"])}
    assert by["W1"].status == PASS and by["W1"].summary.startswith(
        "configuration and database schema read (no traffic observed): ")
    assert by["Sec3"].status == PASS and by["Sec3"].summary.startswith(
        "configuration read (settings) for the guard and deny-by-default routes; CSP, frame "
        "and nosniff headers configured and seen on the served page /nl/; ")


def test_p1_with_only_open_callback_requests_is_idle(db):
    from privacydesk.callbacks.models import CallbackRequest
    from privacydesk.register import services

    # Bram asked to be called back and has not been called yet: nothing shows whether the
    # promise was kept, so P1 is idle (the open request is listed), not "pass".
    bram = services.create_person(actor="tester", purpose="callback", source="contact_form")
    CallbackRequest.objects.create(person=bram)
    (p1,) = run_checks(["P1"])
    assert p1.status == IDLE
    assert p1.summary == "nothing to check yet: no callback request closed"
    assert p1.details == ["1 open callback request, 1 not yet called"]
