"""Sec1: sealed values open only with the right key and the right context; any change to the
bytes is detected. Fields are sealed with data keys stored wrapped by the keyring's KEK
(envelope encryption); files with the KEK itself."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from privacydesk.vault import DecryptionError, crypto, datakeys, keyring
from privacydesk.vault.models import DataKey

pytestmark = pytest.mark.django_db

AAD_ANNA = "register.financial:3b0d6a52-0000-4000-8000-00000000a001"
AAD_CARLA = "register.financial:3b0d6a52-0000-4000-8000-00000000c001"
IBAN = "NL91ABNA0417164300"


def test_round_trip_under_the_models_data_key_wrapped_by_the_current_kek():
    key_id, blob = crypto.seal(IBAN, aad=AAD_ANNA)
    stored = DataKey.objects.get(pk=key_id)
    assert stored.purpose == "register.financial" and not stored.retired
    assert stored.kek_id == keyring.get().current_id
    assert key_id not in keyring.get().keys  # the KEK never seals a field itself
    assert IBAN.encode() not in blob
    assert len(blob) == 12 + len(IBAN) + 16  # nonce, ciphertext, tag
    assert crypto.unseal(key_id, blob, aad=AAD_ANNA) == IBAN


def test_every_seal_uses_a_fresh_nonce():
    blobs = {crypto.seal(IBAN, aad=AAD_ANNA)[1] for _ in range(20)}
    assert len(blobs) == 20
    assert len({b[:12] for b in blobs}) == 20


@pytest.mark.parametrize("position", [0, 5, 12, 20, -1])
def test_a_flipped_byte_is_detected(position):
    key_id, blob = crypto.seal(IBAN, aad=AAD_ANNA)
    tampered = bytearray(blob)
    tampered[position] ^= 0x01
    with pytest.raises(DecryptionError, match="altered"):
        crypto.unseal(key_id, bytes(tampered), aad=AAD_ANNA)


def test_annas_ciphertext_does_not_open_as_carlas():
    key_id, blob = crypto.seal(IBAN, aad=AAD_ANNA)
    with pytest.raises(DecryptionError, match="AAD mismatch"):
        crypto.unseal(key_id, blob, aad=AAD_CARLA)


def test_a_truncated_value_is_refused():
    key_id, blob = crypto.seal(IBAN, aad=AAD_ANNA)
    with pytest.raises(DecryptionError, match="too short"):
        crypto.unseal(key_id, blob[:20], aad=AAD_ANNA)


def test_an_unknown_key_id_is_refused():
    _, blob = crypto.seal(IBAN, aad=AAD_ANNA)
    with pytest.raises(DecryptionError, match="unknown key id 'k-gone'"):
        crypto.unseal("k-gone", blob, aad=AAD_ANNA)


def test_a_new_kek_leaves_the_data_key_and_its_values_alone(key_file):
    old_id, blob = crypto.seal(IBAN, aad=AAD_ANNA)
    keyring.generate_key(key_file)
    assert crypto.unseal(old_id, blob, aad=AAD_ANNA) == IBAN
    assert crypto.seal(IBAN, aad=AAD_ANNA)[0] == old_id


def test_a_data_key_row_moved_to_another_purpose_does_not_open():
    key_id, blob = crypto.seal(IBAN, aad=AAD_ANNA)
    DataKey.objects.filter(pk=key_id).update(purpose="staff.totpsecret")
    datakeys.reset()
    with pytest.raises(DecryptionError, match=f"data key '{key_id}' does not authenticate"):
        crypto.unseal(key_id, blob, aad=AAD_ANNA)


def test_files_are_sealed_with_the_kek_so_a_backup_needs_only_the_key_file():
    key_id, blob = crypto.seal_bytes(IBAN.encode(), aad="backup:1")
    assert key_id == keyring.get().current_id
    assert not DataKey.objects.exists()
    assert crypto.unseal_bytes(key_id, blob, aad="backup:1") == IBAN.encode()


@given(plaintext=st.text(), aad=st.text(min_size=1, max_size=80))
def test_any_unicode_text_round_trips(plaintext, aad):
    key_id, blob = crypto.seal(plaintext, aad=aad, purpose="register.financial")
    assert crypto.unseal(key_id, blob, aad=aad) == plaintext
