"""Rt1 (GDPR Art. 15): the access report holds every datum with the Art. 15 facts taken
from the policy and the register, readable (HTML, PDF) and machine-readable (JSON), in
Dutch or English."""

from __future__ import annotations

from datetime import timedelta

import pytest

from privacydesk.policy import clock
from privacydesk.register import services as register
from privacydesk.requests import render, report
from privacydesk.retention.services import create_hold
from privacydesk.vault.models import AuditEntry

from .conftest import ANNA

pytestmark = [pytest.mark.django_db, pytest.mark.dates]


def _by_category(doc):
    return {d["category"]: d for d in doc["data"]}


def test_annas_report_lists_every_datum_with_its_art15_facts(personas):
    doc = report.build(personas.anna, actor="po", lang="nl")
    data = _by_category(doc)
    assert set(data) == {"names", "email", "address", "phone"}
    assert data["email"]["values"] == {"address": ANNA}  # decrypted for her
    address = data["address"]
    assert address["purpose_label"] == "Uitvoeren van een overeenkomst"
    assert address["legal_basis_article"] == "Art. 6(1)(b) GDPR"
    assert address["source_label"] == "Gebruik van de diensten"  # C1
    assert address["agreement"] == "SLA-2025-007"
    assert address["recipients"] == ["Boekhoud BV"]  # D2 recipient of her SLA
    assert data["phone"]["recipients"] == []  # Boekhoud BV does not get her phone number
    # R1: the running SLA keeps the date unknown; the contact data have a date.
    assert address["retention"]["until"] is None and address["retention"]["known"] is False
    assert data["phone"]["retention"]["until"] is not None
    assert doc["complaint"]["authority"] == "Autoriteit Persoonsgegevens"
    assert any("art. 17" in r for r in doc["rights"])
    assert doc["recipients"][0]["purpose"] == "facturen versturen"
    assert doc["person"]["roles"][0]["role_label"] == "klant"


def test_the_report_reading_is_audited_with_the_access_purpose(personas):
    report.build(personas.anna, actor="po", lang="en")
    entry = AuditEntry.objects.filter(action="read").last()
    assert entry.purpose == "access_request" and entry.person_ref == str(personas.anna.ref)


def test_the_report_is_in_english_when_asked_in_english(personas):
    doc = report.build(personas.anna, actor="po", lang="en")
    assert _by_category(doc)["names"]["category_label"] == "First and last names"
    assert "Autoriteit Persoonsgegevens" in render.html(doc)
    assert "Data we hold about you" in render.html(doc)


def test_a_restricted_person_still_gets_the_report_with_restricted_data_marked(personas):
    register.set_restricted(personas.anna, True, actor="po", reason="dispute")
    doc = report.build(personas.anna, actor="po", lang="nl")
    assert doc["person"]["restricted"] is True and len(doc["data"]) == 4


def test_a_legal_hold_is_in_the_report(personas):
    create_hold(personas.carla, "Arbeidsgeschil 2026-01", actor="po",
                until=clock.today() + timedelta(days=90))
    doc = report.build(personas.carla, actor="po", lang="nl")
    assert doc["legal_holds"][0]["reason"] == "Arbeidsgeschil 2026-01"
    assert "Arbeidsgeschil" in render.html(doc)


def test_the_pdf_is_a_pdf_and_prints_names_outside_latin1(personas):
    register.add_datum(personas.anna, "names", {"given_names": "Łucja", "family_name": "Ząbek"},
                       source="contact_form", purpose="callback", basis="consent", actor="seed")
    pdf = render.pdf(report.build(personas.anna, actor="po", lang="nl"))
    assert pdf.startswith(b"%PDF") and len(pdf) > 2000


def test_html_escapes_what_people_typed(personas):
    register.add_datum(personas.bram, "address", {
        "street": "<script>x</script>", "house_number": "1", "postcode": "9711 LM",
        "city": "Groningen", "country": "NL"}, source="contact_form", purpose="callback",
        basis="consent", actor="seed")
    html = render.html(report.build(personas.bram, actor="po", lang="nl"))
    assert "<script>x" not in html and "&lt;script&gt;" in html


def test_the_reports_holds_and_dates_are_the_retention_modules_own(personas):
    """Art. 15(1)(d): the report reads holds, contact and agreements in one query of its
    own; what it shows must equal the retention module's ORM path (holds_for, and the
    policy's decision on person_facts) for every datum."""
    from privacydesk.policy.active import get_policy
    from privacydesk.register.models import DATUM_MODELS
    from privacydesk.retention.facts import datum_facts, person_facts
    from privacydesk.retention.services import holds_for, lift_hold, note_contact

    carla = personas.carla
    create_hold(carla, "Eerste geschil", actor="po", until=clock.today() + timedelta(days=30))
    lifted = create_hold(carla, "Opgeheven geschil", actor="po")
    lift_hold(lifted, actor="po")
    create_hold(carla, "Tweede geschil", actor="po", until=clock.today() + timedelta(days=400))
    note_contact(carla, clock.today() - timedelta(days=3))
    doc = report.build(carla, actor="po", lang="en")
    assert [h["reason"] for h in doc["legal_holds"]] == [
        h.reason for h in holds_for(carla)] == ["Tweede geschil", "Eerste geschil"]
    facts = person_facts(carla)
    policy = get_policy()
    for entry in doc["data"]:
        datum = DATUM_MODELS[entry["category"]].objects.get(pk=entry["id"])
        decision = policy.retention_decision(entry["category"], datum.purpose,
                                             datum.legal_basis, datum_facts(datum, facts))
        until = datum.delete_after or decision.date
        assert entry["retention"] == {
            "until": until.isoformat() if until else None, "rule": decision.rule_id,
            "law": decision.law.get("en"), "held": decision.held, "known": until is not None}


def test_disclosure_sources_answer_in_the_reports_language(personas, monkeypatch):
    """Art. 15(1)(c): each registered disclosure source is asked for the person's rows in
    the language of the report, so the labels match the rest of it."""
    asked = []

    def source(person, lang):
        asked.append((person.pk, lang))
        return [{"recipient": "Boekhoud BV", "lang": lang}]

    monkeypatch.setattr(report, "DISCLOSURE_SOURCES", [source])
    doc = report.build(personas.anna, actor="po", lang="en")
    assert asked == [(personas.anna.pk, "en")]
    assert doc["disclosures"] == [{"recipient": "Boekhoud BV", "lang": "en"}]
