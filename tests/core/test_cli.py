"""The console script: commands a person can guess, clear errors, thin delegation."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from privacydesk.staff.models import StaffUser
from privacydesk.vault.models import AuditEntry
from tests.console import run_privacydesk


def run(*args: str) -> tuple[int, str]:
    result = run_privacydesk(*args)
    return result.exit_code, result.output


def run_in_a_fresh_install(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """`privacydesk ARGS…` as its own process on an empty SQLite data folder."""
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env["PRIVACYDESK_DATA_DIR"] = str(tmp_path)
    return subprocess.run([sys.executable, "-m", "privacydesk.cli", *args], env=env,
                          capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize(
    "command",
    [[], ["demo"], ["serve"], ["migrate"], ["statement"], ["audit", "verify"],
     ["keys", "rotate"], ["keys", "reencrypt"], ["keys", "generate"], ["token", "create"],
     ["staff", "create"], ["policy", "check"], ["policy", "schema"], ["policy", "reference"],
     ["config"]],
)
def test_every_command_has_help(command: list[str]) -> None:
    code, output = run(*command, "--help")
    assert code == 0 and "usage:" in output.lower()


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
    done = run_in_a_fresh_install(tmp_path, "staff", "create", "--username", "ria",
                                  "--role", "privacy_officer")
    assert done.returncode == 1
    assert "run `privacydesk migrate` first" in done.stderr
    assert "Traceback" not in done.stderr and "no such table" not in done.stderr


def test_version_names_privacydesk_not_django() -> None:
    code, output = run("--version")
    assert code == 0 and output.startswith("privacydesk, version ")


def test_the_overview_lists_privacydesks_commands_and_djangos() -> None:
    code, output = run("--help")
    assert code == 0
    for command in ("serve", "demo", "check", "djangocheck", "keys", "token", "worker"):
        assert f"\n  {command} " in output, command
    assert "showmigrations" in output and "`privacydesk check --deploy`" in output


def test_a_group_without_its_subcommand_is_a_usage_error() -> None:
    code, output = run("keys")
    assert code == 2 and "COMMAND" in output


def test_an_invalid_environment_variable_ends_every_command_with_the_rule_exit_2(
        tmp_path: Path) -> None:
    env = {**os.environ, "PRIVACYDESK_DATA_DIR": str(tmp_path), "PRIVACYDESK_SECURE_COOKIES":
           "maybe"}
    done = subprocess.run([sys.executable, "-m", "privacydesk.cli", "config"], env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    assert "PRIVACYDESK_SECURE_COOKIES: must be true or false" in done.stderr
    assert "Traceback" not in done.stderr


def test_djangos_shell_runs_a_line_with_the_apps_and_models_loaded(tmp_path: Path) -> None:
    done = run_in_a_fresh_install(
        tmp_path, "shell", "-c",
        "from django.apps import apps; print(apps.get_app_config('vault').name, "
        "StaffUser._meta.label)")
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == "privacydesk.vault staff.StaffUser"


def test_djangos_showmigrations_lists_every_app_before_and_after_migrate(
        tmp_path: Path) -> None:
    before = run_in_a_fresh_install(tmp_path, "showmigrations", "vault")
    assert before.returncode == 0, before.stderr
    assert "[ ] 0001_initial" in before.stdout
    assert run_in_a_fresh_install(tmp_path, "migrate").returncode == 0
    after = run_in_a_fresh_install(tmp_path, "showmigrations", "vault")
    assert "[X] 0001_initial" in after.stdout and "[ ]" not in after.stdout


def test_check_deploy_is_djangos_deployment_check_not_the_promises() -> None:
    code, output = run("check", "--deploy", "--fail-level", "CRITICAL")
    assert code == 0, output
    assert "System check identified" in output and "Sec1" not in output


def test_check_list_tags_is_djangos_too() -> None:
    code, output = run("check", "--list-tags")
    assert code == 0 and "models" in output.split() and "urls" in output.split()


def test_djangocheck_is_djangos_system_check_under_a_free_name(tmp_path: Path) -> None:
    done = run_in_a_fresh_install(tmp_path, "djangocheck")
    assert done.returncode == 0, done.stderr
    assert "System check identified no issues" in done.stdout
    deploy = run_in_a_fresh_install(tmp_path, "djangocheck", "--deploy", "--fail-level",
                                    "CRITICAL")
    assert deploy.returncode == 0, deploy.stderr
    assert "System check identified" in deploy.stdout + deploy.stderr


def test_no_module_but_the_console_script_imports_the_cli() -> None:
    """#14.4: each app owns its commands; nothing imports privacydesk.cli (the console
    script's entry in pyproject.toml calls it), so the CLI has no import cycle."""
    import ast

    package = Path(__file__).resolve().parents[2] / "privacydesk"
    importers = []
    for source in package.rglob("*.py"):
        if source == package / "cli.py":
            continue
        for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
            names = ([alias.name for alias in node.names] if isinstance(node, ast.Import)
                     else [f"{node.module}.{alias.name}" for alias in node.names]
                     if isinstance(node, ast.ImportFrom) and node.module else [])
            if any(name == "privacydesk.cli" or name.startswith("privacydesk.cli.")
                   for name in names):
                importers.append(str(source.relative_to(package)))
        if "privacydesk.cli" in source.read_text(encoding="utf-8").replace(
                "privacydesk.cli_", ""):
            importers.append(f"{source.relative_to(package)} (names it)")
    assert importers == []


def test_a_group_command_runs_through_call_command_too(tmp_path: Path) -> None:
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("keys", "generate", "--file", str(tmp_path / "keys.json"), stdout=out)
    assert out.getvalue().startswith("new current key ")


@pytest.mark.django_db
def test_djangos_test_runner_calling_check_with_databases_gets_djangos_check() -> None:
    """Django's DiscoverRunner calls `check` with `databases`: the system checks, not the
    promises (which would fail or pass on data, not on code)."""
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("check", databases=["default"], stdout=out)
    assert "System check identified no issues" in out.getvalue()


def test_a_refusal_anywhere_in_a_command_ends_it_with_one_error_line_exit_1() -> None:
    """A rule, policy, key or configuration error (PrivacydeskError) raised wherever in a
    command is the command's refusal: one line naming field and rule, no traceback."""
    import io

    from privacydesk.console.command import PrivacydeskCommand
    from privacydesk.policy.errors import RuleViolation

    class Refusing(PrivacydeskCommand):
        def handle(self, *args: object, **options: object) -> None:
            raise RuleViolation("serial", "exists", "no server access grant has this serial")

    err = io.StringIO()
    with pytest.raises(SystemExit) as ended:
        Refusing(stdout=io.StringIO(), stderr=err).run_from_argv(["privacydesk", "refusing"])
    assert ended.value.code == 1
    assert err.getvalue() == ("Error: serial: no server access grant has this serial "
                              "[exists]\n")


def test_recording_the_use_of_an_unknown_certificate_is_refused_naming_the_serial(db) -> None:
    outcome = run_privacydesk("access", "record-use", "--serial", "12345",
                              "--host", "srv1.acme.example")
    assert outcome.exit_code == 1
    assert outcome.stderr.startswith("Error: serial") and "Traceback" not in outcome.output
