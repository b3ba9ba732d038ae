"""The console script: commands a person can guess, clear errors, thin delegation."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from privacydesk.cli import main
from privacydesk.staff.models import StaffUser
from privacydesk.vault.models import AuditEntry


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, list(args))
    return result.exit_code, result.output


@pytest.mark.parametrize(
    "command",
    [[], ["demo"], ["serve"], ["migrate"], ["statement"], ["audit", "verify"],
     ["keys", "rotate"], ["keys", "reencrypt"], ["keys", "generate"], ["token", "create"],
     ["staff", "create"], ["policy", "check"], ["policy", "schema"], ["policy", "reference"],
     ["config"]],
)
def test_every_command_has_help(command: list[str]) -> None:
    code, output = run(*command, "--help")
    assert code == 0 and "Usage:" in output


def test_statement_in_english_names_the_controller() -> None:
    code, output = run("statement", "--lang", "en", "--format", "md")
    assert code == 0
    assert "InFactor" in output and "info@infactor.nl" in output


def test_policy_check_names_file_key_and_rule(tmp_path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("[controller]\nname = 3\n", encoding="utf-8")
    code, output = run("policy", "check", str(bad))
    assert code != 0 and "bad.toml" in output


def test_policy_schema_prints_the_json_schema_editors_validate_against() -> None:
    from privacydesk.policy.schema_render import json_schema

    code, output = run("policy", "schema")
    assert code == 0 and json.loads(output) == json_schema()


def test_policy_reference_prints_docs_policy_md() -> None:
    from privacydesk.policy.schema_render import reference

    code, output = run("policy", "reference")
    assert code == 0 and output == reference() and "`[guard]`" in output


@pytest.mark.django_db
def test_staff_create_then_token_create_for_that_account() -> None:
    code, output = run("staff", "create", "--username", "ria", "--role", "privacy_officer")
    assert code == 0 and "first password" in output
    user = StaffUser.objects.get(username="ria")
    assert user.password.startswith("argon2")
    assert AuditEntry.objects.filter(object_type="staff.staffuser", action="create").exists()
    code, output = run("token", "create", "--user", "ria", "--name", "ci")
    assert code == 0 and output.strip().startswith("pd_")


@pytest.mark.django_db
def test_staff_create_refuses_a_role_the_policy_does_not_know() -> None:
    code, output = run("staff", "create", "--username", "x", "--role", "janitor")
    assert code != 0 and "staff_role" in output
    assert not StaffUser.objects.filter(username="x").exists()


def test_token_create_for_an_unknown_user_names_the_option(db) -> None:
    code, output = run("token", "create", "--user", "ghost")
    assert code != 0 and "--user" in output


def test_keys_generate_makes_a_new_current_key_and_keeps_the_old(tmp_path) -> None:
    import json

    key_file = tmp_path / "keys.json"
    code, first = run("keys", "generate", "--file", str(key_file))
    assert code == 0, first
    code, second = run("keys", "generate", "--file", str(key_file))
    assert code == 0, second
    data = json.loads(key_file.read_text())
    assert len(data["keys"]) == 2 and data["current"] == data["keys"][1]["id"]
    assert data["current"] in second


def test_a_command_before_migrate_says_to_migrate_first(tmp_path) -> None:
    """A new user who skips `privacydesk migrate` is told what to do, not shown a traceback
    about a missing table (#13, 5.11)."""
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["PRIVACYDESK_DATA_DIR"] = str(tmp_path)
    done = subprocess.run(
        [sys.executable, "-m", "privacydesk.cli", "staff", "create", "--username", "ria",
         "--role", "privacy_officer"], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 1
    assert "run `privacydesk migrate` first" in done.stderr
    assert "Traceback" not in done.stderr and "no such table" not in done.stderr
