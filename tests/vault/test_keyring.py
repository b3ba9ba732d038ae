"""Sec1: keys are never lost, never silently invented in production, and rotating the
encryption key leaves the blind-index and audit keys alone."""

from __future__ import annotations

import base64
import json
import re
import stat

import pytest

from privacydesk.vault import VaultError, keyring


def b64(n: int, fill: int = 1) -> str:
    return base64.b64encode(bytes([fill]) * n).decode()


def test_development_creates_a_private_key_file_on_first_use(key_file):
    assert not key_file.exists()
    ring = keyring.get()
    assert key_file.exists()
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert re.fullmatch(r"k\d{8}[0-9a-f]{4}", ring.current_id)
    assert len(ring.keys[ring.current_id]) == 32  # AES-256
    data = json.loads(key_file.read_text())
    assert data["current"] == ring.current_id
    assert data["index_secret"] and data["audit_secret"]


def test_production_never_generates_a_missing_key(settings, key_file):
    settings.PRIVACYDESK_ENV = "production"
    with pytest.raises(VaultError, match="never generates keys silently"):
        keyring.get()
    assert not key_file.exists()


def test_the_keyring_is_cached_per_process_until_reset(key_file):
    first = keyring.get()
    assert keyring.get() is first
    keyring.reset()
    assert keyring.get() is not first
    assert keyring.get().current_id == first.current_id


def test_generate_key_appends_a_new_current_key_and_keeps_the_old(key_file):
    old = keyring.get()
    new_id = keyring.generate_key(key_file)
    ring = keyring.get()
    assert ring.current_id == new_id != old.current_id
    assert ring.keys[old.current_id] == old.keys[old.current_id]
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    # The index and audit keys must not move with the encryption key.
    assert ring.index_key == old.index_key
    assert ring.audit_key == old.audit_key


def test_generate_key_creates_a_missing_file_even_in_production(settings, key_file):
    settings.PRIVACYDESK_ENV = "production"
    new_id = keyring.generate_key()
    assert keyring.get().current_id == new_id


def test_environment_keys_last_is_current(settings):
    settings.PRIVACYDESK_KEYS = f"k1:{b64(32, 1)}, k2:{b64(32, 2)}"
    ring = keyring.get()
    assert ring.source == "env"
    assert ring.current_id == "k2"
    assert set(ring.keys) == {"k1", "k2"}


def test_environment_index_and_audit_keys_survive_adding_a_key(settings):
    settings.PRIVACYDESK_KEYS = f"k1:{b64(32, 1)}"
    before = keyring.get()
    settings.PRIVACYDESK_KEYS = f"k1:{b64(32, 1)},k2:{b64(32, 2)}"
    after = keyring.get()
    assert after.current_id == "k2"
    assert (after.index_key, after.audit_key) == (before.index_key, before.audit_key)
    assert before.index_key != before.audit_key


def test_environment_may_name_dedicated_index_and_audit_secrets(settings):
    settings.PRIVACYDESK_KEYS = f"index:{b64(32, 7)},audit:{b64(32, 8)},k1:{b64(32, 1)}"
    ring = keyring.get()
    assert set(ring.keys) == {"k1"}
    assert ring.index_key == bytes([7]) * 32
    assert ring.audit_key == bytes([8]) * 32


@pytest.mark.parametrize("value, message", [
    ("k1:not*base64", "'k1' is not valid base64"),
    (f"k1:{b64(16)}", "must be 32 bytes"),
    ("justakey", "must look like id:base64key"),
    (f"k1:{b64(32)},k1:{b64(32, 2)}", "appears twice"),
    (f"index:{b64(32)}", "holds no encryption key"),
])
def test_bad_environment_keys_are_refused_clearly(settings, value, message):
    settings.PRIVACYDESK_KEYS = value
    with pytest.raises(VaultError, match=re.escape(message)) as exc:
        keyring.get()
    assert "PRIVACYDESK_KEYS" in str(exc.value)


def test_a_corrupt_key_file_is_refused_not_replaced(key_file):
    key_file.write_text("{not json")
    with pytest.raises(VaultError, match="not a readable privacydesk key file"):
        keyring.get()
    with pytest.raises(VaultError):
        keyring.generate_key(key_file)
    assert key_file.read_text() == "{not json"


def test_key_material_never_shows_in_repr(settings):
    settings.PRIVACYDESK_KEYS = f"k1:{b64(32, 65)}"
    ring = keyring.get()
    assert "AAAA" not in repr(ring) and "QUFB" not in repr(ring)
    assert "k1" in repr(ring)


def test_a_key_file_created_meanwhile_by_another_process_is_never_overwritten(key_file):
    keyring.generate_key(key_file)
    theirs = key_file.read_text()
    # A second worker that also found no file a moment ago loses the race politely.
    assert keyring._write_private(key_file, keyring._new_file_data(), replace=False) is False
    assert key_file.read_text() == theirs
    keyring.reset()
    assert keyring.get().current_id == json.loads(theirs)["current"]
