"""The README stays true: its configuration table is the one the code declares."""

from __future__ import annotations

from pathlib import Path

from privacydesk.config import markdown_table

README = Path(__file__).resolve().parents[2] / "README.md"


def test_readme_configuration_table_matches_the_declared_settings() -> None:
    assert markdown_table() in README.read_text(encoding="utf-8")


def test_readme_names_the_two_set_up_commands_and_ci_calls_the_test_one() -> None:
    text = README.read_text(encoding="utf-8")
    assert "bash scripts/demo.sh" in text and "bash scripts/test.sh" in text
    ci = (README.parent / ".ci" / "run").read_text(encoding="utf-8")
    assert "scripts/test.sh" in ci
