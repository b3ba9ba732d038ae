"""Rt1 (GDPR Art. 15), issue #15: the access report the person receives (HTML and PDF)
quotes the request's reference (VZ-…), never the person's register id; it is on the
controller's letterhead and addressed to the requester; the Dutch text says AVG."""

from __future__ import annotations

import io
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

from privacydesk.requests import actions, render, report

from .conftest import ANNA
from .helpers import verified

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.dates]


def _text_of_pdf(data: bytes, folder: Path) -> str:
    assert shutil.which("pdftotext"), "poppler-utils provide pdftotext"
    (folder / "report.pdf").write_bytes(data)
    return subprocess.run(["pdftotext", "-layout", str(folder / "report.pdf"), "-"],
                          check=True, capture_output=True, text=True).stdout


def test_annas_report_quotes_her_request_and_is_addressed_to_her(smtp, personas, tmp_path):
    request = verified(smtp, "access", ANNA)
    request.set_contact(name="Anna de Vries", email=ANNA)
    request.save()
    _, files = actions.export_files(request, actor="po")
    page = files["report.html"].decode()
    assert request.reference in page and str(personas.anna.ref) not in page
    assert "Kenmerk van uw verzoek" in page
    assert '<p class="letterhead">InFactor' in page and "Eeldersingel 40" in page
    assert '<p class="addressee">Anna de Vries</p>' in page
    assert "GDPR" not in page and "Art. 6(1)(b) AVG" in page

    text = _text_of_pdf(files["report.pdf"], tmp_path)
    assert request.reference in text and str(personas.anna.ref) not in text
    assert text.lstrip().startswith("InFactor") and "Anna de Vries" in text
    assert "GDPR" not in text and "AVG" in text


def test_the_english_report_keeps_gdpr(smtp, personas):
    request = verified(smtp, "access", ANNA, lang="en")
    document = actions.addressed(request, report.build(personas.anna, actor="po", lang="en"))
    page = render.html(document)
    assert request.reference in page and "Reference of your request" in page
    assert "Art. 6(1)(b) GDPR" in page and "AVG" not in page


def test_a_letter_report_carries_the_postal_address(smtp, personas):
    document = render.for_request(report.build(personas.anna, actor="po", lang="nl"),
                                  reference="VZ-1A2B3C4D", name="Anna de Vries",
                                  address="Herestraat 12\n9711 LM  Groningen\n")
    addressee = [text for style, text in render.lines(document) if style == "addressee"]
    assert addressee == ["Anna de Vries", "Herestraat 12", "9711 LM  Groningen"]


def test_the_report_is_dated_on_the_controllers_calendar_not_in_utc(smtp, personas):
    # Made at 00:30 in Amsterdam on 7 December is 23:30 UTC on the 6th: the person reads
    # the 7th, the day their request was received (walk (b) of #15 showed the 6th).
    document = report.build(personas.anna, actor="po", lang="nl")
    document["generated_at"] = "2026-12-06T23:30:00+00:00"
    texts = [text for _, text in render.lines(document)]
    assert any(text.endswith("Opgesteld op: 2026-12-07") for text in texts), texts
    # Only the report's own date is asked about: under a frozen clock the personas' data may
    # themselves be dated the 6th.
    assert not any("Opgesteld op: 2026-12-06" in text for text in texts), texts


def test_the_person_s_own_values_are_not_rewritten(smtp, personas):
    document = report.build(personas.anna, actor="po", lang="nl")
    document["data"][0]["values"] = {"note": "GDPR-training gevolgd"}
    assert any("GDPR-training gevolgd" in text for _, text in render.lines(document))


def test_the_zip_sent_to_anna_holds_the_addressed_report(smtp, personas):
    request = verified(smtp, "access", ANNA)
    _, files = actions.export_files(request, actor="po")
    with zipfile.ZipFile(io.BytesIO(actions.delivery.bundle(files))) as bundle:
        assert request.reference in bundle.read("report.html").decode()
