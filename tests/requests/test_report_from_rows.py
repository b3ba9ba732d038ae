"""The access report builds its data straight from the read's row fields
(`register.services.read_person_rows`, bench/bench_requests.py): what it shows equals what
the register's views (`read_person`) and the policy's own retention decision per datum
show, and the rows read is audited exactly as `read_person` audits (Sec4)."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection

from privacydesk.policy import clock
from privacydesk.policy.active import get_policy
from privacydesk.register import services as register
from privacydesk.register.models import Agreement, Person, Phone
from privacydesk.register.services.reading import read_person_rows
from privacydesk.requests import report
from privacydesk.retention.facts import person_facts, row_facts
from privacydesk.vault.models import AuditEntry

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.dates]


def _expected_data(person: Person, lang: str) -> list[dict[str, Any]]:
    """The report's data entries built independently: the register's views, the ORM's
    facts and one policy decision per datum (no caching)."""
    policy = get_policy()
    view = register.read_person(person, actor="po", purpose=register.ACCESS_REQUEST)
    facts = person_facts(person)
    ids = dict(Agreement.objects.values_list("reference", "id"))
    out = []
    for category, items in view.data.items():
        for d in items:
            agreement_id = ids[d.agreement] if d.agreement else None
            decision = policy.retention_decision(category, d.purpose, d.legal_basis,
                                                 row_facts(agreement_id, d.created_at, facts))
            until = d.delete_after or decision.date
            out.append({
                "category": category, "id": d.id, "values": dict(d.values),
                "source": d.source, "purpose": d.purpose, "legal_basis": d.legal_basis,
                "agreement": d.agreement, "restricted": d.restricted,
                "collected_on": clock.day_of(d.created_at).isoformat(),
                "updated_on": clock.day_of(d.updated_at).isoformat(),
                "retention": {"until": until.isoformat() if until else None,
                              "rule": decision.rule_id, "law": decision.law.get(lang),
                              "held": decision.held, "known": until is not None}})
    return out


def test_the_reports_data_equal_the_views_and_the_policys_decisions(personas):
    for person in (personas.anna, personas.carla, personas.daan, personas.bram):
        for lang in ("nl", "en"):
            doc = report.build(person, actor="po", lang=lang)
            shown = [{k: entry[k] for k in ("category", "id", "values", "source", "purpose",
                                            "legal_basis", "agreement", "restricted",
                                            "collected_on", "updated_on", "retention")}
                     for entry in doc["data"]]
            assert shown == _expected_data(person, lang)


def test_data_sharing_rules_but_not_agreement_or_day_are_decided_each_on_their_own(personas):
    # Per report one decision serves the data with the same matching rules, agreement and
    # collection day; here they share the rules (agreement, contract) and differ in the rest.
    from datetime import timedelta

    from django.utils import timezone

    from privacydesk.register.models import Address, Email

    bram, today = personas.bram, clock.today()
    ended = register.create_agreement("sla", "SLA-2020-001", "Oud", today - timedelta(days=900),
                                      ends_on=today - timedelta(days=400), parties=[bram],
                                      actor="po")
    running = register.create_agreement("sla", "SLA-2026-002", "Nieuw", today, parties=[bram],
                                        actor="po")
    for category, values, agreement in (
            ("address", {"street": "Markt", "house_number": "1", "postcode": "9711 LM",
                         "city": "Groningen", "country": "NL"}, ended),
            ("phone", {"number": "+31612345670"}, running),
            ("email", {"address": "bram@example.org"}, running)):
        register.add_datum(bram, category, values, source="service", purpose="agreement",
                           basis="contract", actor="po", agreement=agreement)
    Address.objects.filter(person=bram).update(created_at=timezone.now() - timedelta(days=30))
    Email.objects.filter(person=bram).update(created_at=timezone.now() - timedelta(days=3000))
    for lang in ("nl", "en"):
        doc = report.build(bram, actor="po", lang=lang)
        shown = [{k: entry[k] for k in ("category", "id", "values", "source", "purpose",
                                        "legal_basis", "agreement", "restricted",
                                        "collected_on", "updated_on", "retention")}
                 for entry in doc["data"]]
        assert shown == _expected_data(bram, lang)
        assert len({str(d["retention"]) for d in doc["data"]}) >= 2


def test_entries_of_one_category_do_not_share_their_dicts(personas):
    register.add_datum(personas.anna, "phone", {"number": "+31612345679"}, source="staff",
                       purpose="callback", basis="consent", actor="po")
    doc = report.build(personas.anna, actor="po", lang="en")
    phones = [d for d in doc["data"] if d["category"] == "phone"]
    assert len(phones) == 2
    assert phones[0]["values"] is not phones[1]["values"]
    assert phones[0]["field_labels"] is not phones[1]["field_labels"]
    assert phones[0]["recipients"] is not phones[1]["recipients"]


@pytest.mark.parametrize("purpose", [register.ACCESS_REQUEST, "callback"])
def test_the_rows_read_shows_and_audits_what_read_person_does(personas, purpose):
    # A restricted datum: shown for an Art. 18(2) use only.
    Phone.objects.filter(person=personas.anna).update(restricted=True)
    anna = Person.objects.get(pk=personas.anna.pk)
    view = register.read_person(anna, actor="po", purpose=purpose)
    viewed = AuditEntry.objects.order_by("-seq").first()
    rows = read_person_rows(anna, actor="po", purpose=purpose)
    read = AuditEntry.objects.order_by("-seq").first()
    assert read is not None and viewed is not None and read.seq == viewed.seq + 1
    assert [(d[0], d[1], d[2], d[9], d[11]) for d in rows.data] == [
        (d.category, d.id, dict(d.values), d.restricted, d.agreement)
        for items in view.data.values() for d in items]
    assert (purpose == register.ACCESS_REQUEST) == any(d[0] == "phone" for d in rows.data)
    assert [(kind, org, start, end) for kind, _, start, end, org in rows.roles] == [
        (r.kind, r.organisation, r.started_on, r.ended_on) for r in view.roles]
    assert rows.restricted == view.restricted
    for field in ("actor", "action", "object_type", "object_id", "person_ref", "purpose",
                  "detail"):
        assert getattr(read, field) == getattr(viewed, field), field
    assert connection.in_atomic_block is False


def test_the_reads_and_their_entry_are_one_transaction(personas, monkeypatch):
    from privacydesk.register.services import reading
    from privacydesk.vault import DecryptionError

    seen: list[bool] = []
    real = reading._datum_fields

    def spy(*args: Any, **kwargs: Any) -> Any:
        seen.append(connection.in_atomic_block)  # the rows are being read
        return real(*args, **kwargs)

    monkeypatch.setattr(reading, "_datum_fields", spy)
    before = AuditEntry.objects.count()
    report.build(personas.anna, actor="po", lang="nl")
    assert seen == [True] and not connection.in_atomic_block
    assert AuditEntry.objects.count() == before + 1

    def fail(*args: Any, **kwargs: Any) -> Any:
        raise DecryptionError("altered")

    monkeypatch.setattr(reading, "_datum_fields", fail)
    with pytest.raises(DecryptionError):
        report.build(personas.anna, actor="po", lang="nl")
    assert not connection.in_atomic_block
    assert AuditEntry.objects.count() == before + 1


def test_a_datum_whose_purpose_the_policy_does_not_know_is_refused_as_before(personas):
    from privacydesk.policy.errors import RuleViolation

    Phone.objects.filter(person=personas.anna).update(purpose="no_such_purpose")
    for _ in range(2):  # the second time with the report's lookups filled
        with pytest.raises(RuleViolation) as refused:
            report.build(personas.anna, actor="po", lang="nl")
        assert refused.value.rule == "Art5"
