"""Sec1: rotating the encryption key re-encrypts every sealed field, loses nothing when it
is interrupted, and finishes when simply run again."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.db import connection

from privacydesk.policy import clock
from privacydesk.register import services
from privacydesk.register.models import Email, Financial, Identity
from privacydesk.vault import DecryptionError, VaultError, keyring, rotation
from privacydesk.vault.models import AuditEntry

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


def test_rotation_re_encrypts_every_sealed_field(sealed_data, key_file):
    old_id = keyring.get().current_id
    new_id = keyring.generate_key(key_file)
    report = rotation.rotate_all(progress=False, batch_size=2)
    assert report.fields_rotated == len(sealed_data) == 7
    assert report.models == {"register.email": 3, "register.financial": 2,
                             "register.identity": 1, "staff.totpsecret": 1}
    assert report.key_id == new_id
    for key, row in sealed_rows():
        assert row.key_id == new_id != old_id
        assert row.get_secret() == sealed_data[key]
    assert rotation.rotate_all(progress=False).fields_rotated == 0  # nothing left to do


def test_an_interrupted_rotation_loses_nothing_and_a_rerun_finishes(sealed_data, key_file):
    old_id = keyring.get().current_id
    new_id = keyring.generate_key(key_file)
    calls = []

    def crash_in_second_batch(model, n):
        calls.append((model._meta.label_lower, n))
        if len(calls) == 2:
            raise KeyboardInterrupt("operator pressed ctrl-c")

    with pytest.raises(KeyboardInterrupt):
        rotation.rotate_all(progress=False, batch_size=2, on_batch=crash_in_second_batch)
    key_ids = [row.key_id for _, row in sealed_rows()]
    committed = calls[0][1]  # only the first batch committed; the second was undone
    assert committed >= 1
    assert key_ids.count(new_id) == committed
    assert key_ids.count(old_id) == 7 - committed
    for key, row in sealed_rows():
        assert row.get_secret() == sealed_data[key]  # every row still opens

    report = rotation.rotate_all(progress=False, batch_size=2)
    assert report.fields_rotated == 7 - committed
    for key, row in sealed_rows():
        assert (row.key_id, row.get_secret()) == (new_id, sealed_data[key])


def test_a_value_that_does_not_open_stops_rotation_naming_the_model(sealed_data, key_file):
    keyring.generate_key(key_file)
    financial = Financial.objects.order_by("pk").first()
    with connection.cursor() as cur:
        cur.execute("UPDATE register_financial SET ciphertext = %s WHERE id = %s",
                    [b"\x00" * 40, financial.pk])
    with pytest.raises(DecryptionError, match="register.financial"):
        rotation.rotate_all(progress=False)


def test_a_ciphertext_moved_to_another_person_does_not_open(sealed_data):
    anna_email, carla_email = Email.objects.order_by("pk")[:2]
    carla_email.key_id, carla_email.ciphertext = anna_email.key_id, anna_email.ciphertext
    with pytest.raises(DecryptionError):
        carla_email.get_secret()
    identity = Identity.objects.get()
    identity.ciphertext = anna_email.ciphertext
    with pytest.raises(DecryptionError):
        identity.get_secret()


def test_rotate_keys_makes_a_new_key_current_and_records_it(sealed_data, key_file):
    old_id = keyring.get().current_id
    report = rotation.rotate_keys(progress=False)
    assert report.key_id == keyring.get().current_id != old_id
    assert report.fields_rotated == 7
    entry = AuditEntry.objects.order_by("seq").last()
    assert (entry.actor, entry.action, entry.object_id) == ("system", "rotate", report.key_id)
    assert entry.detail_data["fields_rotated"] == 7
    assert rotation.rotate_keys(generate_new=False, progress=False).fields_rotated == 0


def test_keys_from_the_environment_are_never_generated(settings, sealed_data, key_file):
    settings.PRIVACYDESK_KEYS = "k1:" + "A" * 43 + "="
    with pytest.raises(VaultError, match="append a new id:base64key entry"):
        rotation.rotate_keys(progress=False)


def test_a_row_saved_again_during_rotation_is_not_overwritten(sealed_data, key_file):
    """Rows are read, re-encrypted, then written; one the application changed in between
    keeps its new value (a later `keys rotate --no-new-key` takes it)."""
    from privacydesk.vault import crypto

    keyring.generate_key(key_file)
    reseal = crypto.Resealer()
    rows = rotation._read_batch(Financial, reseal.key_id, None, 10)
    updates = rotation._reseal_rows(reseal, rotation._Aads(Financial), rows)
    changed = Financial.objects.get(pk=rows[0][0])
    keyring.reset()
    with pytest.MonkeyPatch.context() as mp:  # an old web worker, still on the old key
        mp.setattr(keyring.get(), "current_id", rows[0][1])
        changed.set_values({"kind": "iban", "value": "NL02RABO0123456789"})
    changed.save()
    keyring.reset()
    assert rotation._write_batch(Financial, connection, reseal.key_id, updates) == 1
    changed.refresh_from_db()
    assert (changed.key_id, changed.get_values()["value"]) == (rows[0][1], "NL02RABO0123456789")
    assert rotation.rotate_all(progress=False).fields_rotated == 6
