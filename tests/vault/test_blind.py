"""Blind indexes let privacydesk find Anna by her e-mail address without decrypting or
scanning, and reveal nothing without the index key."""

from __future__ import annotations

import hashlib

import pytest

from privacydesk.vault import VaultError, blind, keyring

ANNA = "Anna.de.Vries@Example.nl"


def test_email_index_ignores_case_and_surrounding_whitespace():
    assert blind.blind_index(f"  {ANNA.upper()}\n") == blind.blind_index(ANNA.lower())
    assert blind.blind_index(ANNA) != blind.blind_index("bram.visser@example.nl")


def test_index_is_keyed_hex_sha256_not_a_plain_hash():
    index = blind.blind_index(ANNA)
    assert len(index) == 64 and int(index, 16) >= 0
    assert index != hashlib.sha256(ANNA.strip().casefold().encode()).hexdigest()


def test_each_kind_has_its_own_key():
    assert blind.blind_index("0612345678", kind="phone") != blind.blind_index(
        "0612345678", kind="email")


def test_phone_and_iban_normalisation():
    assert blind.blind_index("06-1234 5678", kind="phone") == blind.blind_index(
        "0612345678", kind="phone")
    assert blind.blind_index("nl91 abna 0417 1643 00", kind="iban") == blind.blind_index(
        "NL91ABNA0417164300", kind="iban")


def test_index_survives_rotation_of_the_encryption_key(key_file):
    before = blind.blind_index(ANNA)
    keyring.generate_key(key_file)
    assert blind.blind_index(ANNA) == before


def test_another_installation_gets_other_indexes(settings, tmp_path):
    here = blind.blind_index(ANNA)
    settings.PRIVACYDESK_KEY_FILE = str(tmp_path / "other-keys.json")
    assert blind.blind_index(ANNA) != here


def test_a_kind_must_be_a_simple_name():
    with pytest.raises(VaultError, match="kind"):
        blind.blind_index(ANNA, kind="e mail")
