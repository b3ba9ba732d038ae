"""Sec1: on PostgreSQL, key rotation sweeps each table page by page in stripes, writing every
row by its tuple id. Every value opens under the new key; the table and its indexes do not
double (updates stay on their page); a row the application saved during the sweep keeps
its saved value; an interrupted sweep loses nothing and a rerun finishes it."""

from __future__ import annotations

import json

import pytest
from django.db import connection, transaction

from privacydesk.register import services
from privacydesk.register.models import Financial
from privacydesk.vault import DecryptionError, keyring, rotation, rotation_pg

pytestmark = [pytest.mark.django_db(transaction=True),
              pytest.mark.skipif("connection.vendor != 'postgresql'",
                                 reason="PostgreSQL's path")]

ROWS = 900


@pytest.fixture
def many_values(monkeypatch):
    """900 sealed financial values of three customers, bulk-loaded (full pages, as after an
    import); small stripes and windows, so a sweep takes many of each. {pk: plaintext}."""
    monkeypatch.setattr(rotation_pg, "STRIPE_ROWS", 20)
    people = []
    for _ in range(3):
        person = services.create_person(actor="tester", purpose="agreement", source="service")
        services.add_role(person, "customer", actor="tester")
        people.append(person)
    rows = []
    for i in range(ROWS):
        row = Financial(person=people[i % 3], source="service", purpose="callback",
                        legal_basis="consent", kind="other")
        row.set_values({"kind": "other", "value": f"value {i}"})
        rows.append(row)
    Financial.objects.bulk_create(rows)
    with connection.cursor() as cur:
        cur.execute("ANALYZE register_financial")
    return {row.pk: f"value {i}" for i, row in enumerate(rows)}


def values_now() -> dict[int, str]:
    current = keyring.get().current_id
    rows = Financial.objects.order_by("pk")
    assert all(row.key_id == current for row in rows)
    return {row.pk: json.loads(row.get_secret())["value"] for row in rows}


def sizes() -> tuple[int, int]:
    with connection.cursor() as cur:
        cur.execute("SELECT pg_relation_size('register_financial'), "
                    "pg_indexes_size('register_financial')")
        table, indexes = cur.fetchone()
    return table, indexes


def spy_on_sweeps(monkeypatch) -> list[tuple[int, int]]:
    results: list[tuple[int, int]] = []
    real = rotation_pg.rotate

    def spy(*args):
        results.append(real(*args))
        return results[-1]

    monkeypatch.setattr(rotation_pg, "rotate", spy)
    return results


def test_the_sweep_re_encrypts_every_value_by_tuple_id(many_values, key_file, monkeypatch):
    sweeps = spy_on_sweeps(monkeypatch)
    new_id = keyring.generate_key(key_file)
    report = rotation.rotate_all(progress=False)
    assert report.models["register.financial"] == ROWS
    assert (ROWS, 0) in sweeps  # all of it by the sweep, nothing left for the general path
    assert report.key_id == new_id
    assert values_now() == many_values
    assert rotation.rotate_all(progress=False).fields_rotated == 0


def test_the_table_and_its_indexes_do_not_double(many_values, key_file):
    """A plain UPDATE of every row of full pages moves every row: twice the table, a new
    entry in every index per row. Striped, only the first stripe moves."""
    table, indexes = sizes()
    keyring.generate_key(key_file)
    rotation.rotate_all(progress=False)
    table_after, indexes_after = sizes()
    assert table_after <= 1.4 * table
    assert indexes_after <= 1.4 * indexes


def test_a_row_saved_during_the_sweep_keeps_its_saved_value(many_values, key_file,
                                                            monkeypatch):
    """Saved by the application (a web worker still on the old key) after the sweep read it
    and before the sweep wrote it: the sweep's write skips it (its tuple id and xmin are
    not the ones read), and it is re-encrypted later from its saved value."""
    # On the first page, in the first stripe read: pk modulo STRIPES is 0.
    target = min(pk for pk in many_values if pk % rotation_pg.STRIPES == 0)
    real = rotation_pg._Sweep._sealed
    read: list[int] = []

    def save_in_between(self, rows):
        sealed = real(self, rows)
        if self.model is Financial and rows:
            read.append(len(rows))
        if len(read) == 1 and self.model is Financial and rows:
            row = Financial.objects.get(pk=target)
            keyring.reset()
            with pytest.MonkeyPatch.context() as mp:
                mp.setattr(keyring.get(), "current_id", row.key_id)
                row.set_values({"kind": "other", "value": "saved meanwhile"})
            row.save()  # committed (this thread's own connection) before the stripe is written
            keyring.reset()
        return sealed

    written: list[int] = []
    monkeypatch.setattr(rotation_pg._Sweep, "_sealed", save_in_between)
    keyring.generate_key(key_file)
    report = rotation.rotate_all(
        progress=False,
        on_batch=lambda model, n: written.append(n) if model is Financial else None)
    assert written[0] == read[0] - 1  # the first stripe's write left the saved row alone
    assert report.models["register.financial"] == ROWS
    assert values_now() == {**many_values, target: "saved meanwhile"}


def test_an_interrupted_sweep_loses_nothing_and_a_rerun_finishes(many_values, key_file):
    old_id = keyring.get().current_id
    new_id = keyring.generate_key(key_file)
    committed = []

    def stop_in_the_fifth_stripe(model, n):
        if len(committed) == 4:
            raise KeyboardInterrupt("operator pressed ctrl-c")
        committed.append(n)

    with pytest.raises(KeyboardInterrupt):
        rotation.rotate_all(progress=False, on_batch=stop_in_the_fifth_stripe)
    rows = list(Financial.objects.all())
    assert sum(row.key_id == new_id for row in rows) == sum(committed) > 0
    assert sum(row.key_id == old_id for row in rows) == ROWS - sum(committed)
    assert {row.pk: json.loads(row.get_secret())["value"] for row in rows} == many_values

    assert rotation.rotate_all(progress=False).fields_rotated == ROWS - sum(committed)
    assert values_now() == many_values


def test_a_value_that_does_not_open_stops_the_sweep_naming_the_model(many_values, key_file):
    keyring.generate_key(key_file)
    with connection.cursor() as cur:
        cur.execute("UPDATE register_financial SET ciphertext = %s WHERE id = %s",
                    [b"\x00" * 40, max(many_values)])
    with pytest.raises(DecryptionError, match="register.financial"):
        rotation.rotate_all(progress=False)


def test_inside_a_callers_transaction_the_general_path_rotates(many_values, key_file):
    """Stripes must commit for pruning to free room; inside an atomic block the sweep is
    not used, and the general path still rotates everything."""
    assert rotation_pg.applies(Financial, connection)
    keyring.generate_key(key_file)
    with transaction.atomic():
        assert not rotation_pg.applies(Financial, connection)
        assert rotation.rotate_all(progress=False).models["register.financial"] == ROWS
    assert values_now() == many_values


def test_what_the_sweep_leaves_goes_to_the_general_path(many_values, key_file, monkeypatch):
    """Correctness never rests on the sweep finding every row: here it sees only the first
    stripe of each window, and the rows it left are counted and rotated afterwards."""
    real = rotation_pg._Sweep._stripes
    monkeypatch.setattr(rotation_pg._Sweep, "_stripes",
                        lambda self: (part for part in real(self) if part.stripe == 0))
    sweeps = spy_on_sweeps(monkeypatch)
    keyring.generate_key(key_file)
    report = rotation.rotate_all(progress=False)
    financial = [(done, left) for done, left in sweeps if done + left == ROWS]
    assert financial and 0 < financial[0][0] < ROWS
    assert report.models["register.financial"] == ROWS
    assert values_now() == many_values
