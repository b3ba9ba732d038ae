"""The access report reads each category table once, with the ORM's own SELECT compiled
once per process (issue #14.5, the report API row of docs/performance.md), and still lists a
person's data by category, then id, with each datum's agreement reference."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from privacydesk.register import services as register
from privacydesk.register.models import DATUM_MODELS
from privacydesk.requests import report

from .conftest import ACTOR

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.dates]


def _reads_of(table: str, queries: list[dict[str, str]]) -> list[str]:
    return [q["sql"] for q in queries
            if re.search(rf'^SELECT .* FROM "?{table}"?\s', q["sql"], re.S)]


def test_each_category_table_is_read_once_without_an_order_by(personas):
    report.build(personas.anna, actor="po", lang="nl")  # the statements are compiled once
    with CaptureQueriesContext(connection) as captured:
        report.build(personas.anna, actor="po", lang="nl")
    for model in DATUM_MODELS.values():
        reads = _reads_of(model._meta.db_table, captured.captured_queries)
        assert len(reads) == 1, (model._meta.db_table, reads)
        assert "ORDER BY" not in reads[0]


def test_annas_data_come_by_category_then_id_with_their_agreements(personas):
    anna, sla = personas.anna, personas.anna_sla
    for number in ("+31612345679", "+31612345670"):
        register.add_datum(anna, "phone", {"number": number}, source="staff",
                           purpose="agreement", basis="contract", actor=ACTOR, agreement=sla)
    first_phone = min(e["id"] for e in report.build(anna, actor="po", lang="en")["data"]
                      if e["category"] == "phone")
    register.update_datum(DATUM_MODELS["phone"].objects.get(pk=first_phone),
                          {"number": "+31687654321"}, actor=ACTOR, purpose="callback")
    doc = report.build(anna, actor="po", lang="en")
    order = list(DATUM_MODELS)
    keys = [(order.index(e["category"]), e["id"]) for e in doc["data"]]
    assert keys == sorted(keys)
    phones = [(e["values"]["number"], e["agreement"]) for e in doc["data"]
              if e["category"] == "phone"]
    assert phones == [("+31687654321", None), ("+31612345679", "SLA-2025-007"),
                      ("+31612345670", "SLA-2025-007")]
    address = next(e for e in doc["data"] if e["category"] == "address")
    assert address["agreement"] == "SLA-2025-007"
