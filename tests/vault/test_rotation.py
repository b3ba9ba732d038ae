"""Sec1: `keys rotate` re-wraps the data keys under a new key-encryption key and every sealed
field still opens, also once the old KEK is gone; `keys reencrypt` moves every field to new
data keys, loses nothing when it is interrupted, and finishes when run again."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.db import connection, transaction

from privacydesk.policy import clock
from privacydesk.register import services
from privacydesk.register.models import Email, Financial, Identity
from privacydesk.vault import DecryptionError, VaultError, datakeys, keyring, rotation
from privacydesk.vault.models import AuditEntry, DataKey

pytestmark = pytest.mark.django_db

ACTOR = "tester"
ANNA_IBAN = "NL91ABNA0417164300"


def person_with(kind: str):
    person = services.create_person(actor=ACTOR, purpose="agreement", source="service")
    services.add_role(person, kind, actor=ACTOR, started_on=clock.today() - timedelta(days=90))
    return person


def add(person, category: str, values: dict):
    return services.add_datum(person, category, values, source="service", purpose="callback",
                              basis="consent", actor=ACTOR)


@pytest.fixture
def sealed_data():
    """Anna (customer) and Carla (employee) with sealed data; staff member Marieke with MFA.
    Returns {(model label, pk): plaintext} for every sealed row."""
    anna, carla = person_with("customer"), person_with("employee")
    rows = [
        add(anna, "email", {"address": "anna.de.vries@example.nl"}),
        add(anna, "financial", {"kind": "iban", "value": ANNA_IBAN}),
        add(carla, "email", {"address": "carla.jansen@example.nl"}),
        add(carla, "email", {"address": "c.jansen@privé.example"}),
        add(carla, "financial", {"kind": "iban", "value": "NL20INGB0001234567"}),
        add(carla, "identity", {"kind": "passport", "number": "NX1234567"}),
    ]
    marieke = get_user_model().objects.create_user("marieke")  # no password: no slow hash
    marieke.set_totp_secret("JBSWY3DPEHPK3PXP")
    expected = {(r._meta.label_lower, r.pk): r.get_secret() for r in rows}
    expected[("staff.totpsecret", marieke.pk)] = "JBSWY3DPEHPK3PXP"
    return expected


def sealed_rows():
    for model in rotation.sealed_models():
        for row in model._base_manager.all():
            yield (model._meta.label_lower, row.pk), row


def test_every_concrete_sealed_model_is_found():
    labels = {m._meta.label_lower for m in rotation.sealed_models()}
    assert {"register.email", "register.financial", "register.account", "register.identity",
            "staff.totpsecret"} <= labels


def opens_everything(expected):
    """Every sealed row opens to what was sealed (read with a fresh process's caches)."""
    datakeys.reset()
    found = {key: row.get_secret() for key, row in sealed_rows()}
    assert found == expected


def key_ids():
    return {row.key_id for _, row in sealed_rows()}


def test_rotate_re_wraps_the_data_keys_and_leaves_the_fields_alone(sealed_data, key_file):
    old_kek = keyring.get().current_id
    before = {key: (row.key_id, bytes(row.ciphertext)) for key, row in sealed_rows()}
    report = rotation.rotate_keys()
    assert report.kek_id == keyring.get().current_id != old_kek
    assert report.rewrapped == report.total == DataKey.objects.count() == 4  # one per model
    assert set(DataKey.objects.values_list("kek_id", flat=True)) == {report.kek_id}
    assert {key: (row.key_id, bytes(row.ciphertext)) for key, row in sealed_rows()} == before
    opens_everything(sealed_data)
    assert rotation.rotate_keys(generate_new=False).rewrapped == 0  # nothing left to do


def test_after_rotation_the_old_kek_can_go_and_everything_still_opens(sealed_data, key_file):
    rotation.rotate_keys()
    data = json.loads(key_file.read_text())
    data["keys"] = [k for k in data["keys"] if k["id"] == data["current"]]
    key_file.write_text(json.dumps(data))
    keyring.reset()
    assert len(keyring.get().keys) == 1
    opens_everything(sealed_data)


def test_without_rotation_removing_the_old_kek_is_detected_not_silent(sealed_data, key_file):
    keyring.generate_key(key_file)  # a new KEK, but the data keys were never re-wrapped
    data = json.loads(key_file.read_text())
    data["keys"] = [k for k in data["keys"] if k["id"] == data["current"]]
    key_file.write_text(json.dumps(data))
    keyring.reset()
    row = Email.objects.order_by("pk").first()
    with pytest.raises(DecryptionError, match="which the keyring does not hold"):
        row.get_secret()


def test_rotation_is_recorded_in_the_audit_chain(sealed_data, key_file):
    report = rotation.rotate_keys()
    entry = AuditEntry.objects.order_by("seq").last()
    assert (entry.actor, entry.action, entry.object_id) == ("system", "rotate", report.kek_id)
    assert entry.detail_data == {"data_keys_rewrapped": 4, "data_keys": 4}


def test_keys_from_the_environment_are_never_generated(settings, sealed_data, key_file):
    settings.PRIVACYDESK_KEYS = "k1:" + "A" * 43 + "="
    with pytest.raises(VaultError, match="append a new id:base64key entry"):
        rotation.rotate_keys()


def test_reencrypt_moves_every_field_to_new_data_keys(sealed_data):
    old_keys = key_ids()
    report = rotation.reencrypt(progress=False, batch_size=2)
    assert report.fields == len(sealed_data) == 7
    assert report.models == {"register.email": 3, "register.financial": 2,
                             "register.identity": 1, "staff.totpsecret": 1}
    assert not key_ids() & old_keys
    assert set(DataKey.objects.filter(pk__in=old_keys).values_list("retired", flat=True)) \
        == {True}  # kept, so older values (and restored backups) still open
    opens_everything(sealed_data)
    entry = AuditEntry.objects.order_by("seq").last()
    assert (entry.action, entry.detail_data["fields"]) == ("reencrypt", 7)
    assert rotation.reencrypt(new_keys=False, progress=False).fields == 0


def test_an_interrupted_reencrypt_loses_nothing_and_a_resume_finishes(sealed_data):
    calls = []

    def crash_in_second_batch(model, n):
        calls.append((model._meta.label_lower, n))
        if len(calls) == 2:
            raise KeyboardInterrupt("operator pressed ctrl-c")

    with pytest.raises(KeyboardInterrupt):
        rotation.reencrypt(progress=False, batch_size=2, on_batch=crash_in_second_batch)
    current = set(DataKey.objects.filter(retired=False).values_list("id", flat=True))
    moved = [row for _, row in sealed_rows() if row.key_id in current]
    assert len(moved) == calls[0][1] >= 1  # only the first batch committed
    opens_everything(sealed_data)  # every row still opens, moved or not

    report = rotation.reencrypt(new_keys=False, progress=False, batch_size=2)
    assert report.fields == 7 - calls[0][1]
    assert key_ids() <= current
    opens_everything(sealed_data)


def test_a_value_that_does_not_open_stops_reencrypt_naming_the_model(sealed_data):
    financial = Financial.objects.order_by("pk").first()
    with connection.cursor() as cur:
        cur.execute("UPDATE register_financial SET ciphertext = %s WHERE id = %s",
                    [b"\x00" * 40, financial.pk])
    with pytest.raises(DecryptionError, match="register.financial"):
        rotation.reencrypt(progress=False)


def test_a_ciphertext_moved_to_another_person_does_not_open(sealed_data):
    anna_email, carla_email = Email.objects.order_by("pk")[:2]
    carla_email.key_id, carla_email.ciphertext = anna_email.key_id, anna_email.ciphertext
    with pytest.raises(DecryptionError):
        carla_email.get_secret()
    identity = Identity.objects.get()
    identity.ciphertext = anna_email.ciphertext
    with pytest.raises(DecryptionError):
        identity.get_secret()


@pytest.mark.django_db(transaction=True)
def test_a_data_key_made_in_a_rolled_back_transaction_is_not_used_again(key_file):
    """The first value of a model is sealed inside a transaction that fails: its new data
    key is rolled back with it, and the next value gets a key that is really stored."""
    carla = person_with("employee")
    with pytest.raises(RuntimeError), transaction.atomic():
        add(carla, "identity", {"kind": "passport", "number": "NX1234567"})
        raise RuntimeError("the request failed after sealing")
    row = add(carla, "identity", {"kind": "passport", "number": "NX7654321"})
    assert DataKey.objects.filter(pk=row.key_id).exists()
    datakeys.reset()
    assert json.loads(row.get_secret())["number"] == "NX7654321"
