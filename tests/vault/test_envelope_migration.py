"""Sec1: the move to envelope encryption loses nothing. A database whose fields were sealed
directly under the keyring's key (before vault migration 0002) is migrated in place: every
value still opens, through a legacy data key of the same id, also after `keys rotate` and
once the old key is removed, and `keys reencrypt` moves the values to new data keys."""

from __future__ import annotations

import json

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from privacydesk.register import services
from privacydesk.register.models import Financial
from privacydesk.staff.models import TotpSecret
from privacydesk.vault import crypto, datakeys, keyring, rotation
from privacydesk.vault.models import DataKey

pytestmark = pytest.mark.django_db(transaction=True)

ANNA_IBAN = "NL91ABNA0417164300"
TOTP = "JBSWY3DPEHPK3PXP"


def seal_the_old_way(row, value: str) -> None:
    """What SealedMixin.set_secret stored before envelope encryption: the keyring's current
    key sealed the field itself, and key_id named that key."""
    row.key_id, row.ciphertext = crypto.seal_bytes(value.encode("utf-8"),
                                                   aad=row.sealed_aad())
    row.save()


@pytest.fixture
def old_database():
    """Anna (customer) with an IBAN and staff member Marieke with a TOTP secret, sealed as
    before migration 0002, with the database migrated back to that state."""
    call_command("migrate", "vault", "0001_initial", verbosity=0)
    anna = services.create_person(actor="tester", purpose="agreement", source="service")
    services.add_role(anna, "customer", actor="tester")
    iban = Financial(person=anna, source="service", purpose="callback",
                     legal_basis="consent", kind="iban")
    seal_the_old_way(iban, json.dumps({"kind": "iban", "value": ANNA_IBAN}))
    marieke = get_user_model().objects.create_user("marieke")
    seal_the_old_way(TotpSecret(user=marieke), TOTP)
    yield keyring.get().current_id
    call_command("migrate", verbosity=0)  # leave the schema complete for the next test


def values() -> tuple[str, str]:
    datakeys.reset()  # as a freshly started process reads them
    return (json.loads(Financial.objects.get().get_secret())["value"],
            TotpSecret.objects.get().get_secret())


def test_the_migration_keeps_old_ciphertexts_readable(old_database):
    old_key = old_database
    call_command("migrate", verbosity=0)
    legacy = DataKey.objects.get()
    assert (legacy.id, legacy.purpose, legacy.retired) == (old_key, "legacy", True)
    assert Financial.objects.get().key_id == old_key  # no field was rewritten
    assert values() == (ANNA_IBAN, TOTP)
    # New values go under a new data key, never under the legacy one.
    marieke = get_user_model().objects.get(username="marieke")
    marieke.set_totp_secret("KRSXG5CTMVRXEZLU")
    assert TotpSecret.objects.get().key_id not in (old_key, "")


def test_after_migration_and_rotation_the_old_key_can_go(old_database, key_file):
    call_command("migrate", verbosity=0)
    rotation.rotate_keys()
    data = json.loads(key_file.read_text())
    data["keys"] = [k for k in data["keys"] if k["id"] == data["current"]]
    key_file.write_text(json.dumps(data))
    keyring.reset()
    assert old_database not in keyring.get().keys
    assert values() == (ANNA_IBAN, TOTP)
    report = rotation.reencrypt(progress=False)
    assert report.fields == 2
    assert not DataKey.objects.filter(retired=False, purpose="legacy").exists()
    assert values() == (ANNA_IBAN, TOTP)


def test_going_back_is_refused_once_a_field_is_under_a_new_data_key(old_database):
    call_command("migrate", verbosity=0)
    rotation.reencrypt(progress=False)
    with pytest.raises(RuntimeError, match="restore a backup taken before this migration"):
        call_command("migrate", "vault", "0001_initial", verbosity=0)
    assert values() == (ANNA_IBAN, TOTP)
