"""Sec1: sealed values open only with the right key and the right context; any change to the
bytes is detected, and keys that were once current keep opening their values."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from privacydesk.vault import DecryptionError, crypto, keyring

AAD_ANNA = "register.financial:3b0d6a52-0000-4000-8000-00000000a001"
AAD_CARLA = "register.financial:3b0d6a52-0000-4000-8000-00000000c001"
IBAN = "NL91ABNA0417164300"


def test_round_trip_under_the_current_key():
    key_id, blob = crypto.seal(IBAN, aad=AAD_ANNA)
    assert key_id == keyring.get().current_id
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


def test_old_keys_still_open_after_a_new_key_is_generated(key_file):
    old_id, blob = crypto.seal(IBAN, aad=AAD_ANNA)
    new_id = keyring.generate_key(key_file)
    assert new_id != old_id
    assert crypto.unseal(old_id, blob, aad=AAD_ANNA) == IBAN
    assert crypto.seal(IBAN, aad=AAD_ANNA)[0] == new_id


def test_reseal_moves_a_value_to_the_current_key(key_file):
    old_id, blob = crypto.seal(IBAN, aad=AAD_ANNA)
    keyring.generate_key(key_file)
    new_id, new_blob = crypto.reseal(old_id, memoryview(blob), aad=AAD_ANNA)
    assert new_id == keyring.get().current_id != old_id
    assert crypto.unseal(new_id, new_blob, aad=AAD_ANNA) == IBAN


@given(plaintext=st.text(), aad=st.text(min_size=1, max_size=80))
def test_any_unicode_text_round_trips(plaintext, aad):
    key_id, blob = crypto.seal(plaintext, aad=aad)
    assert crypto.unseal(key_id, blob, aad=aad) == plaintext


def test_the_bulk_resealer_refuses_what_unseal_refuses(key_file):
    key_id, blob = crypto.seal(IBAN, aad=AAD_ANNA)
    keyring.generate_key(key_file)
    reseal = crypto.Resealer()
    assert crypto.unseal(reseal.key_id, reseal(key_id, blob, AAD_ANNA), aad=AAD_ANNA) == IBAN
    with pytest.raises(DecryptionError, match="AAD mismatch"):
        reseal(key_id, blob, AAD_CARLA)
    with pytest.raises(DecryptionError, match="unknown key id"):
        reseal("k-gone", blob, AAD_ANNA)
    with pytest.raises(DecryptionError, match="too short"):
        reseal(key_id, blob[:8], AAD_ANNA)
