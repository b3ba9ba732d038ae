"""The environment is declared once, typed and validated at start-up."""

from __future__ import annotations

import pytest

from privacydesk.project.config import (
    PLACEHOLDER_SECRET,
    SETTINGS,
    ConfigError,
    load_config,
    markdown_table,
)


def test_defaults_give_a_development_configuration() -> None:
    cfg = load_config({})
    assert cfg["PRIVACYDESK_ENV"] == "development"
    assert cfg.production is False


def test_production_refuses_the_placeholder_secret_naming_the_variable() -> None:
    with pytest.raises(ConfigError, match="PRIVACYDESK_SECRET_KEY") as err:
        load_config({"PRIVACYDESK_ENV": "production", "PRIVACYDESK_KEYS": "k1:abc"})
    assert "placeholder" in str(err.value)


def test_production_refuses_a_short_secret() -> None:
    with pytest.raises(ConfigError, match="32 characters"):
        load_config({"PRIVACYDESK_ENV": "production", "PRIVACYDESK_SECRET_KEY": "short",
                     "PRIVACYDESK_KEYS": "k1:abc"})


def test_production_needs_keys_it_never_generates_silently() -> None:
    with pytest.raises(ConfigError, match="PRIVACYDESK_KEYS"):
        load_config({"PRIVACYDESK_ENV": "production", "PRIVACYDESK_SECRET_KEY": "x" * 40})


def test_production_starts_with_real_secrets() -> None:
    cfg = load_config({"PRIVACYDESK_ENV": "production", "PRIVACYDESK_SECRET_KEY": "x" * 40,
                       "PRIVACYDESK_KEYS": "k1:abc"})
    assert cfg.production
    assert cfg["PRIVACYDESK_SECRET_KEY"] != PLACEHOLDER_SECRET


@pytest.mark.parametrize(
    ("name", "value", "rule"),
    [
        ("PRIVACYDESK_ENV", "staging", "must be one of"),
        ("PRIVACYDESK_SECURE_COOKIES", "maybe", "true or false"),
        ("DATABASE_URL", "localhost/db", "must be a URL"),
        ("PRIVACYDESK_LOG_LEVEL", "LOUD", "must be one of"),
        ("PRIVACYDESK_ACCESS_MAX_MINUTES", "soon", "whole number"),
        ("PRIVACYDESK_ACCESS_MAX_MINUTES", "0", "at least 1"),
        ("PRIVACYDESK_REQUEST_LINK_DAYS", "-3", "at least 1"),
    ],
)
def test_a_bad_value_names_the_variable_and_the_rule(name: str, value: str, rule: str) -> None:
    with pytest.raises(ConfigError) as err:
        load_config({name: value})
    assert name in str(err.value) and rule in str(err.value)


def test_lists_are_split_and_trimmed() -> None:
    cfg = load_config({"PRIVACYDESK_TRUSTED_PROXIES": " 10.0.0.1, ,::1 "})
    assert cfg["PRIVACYDESK_TRUSTED_PROXIES"] == ("10.0.0.1", "::1")


def test_every_setting_has_help_and_appears_in_the_readme_table() -> None:
    table = markdown_table()
    for s in SETTINGS:
        assert s.help.strip(), s.name
        assert f"`{s.name}`" in table
