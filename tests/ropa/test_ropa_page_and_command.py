"""The record of processing activities in the back office (/staff/ropa/, with PDF and CSV
downloads) and on the command line (`privacydesk ropa`): the same record as the policy
gives, in Dutch for staff, for the privacy officer (view_audit) only."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from django.test import Client

from privacydesk.policy.active import get_policy
from privacydesk.ropa import render
from privacydesk.ropa.record import build
from tests.console import run_privacydesk
from tests.staff.routes import all_routes

pytestmark = pytest.mark.django_db


def test_the_privacy_officer_reads_the_record_in_dutch_with_every_system(staff_client):
    page = staff_client("privacy_officer").get("/staff/ropa/", HTTP_ACCEPT_LANGUAGE="nl")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Register van verwerkingsactiviteiten" in html
    for system in get_policy().systems:
        assert system.label.get("nl") in html
    assert "Downloaden als PDF" in html and 'href="/staff/ropa/verwerkingsregister.pdf"' in html


def test_the_downloads_are_the_same_record_as_pdf_and_csv(staff_client):
    officer = staff_client("privacy_officer")
    pdf = officer.get("/staff/ropa/verwerkingsregister.pdf", HTTP_ACCEPT_LANGUAGE="nl")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF-")
    assert "attachment" in pdf["Content-Disposition"]
    answer = officer.get("/staff/ropa/verwerkingsregister.csv", HTTP_ACCEPT_LANGUAGE="nl")
    assert answer.status_code == 200
    rows = list(csv.reader(io.StringIO(answer.content.decode("utf-8"))))
    assert rows[1:] == [[e.section, e.item, e.field, e.value]
                        for e in build(get_policy(), "nl").entries]


def test_other_roles_are_refused_and_not_shown_the_menu_link(staff_client):
    sales = staff_client("sales")
    for path in ("/staff/ropa/", "/staff/ropa/verwerkingsregister.pdf",
                 "/staff/ropa/verwerkingsregister.csv"):
        assert sales.get(path).status_code == 403
    assert 'href="/staff/ropa/"' not in sales.get("/staff/tokens/").content.decode()
    officer = staff_client("privacy_officer")
    assert 'href="/staff/ropa/"' in officer.get("/staff/tokens/").content.decode()


def test_the_pages_are_closed_to_visitors_and_found_by_the_route_walk():
    paths = {r.path for r in all_routes()}
    assert {"/staff/ropa/", "/staff/ropa/verwerkingsregister.pdf",
            "/staff/ropa/verwerkingsregister.csv"} <= paths
    answer = Client().get("/staff/ropa/")
    assert answer.status_code == 302 and answer["Location"].startswith("/staff/login/")


def test_the_command_prints_the_record_in_dutch_by_default():
    outcome = run_privacydesk("ropa")
    assert outcome.exit_code == 0, outcome.output
    assert outcome.stdout == render.text(build(get_policy(), "nl"))
    assert outcome.stdout.startswith("Register van verwerkingsactiviteiten (art. 30 AVG)")


def test_the_command_writes_english_csv_and_pdf_files(tmp_path: Path):
    target = tmp_path / "ropa.csv"
    outcome = run_privacydesk("ropa", "--lang", "en", "--format", "csv", "--output",
                              str(target))
    assert outcome.exit_code == 0, outcome.output
    assert target.read_bytes().decode("utf-8") == render.csv_text(build(get_policy(), "en"))
    assert target.read_text("utf-8").startswith("section,item,field,value")
    pdf = tmp_path / "ropa.pdf"
    assert run_privacydesk("ropa", "--format", "pdf", "--output", str(pdf)).exit_code == 0
    assert pdf.read_bytes().startswith(b"%PDF-")


def test_a_pdf_without_an_output_file_is_refused_naming_the_option():
    outcome = run_privacydesk("ropa", "--format", "pdf")
    assert outcome.exit_code == 2
    assert "--output" in outcome.stderr and outcome.stdout == ""


def test_an_unwritable_output_is_one_error_line(tmp_path: Path):
    outcome = run_privacydesk("ropa", "--output", str(tmp_path / "missing" / "ropa.txt"))
    assert outcome.exit_code == 1
    assert outcome.stderr.startswith("Error: --output: cannot write")
