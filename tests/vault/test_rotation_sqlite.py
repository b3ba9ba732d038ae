"""Sec1: SQLite key rotation re-encrypts inside one UPDATE per batch, with a worker process
preparing batches ahead. Whatever the worker prepared, a row saved after it was read is
re-encrypted from its saved value (never overwritten with a stale re-encryption), and
every field opens under the new key with its AAD."""

from __future__ import annotations

import json

import pytest
from django.db import connection

from privacydesk.register import services
from privacydesk.register.models import Financial
from privacydesk.vault import DecryptionError, keyring, reseal_worker, rotation, rotation_sqlite

pytestmark = [pytest.mark.django_db,
              pytest.mark.skipif("connection.vendor != 'sqlite'", reason="SQLite's path")]


@pytest.fixture
def anna_values():
    """Six sealed financial values of Anna (customer): {pk: plaintext}."""
    anna = services.create_person(actor="tester", purpose="agreement", source="service")
    services.add_role(anna, "customer", actor="tester")
    values = {}
    for i in range(6):
        row = services.add_datum(anna, "financial", {"kind": "other", "value": f"value {i}"},
                                 source="service", purpose="callback", basis="consent",
                                 actor="tester")
        values[row.pk] = f"value {i}"
    return values


class InProcessWorker:
    """reseal_worker.Worker's interface, preparing in this process on the test's connection
    at ask() time; `before_take` runs between the worker's read and the batch's UPDATE."""

    instances: list[InProcessWorker] = []  # noqa: RUF012

    def __init__(self, setup: reseal_worker.Setup, before_take=None) -> None:
        self.setup, self.alive, self.before_take = setup, True, before_take
        self.ciphers = reseal_worker.Ciphers.of(setup)
        self.answers: list[reseal_worker.Prepared] = []
        self.pending: list[reseal_worker.Prepared] = []
        InProcessWorker.instances.append(self)

    def ask(self, lo, hi) -> bool:
        answer = reseal_worker.prepare(connection.connection, self.setup, self.ciphers, lo, hi)
        self.answers.append(answer)
        self.pending.append(answer)  # answered in the order asked, as the real worker does
        return True

    def ready(self) -> bool:
        return True

    def take(self):
        answer = self.pending.pop(0)
        if self.before_take is not None:
            self.before_take(answer)
        return answer

    def close(self) -> None:
        self.alive = False


def rotate_with(monkeypatch, before_take=None):
    InProcessWorker.instances.clear()
    monkeypatch.setattr(rotation_sqlite, "_may_use_worker", lambda conn, checkpointer: True)
    monkeypatch.setattr(reseal_worker, "Worker",
                        lambda setup: InProcessWorker(setup, before_take))
    return rotation.rotate_all(progress=False, batch_size=2)


def values_now():
    current = keyring.get().current_id
    rows = Financial.objects.order_by("pk")
    assert all(row.key_id == current for row in rows)
    return {row.pk: json.loads(row.get_secret())["value"] for row in rows}


def test_prepared_batches_are_written_and_every_value_opens(anna_values, key_file,
                                                             monkeypatch):
    keyring.generate_key(key_file)
    report = rotate_with(monkeypatch)
    assert report.models["register.financial"] == 6
    (worker,) = InProcessWorker.instances
    # Batch 1 in this process; then the worker, two batches queued ahead, takes 2 and 3.
    assert [len(answer.pks) for answer in worker.answers] == [2, 2]
    stored = dict(Financial.objects.values_list("pk", "ciphertext"))
    for answer in worker.answers:
        assert all(bytes(stored[pk]) == new for pk, new in zip(answer.pks, answer.news))
    assert values_now() == anna_values


def test_a_row_saved_after_the_worker_read_it_keeps_its_saved_value(anna_values, key_file,
                                                                     monkeypatch):
    old_id = keyring.get().current_id
    keyring.generate_key(key_file)
    saved = {}

    def application_saves_again(answer):
        # a web worker not yet restarted: it still seals under the old key
        if saved:
            return
        pk = answer.pks[0]
        row = Financial.objects.get(pk=pk)
        with pytest.MonkeyPatch.context() as mp:
            mp.setattr(keyring.get(), "current_id", old_id)
            row.set_values({"kind": "other", "value": "saved meanwhile"})
        row.save()
        saved[pk] = bytes(row.ciphertext)

    rotate_with(monkeypatch, application_saves_again)
    (pk,) = saved
    answer = InProcessWorker.instances[0].answers[0]
    assert answer.pks[0] == pk
    stored = bytes(Financial.objects.get(pk=pk).ciphertext)
    assert stored not in (saved[pk], answer.news[0])  # re-encrypted again, from the save
    assert values_now() == {**anna_values, pk: "saved meanwhile"}


def test_a_worker_whose_aad_differs_is_not_trusted(anna_values, key_file, monkeypatch):
    keyring.generate_key(key_file)

    def wrong_aad(answer):
        for ref in answer.aads:
            answer.aads[ref] = b"register.financial:someone-else"
        answer.news[:] = [b"\x00" * len(new) for new in answer.news]

    rotate_with(monkeypatch, wrong_aad)
    assert values_now() == anna_values


def test_a_value_that_does_not_open_is_reported_also_with_a_worker(anna_values, key_file,
                                                                   monkeypatch):
    keyring.generate_key(key_file)
    bad = sorted(anna_values)[3]  # in the worker's batch
    Financial.objects.filter(pk=bad).update(ciphertext=b"\x01" * 40)
    with pytest.raises(DecryptionError, match="register.financial.*does not authenticate"):
        rotate_with(monkeypatch)
