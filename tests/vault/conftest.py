"""Every vault test gets its own key file in a temporary folder (development mode), so no
test reads or writes the developer's var/keys.json and each starts from a fresh keyring."""

from __future__ import annotations

from pathlib import Path

import pytest

from privacydesk.vault import keyring


@pytest.fixture(autouse=True)
def key_file(settings, tmp_path) -> Path:
    path = tmp_path / "keys.json"
    settings.PRIVACYDESK_ENV = "development"
    settings.PRIVACYDESK_KEYS = ""
    settings.PRIVACYDESK_KEY_FILE = str(path)
    keyring.reset()
    yield path
    keyring.reset()
