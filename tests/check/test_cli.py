"""`privacydesk check`: exit status 0 on a clean register, 1 once a promise is broken;
JSON, Markdown and a PDF report that lists every promise id."""

from __future__ import annotations

import json
import shutil
import subprocess

from privacydesk.check import PROMISES
from privacydesk.register.models import Name
from tests.console import run_privacydesk

from .conftest import SECRETS


def _run(*args: str):
    return run_privacydesk("check", *args)


def test_a_clean_register_exits_0_and_a_broken_promise_exits_1(personas):
    clean = _run()
    assert clean.exit_code == 0, clean.output
    assert "Sec1" in clean.output and "0 fail" in clean.output
    Name.objects.filter(person=personas.eva).update(source="scraped")
    broken = _run()
    assert broken.exit_code == 1
    assert "C1       fail" in broken.output
    assert not [s for s in SECRETS if s in broken.output]


def test_json_lists_every_promise(personas):
    outcome = _run("--format", "json")
    document = json.loads(outcome.output)
    assert [r["promise"] for r in document["results"]] == list(PROMISES)
    assert document["totals"]["fail"] == 0


def test_markdown_and_only(personas):
    outcome = _run("--format", "md", "--only", "C3", "--only", "Sec4")
    assert outcome.exit_code == 0
    assert "| C3 | pass |" in outcome.output and "| Sec4 | pass |" in outcome.output
    assert "| C1 |" not in outcome.output


def test_an_unknown_promise_id_is_a_usage_error(personas):
    outcome = _run("--only", "X1")
    assert outcome.exit_code == 2
    assert "unknown promise id 'X1'" in outcome.output


def test_the_pdf_report_names_every_promise(personas, tmp_path):
    target = tmp_path / "check.pdf"
    Name.objects.filter(person=personas.eva).update(source="scraped")
    outcome = _run("--pdf", str(target))
    assert outcome.exit_code == 1
    assert target.read_bytes().startswith(b"%PDF")
    assert shutil.which("pdftotext"), "poppler-utils provide pdftotext"
    text = subprocess.run(["pdftotext", str(target), "-"], check=True, capture_output=True,
                          text=True).stdout
    for promise in PROMISES:
        assert f"{promise} [" in text, promise
    assert "C1 [fail]" in text
    assert not [s for s in SECRETS if s in text]
