"""Rt3 read from the tables, not from the receipt (#13.2): when the law keeps part of a
person's data, every other row of that person is really gone from the database, and the
rows the law keeps are still there, restricted (Art. 17(3)(b), Art. 18)."""

from __future__ import annotations

import pytest
from django.db import connection

from privacydesk.callbacks import services as callbacks
from privacydesk.register import services
from privacydesk.register.models import DATUM_MODELS
from privacydesk.requests import actions
from privacydesk.retention.erasure import person_tables

from .conftest import ACTOR, CARLA, DAAN
from .helpers import verified

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.dates]


def _rows(table: str, column: str, person_id: int, extra: str = "1") -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {extra} FROM {table} WHERE {column} = %s",  # noqa: S608
                       [person_id])
        return list(cursor.fetchall())


def _data_by_table(person_id: int) -> dict[str, list[tuple]]:
    """Every datum row of the person, straight from each datum table: (basis, restricted)."""
    return {model._meta.db_table: _rows(model._meta.db_table, "person_id", person_id,
                                        "legal_basis, restricted")
            for model in DATUM_MODELS.values()}


def test_carlas_payroll_and_identity_rows_stay_and_every_other_row_is_gone(smtp, personas):
    carla = personas.carla
    phone = services.add_datum(carla, "phone", {"number": "+31612345679"},
                               source="contact_form", purpose="callback", basis="consent",
                               actor=ACTOR)
    services.add_datum(carla, "financial", {"kind": "iban", "value": "NL91ABNA0417164300"},
                       source="staff", purpose="legal_obligation", basis="legal_obligation",
                       actor=ACTOR)
    callbacks.request_callback(carla, phone=phone, message="", language="nl")
    before = _data_by_table(carla.pk)
    assert sum(len(rows) for rows in before.values()) == 5  # names, e-mail, phone, IBAN, BSN
    assert any(_rows(model._meta.db_table, field + "_id", carla.pk)
               for model, field in person_tables())  # the callback

    actions.erase(verified(smtp, "erasure", CARLA), actor="po")

    after = _data_by_table(carla.pk)
    kept = {table: rows for table, rows in after.items() if rows}
    assert kept == {"register_financial": [("legal_obligation", True)],
                    "register_identity": [("legal_obligation", True)]}
    for model, field in person_tables():  # callbacks and every other app's rows
        assert _rows(model._meta.db_table, field + "_id", carla.pk) == [], model
    # The person row and the employee role stay only to date what the law keeps (R3).
    assert _rows("register_person", "id", carla.pk, "restricted") == [(True,)]
    assert [kind for (kind,) in _rows("register_role", "person_id", carla.pk, "kind")] == [
        "employee"]


def test_daans_bsn_stays_after_his_employment_and_his_contact_rows_are_gone(smtp, personas):
    daan = personas.daan  # registered as a former employee: employment has ended
    services.add_datum(daan, "identity", {"kind": "bsn", "number": "111222333"},
                       source="staff", purpose="legal_obligation", basis="legal_obligation",
                       actor=ACTOR)
    before = {t: rows for t, rows in _data_by_table(daan.pk).items() if rows}
    assert set(before) == {"register_name", "register_email", "register_identity"}

    actions.erase(verified(smtp, "erasure", DAAN), actor="po")

    # Section 28 Wage Tax Act: five years after the year employment ended. Nothing else.
    after = {t: rows for t, rows in _data_by_table(daan.pk).items() if rows}
    assert after == {"register_identity": [("legal_obligation", True)]}
    assert _rows("register_person", "id", daan.pk, "restricted") == [(True,)]
