"""The access report shows the same whether or not queries are being logged, and every read
stays audited in the transaction of its entry (Sec4): the register's read, the report's own
reads and the disclosure log's go in one transaction with the audit entry.
"""

from __future__ import annotations

import json
import threading
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from privacydesk.disclosure.gate import disclose
from privacydesk.policy import clock
from privacydesk.register import services as register
from privacydesk.register.models import DATUM_MODELS, Email, Person
from privacydesk.requests import actions, report
from privacydesk.requests.models import DataSubjectRequest
from privacydesk.vault import DecryptionError, audit
from privacydesk.vault.models import AuditEntry

from .conftest import ACTOR, ANNA

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.dates]
PG = connection.vendor == "postgresql"


def _plain(person: Person, lang: str) -> dict[str, Any]:
    with CaptureQueriesContext(connection):
        return report.build(person, actor="po", lang=lang)


def _same(a: dict[str, Any], b: dict[str, Any]) -> bool:
    """Equal as JSON, but for the moment each was generated."""
    def text(d: dict[str, Any]) -> str:
        return json.dumps({**d, "generated_at": None}, sort_keys=True)
    return text(a) == text(b)


def _request(person_ref: str, lang: str = "nl") -> DataSubjectRequest:
    now = timezone.now()
    filed = DataSubjectRequest(kind="access", person_ref=person_ref, status="verified",
                               language=lang, received_at=now, statement_deadline=now,
                               legal_deadline=now)
    filed.set_contact(name="", email=ANNA)
    filed.save()
    return filed


def _log_a_disclosure(personas: Any) -> None:
    disclose(personas.anna, "Belastingdienst", ["names"], "legal_obligation", actor=ACTOR,
             legal_obligation="tax_inspection")


def test_the_fast_report_is_the_plain_report_for_every_persona(personas):
    for person in (personas.anna, personas.carla, personas.daan, personas.bram):
        for lang in ("nl", "en"):
            assert _same(report.build(person, actor="po", lang=lang), _plain(person, lang))


def test_the_fast_report_shows_the_databases_own_values(personas):
    doc = report.build(personas.anna, actor="po", lang="en")
    assert doc["data"], "Anna has data"
    for entry in doc["data"]:
        datum = DATUM_MODELS[entry["category"]].objects.get(pk=entry["id"])
        assert entry["values"] == datum.get_values()
        assert entry["agreement"] == (datum.agreement.reference if datum.agreement_id else None)
        assert entry["collected_on"] == clock.day_of(datum.created_at).isoformat()


def test_every_fast_read_appends_one_read_entry_and_the_chain_verifies(personas):
    before = AuditEntry.objects.count()
    report.build(personas.anna, actor="po", lang="nl")
    report.build(personas.carla, actor="po", lang="nl")
    entries = list(AuditEntry.objects.order_by("seq"))[before:]
    assert [(e.action, e.purpose, e.person_ref, e.actor) for e in entries] == [
        ("read", "access_request", str(personas.anna.ref), "po"),
        ("read", "access_request", str(personas.carla.ref), "po")]
    assert entries[0].detail_data == {"categories": ["address", "email", "names", "phone"],
                                      "staff_role": None}
    assert audit.verify().ok


def test_a_read_that_fails_appends_nothing_and_leaves_no_transaction_open(personas):
    email = Email.objects.get(person=personas.anna)
    blob = bytearray(email.ciphertext)
    blob[-1] ^= 1  # altered at rest: the read must fail (AES-GCM), and not be recorded
    Email.objects.filter(pk=email.pk).update(ciphertext=bytes(blob))
    before = AuditEntry.objects.count()
    with pytest.raises(DecryptionError):
        report.build(personas.anna, actor="po", lang="nl")
    assert AuditEntry.objects.count() == before
    assert not connection.in_atomic_block
    if PG:
        from psycopg.pq import TransactionStatus

        assert connection.connection.info.transaction_status == TransactionStatus.IDLE
    report.build(personas.carla, actor="po", lang="nl")  # the connection still works
    assert AuditEntry.objects.count() == before + 1 and audit.verify().ok


def test_a_refused_entry_returns_no_report(personas, monkeypatch):
    from privacydesk.policy.errors import RuleViolation
    from privacydesk.vault import append

    def refuse(item: Any) -> tuple[str, ...]:
        raise RuleViolation("detail", "audit", "refused for the test")

    monkeypatch.setattr(append, "_clean", refuse)
    with pytest.raises(RuleViolation):
        report.build(personas.anna, actor="po", lang="nl")
    monkeypatch.undo()
    assert audit.verify().ok
    report.build(personas.anna, actor="po", lang="nl")


def test_the_disclosure_log_comes_with_the_reads_and_equals_its_own_rows(personas):
    from privacydesk.disclosure.hooks import access_rows

    _log_a_disclosure(personas)
    doc = report.build(personas.anna, actor="po", lang="nl")
    assert doc["disclosures"] == access_rows(personas.anna, "nl")
    assert doc["disclosures"][0]["recipient"] == "Belastingdienst"
    assert _same(doc, _plain(personas.anna, "nl"))


@pytest.mark.parametrize("ref", ["", "not-a-uuid", "{12345678-1234-5678-1234-567812345678}"])
def test_a_request_whose_ref_names_no_person_has_no_person(personas, ref):
    from django.core.exceptions import ValidationError

    from privacydesk.policy.errors import RuleViolation

    filed = _request(ref)
    with pytest.raises((RuleViolation, ValidationError)):
        actions.person_of(filed)


def test_the_api_report_is_the_built_report(personas, api_token):
    from django.test import Client

    filed = _request(str(personas.anna.ref), "en")
    token = api_token("privacy_officer")
    served = Client().get(f"/api/v1/requests/{filed.uid}/report",
                          headers={"Authorization": f"Bearer {token}"})
    assert served.status_code == 200
    assert _same(served.json(), _plain(personas.anna, "en"))


@pytest.mark.skipif(not PG, reason="concurrent writers: runs in the PostgreSQL pass")
def test_concurrent_audited_reads_make_one_unbroken_chain(personas):
    people, errors = [personas.anna, personas.carla, personas.daan, personas.bram], []
    start = threading.Barrier(len(people))

    def read_many(person: Person) -> None:
        try:
            start.wait()
            for _ in range(10):
                register.read_person(person, actor="po", purpose=register.ACCESS_REQUEST)
        except BaseException as exc:  # reported in the test's own thread
            errors.append(exc)
        finally:
            connection.close()

    workers = [threading.Thread(target=read_many, args=(p,)) for p in people]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    assert errors == []
    reads = AuditEntry.objects.filter(action="read", purpose="access_request")
    assert reads.count() == 40 and audit.verify().ok


def test_the_report_endpoint_refuses_a_bad_token_a_missing_request_and_a_wrong_role(
        personas, api_token):
    from django.test import Client

    filed = _request(str(personas.anna.ref), "en")
    token = api_token("privacy_officer")
    url = f"/api/v1/requests/{filed.uid}/report"
    served = Client().get(url, headers={"Authorization": f"Bearer {token}"})
    assert served.status_code == 200 and _same(served.json(), _plain(personas.anna, "en"))
    bad = Client().get(url, headers={"Authorization": "Bearer pd_" + "x" * 43})
    assert bad.status_code == 401
    missing = Client().get("/api/v1/requests/00000000-0000-4000-8000-000000000009/report",
                           headers={"Authorization": f"Bearer {token}"})
    assert missing.status_code == 404 and missing.json()["errors"][0]["rule"] == "exists"
    sales = Client().get(url, headers={"Authorization": f"Bearer {api_token('sales')}"})
    assert sales.status_code == 403
