"""The erasure receipt's line for a system where the law keeps her records (R3, #16.3): the
person reads the law that keeps them, in her language, never the policy's rule id; and what
the law keeps is not "left" (Rt3)."""

from __future__ import annotations

from privacydesk.retention.erasure_receipt import SystemLine

ACCOUNTING = dict(system="accounting", label_nl="Boekhouding", label_en="Accounting",
                  status="kept", kept=2, remaining=0,
                  researched_at="2026-12-07T13:02:00+00:00")


def test_annas_invoices_kept_in_the_accounting_name_the_tax_law_not_a_rule_id():
    line = SystemLine(**ACCOUNTING, reason="fiscal-records")
    dutch, english = line.render("nl"), line.render("en")
    assert dutch == ("- Boekhouding: 2 bewaard op grond van de wet (art. 52 Algemene wet "
                     "inzake rijksbelastingen); opnieuw gezocht om 14:02")
    assert "(Section 52 General Tax Act)" in english
    assert "fiscal-records" not in dutch + english


def test_a_reason_the_connector_wrote_is_shown_as_written():
    line = SystemLine(**{**ACCOUNTING, "status": "done", "done": 3, "kept": 1},
                      reason="R3: facturen worden 7 jaar bewaard (art. 52 AWR)")
    assert line.render("nl") == (
        "- Boekhouding: 3 verwijderd of geanonimiseerd; opnieuw gezocht: 0 gegevens over "
        "voor u om 14:02; 1 bewaard op grond van de wet (R3: facturen worden 7 jaar bewaard "
        "(art. 52 AWR)); opnieuw gezocht om 14:02")
