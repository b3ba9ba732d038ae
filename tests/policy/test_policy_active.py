"""The active policy: configured once with a path (None = the embedded default), loaded lazily,
cached, and never half-loaded."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from privacydesk.policy import PolicyError, active, get_default_policy_path


@pytest.fixture(autouse=True)
def _restore_default() -> Iterator[None]:
    yield
    active.configure(None)


def test_without_configuration_the_embedded_default_is_active() -> None:
    active.configure(None)
    assert active.configured_path() == get_default_policy_path()
    assert active.get_policy().controller.name == "InFactor"


def test_the_active_policy_is_loaded_once_and_cached() -> None:
    active.configure(None)
    assert active.get_policy() is active.get_policy()


def test_configuring_another_file_switches_the_policy(fixtures_dir: Path) -> None:
    active.configure(fixtures_dir / "voorbeeld.toml")
    assert active.get_policy().controller.name == "Voorbeeld BV"
    active.configure(str(fixtures_dir / "voorbeeld.toml"))
    assert active.get_policy().requests.deadline_days == 14
    active.configure("")
    assert active.get_policy().controller.name == "InFactor"


def test_a_defective_active_policy_raises_every_time_and_is_not_cached(tmp_path: Path) -> None:
    broken = tmp_path / "broken.toml"
    broken.write_text("[controller]\nname = 3\n", "utf-8")
    active.configure(broken)
    for _ in range(2):
        with pytest.raises(PolicyError):
            active.get_policy()
