"""The README stays true: its two commands are CI's, and the configuration table it links
to is the one the code declares."""

from __future__ import annotations

from pathlib import Path

from privacydesk.project.config import markdown_table

README = Path(__file__).resolve().parents[2] / "README.md"
CONFIGURATION = README.parent / "docs" / "configuration.md"


def test_the_configuration_table_matches_the_declared_settings() -> None:
    assert "docs/configuration.md" in README.read_text(encoding="utf-8")
    assert markdown_table() in CONFIGURATION.read_text(encoding="utf-8")


def test_the_readme_stays_a_newcomers_guide() -> None:
    # Issue #14: what it is, the two commands, configuration, the commands, links.
    assert len(README.read_text(encoding="utf-8").splitlines()) <= 150


def test_readme_names_the_two_set_up_commands_and_ci_calls_the_test_one() -> None:
    text = README.read_text(encoding="utf-8")
    assert "bash scripts/demo.sh" in text and "bash scripts/test.sh" in text
    ci = (README.parent / ".ci" / "run").read_text(encoding="utf-8")
    assert "scripts/test.sh" in ci
