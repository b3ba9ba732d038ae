"""Art. 15(1)(c) and Art. 19 from the log: who actually received the person's data shows in
the access report, and a correction or erasure lists the recipients to inform."""

from __future__ import annotations

from privacydesk.disclosure.gate import disclose
from privacydesk.disclosure.hooks import access_rows, recipients_of
from privacydesk.requests import render, report
from privacydesk.requests.recipients import notify_recipients

from .conftest import ACTOR, HOSTING


def _log(personas):
    disclose(personas.anna, HOSTING, ["names", "email"], "agreement", actor=ACTOR)
    disclose(personas.anna, "Belastingdienst", ["names"], "legal_obligation", actor=ACTOR,
             legal_obligation="tax_inspection")
    disclose(personas.carla, "Belastingdienst", ["financial"], "legal_obligation",
             actor=ACTOR, legal_obligation="payroll_tax")


def test_recipients_of_reads_the_log_per_category(personas):
    _log(personas)
    assert recipients_of(personas.anna) == ["Belastingdienst", HOSTING]
    assert recipients_of(personas.anna, ["email"]) == [HOSTING]
    assert recipients_of(personas.anna, "names") == ["Belastingdienst", HOSTING]
    assert recipients_of(personas.anna, ["financial"]) == []
    assert recipients_of(personas.olaf) == []


def test_a_correction_lists_the_recipients_that_received_the_category(personas):
    _log(personas)
    told = notify_recipients(personas.carla, "financial", request=None, actor=ACTOR)
    assert told == ["Belastingdienst"]
    assert notify_recipients(personas.carla, "names", request=None, actor=ACTOR) == []


def test_the_access_report_lists_every_disclosure_in_the_persons_language(personas):
    _log(personas)
    built = report.build(personas.anna, actor=ACTOR, lang="nl")
    rows = built["disclosures"]
    assert [(r["recipient"], r["basis"]) for r in rows] == [
        (HOSTING, "agreement"), ("Belastingdienst", "legal_obligation")]
    assert rows[0]["category_labels"] == ["E-mailadressen", "Voor- en achternamen"]
    assert rows[1]["legal_basis_label"] == "wettelijke verplichting"
    assert ("Inzage in de fiscale administratie door de Belastingdienst: Belastingdienst, "
            "art. 47 en 52 Algemene wet inzake rijksbelastingen") in render.html(built)
    # The report's hook passes only the person today; the rows take a language too (the
    # lead is asked to pass the report's `lang` in requests/report.py).
    english = access_rows(personas.anna, "en")
    assert english[0]["purpose"] == "Executing an agreement"
    assert english[1]["legal_basis_label"] == "legal obligation"
