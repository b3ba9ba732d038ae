"""Fixtures for the policy tests: no Django, no database.

The project runs pytest with --import-mode=importlib, so helpers reach the tests as
session fixtures (`dump_toml`, `assert_usable`) rather than imports.
"""

from __future__ import annotations

import html
import json
import math
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from privacydesk.policy import Policy, get_default_policy_path, load_policy, render_statement

FIXTURES = Path(__file__).with_name("fixtures")


@pytest.fixture(scope="session")
def policy() -> Policy:
    """InFactor's embedded default policy."""
    return load_policy(get_default_policy_path())


@pytest.fixture(scope="session")
def voorbeeld() -> Policy:
    """A second, different company (Voorbeeld BV, Utrecht, 14-day deadline)."""
    return load_policy(FIXTURES / "voorbeeld.toml")


@pytest.fixture()
def default_data() -> dict[str, Any]:
    """The default policy as a fresh, freely mutable dict."""
    return tomllib.loads(get_default_policy_path().read_text("utf-8"))


@pytest.fixture(scope="session")
def dump_toml() -> Callable[[dict[str, Any]], str]:
    """Write a dict as a TOML document (see `_dump_toml`)."""
    return _dump_toml


@pytest.fixture(scope="session")
def assert_usable() -> Callable[[Policy], None]:
    """Check that a loaded policy is whole (see `_assert_fully_usable`)."""
    return _assert_fully_usable


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False).replace("\x7f", "\\u007f")
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_toml_key(k)} = {_toml_value(v)}" for k, v in value.items()) + "}"
    raise TypeError(type(value))


def _toml_key(key: str) -> str:
    return _toml_value(key)


def _dump_toml(data: dict[str, Any]) -> str:
    """A TOML document for `data` (top-level keys, inline values)."""
    return "".join(f"{_toml_key(k)} = {_toml_value(v)}\n" for k, v in data.items())


def _assert_fully_usable(policy: Policy) -> None:
    """A loaded policy is whole: every reference resolves and every rule can run."""
    assert isinstance(policy, Policy)
    for cat in policy.categories.values():
        assert cat.allowed_roles and cat.allowed_roles <= set(policy.roles)
    for purpose in policy.purposes.values():
        assert purpose.bases and purpose.bases <= set(policy.legal_bases)
    for staff in policy.staff_roles.values():
        assert staff.categories <= set(policy.categories)
    for rule in policy.retention.rules:
        assert rule.categories <= set(policy.categories)
        assert rule.purposes <= set(policy.purposes)
        assert rule.bases <= set(policy.legal_bases)
    for lang in ("nl", "en"):
        assert html.escape(policy.controller.name) in render_statement(policy, lang, "html")
        assert render_statement(policy, lang, "md").startswith("# ")


@pytest.fixture(scope="session")
def fixtures_dir() -> Path:
    """tests/policy/fixtures."""
    return FIXTURES
