"""A declared system is connected by environment variables, declared and checked like every
other (#16.1): PRIVACYDESK_SYSTEM_<ID>_URL with its credentials, never shown, and
PRIVACYDESK_SYSTEM_<ID>_TIMEOUT."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from privacydesk.project.config import ConfigError, load_config, markdown_table

SECRET = "s3cret-Ticket-Key"


def test_the_ticketing_systems_url_and_timeout_are_read_and_typed() -> None:
    cfg = load_config({"PRIVACYDESK_SYSTEM_TICKETING_URL": f"http://{SECRET}@127.0.0.1:3000/",
                       "PRIVACYDESK_SYSTEM_TICKETING_TIMEOUT": "2.5"})
    assert cfg.systems() == {"PRIVACYDESK_SYSTEM_TICKETING_URL":
                             f"http://{SECRET}@127.0.0.1:3000/",
                             "PRIVACYDESK_SYSTEM_TICKETING_TIMEOUT": 2.5}


def test_a_url_without_a_host_stops_start_up_naming_the_variable_not_the_password() -> None:
    with pytest.raises(ConfigError) as err:
        load_config({"PRIVACYDESK_SYSTEM_CRM_URL": f"crm:{SECRET}@"})
    assert str(err.value).startswith("PRIVACYDESK_SYSTEM_CRM_URL: must be a URL like")
    assert SECRET not in str(err.value)


def test_a_url_with_a_port_that_is_no_number_is_refused_without_the_password() -> None:
    with pytest.raises(ConfigError, match="PRIVACYDESK_SYSTEM_CRM_URL") as err:
        load_config({"PRIVACYDESK_SYSTEM_CRM_URL": f"postgresql://crm:{SECRET}@db:port/crm"})
    assert SECRET not in str(err.value)


@pytest.mark.parametrize("raw", ["0", "-1", "ten", "", "inf", "nan"])
def test_a_timeout_must_be_seconds_above_zero(raw: str) -> None:
    with pytest.raises(ConfigError, match="PRIVACYDESK_SYSTEM_MAILBOX_TIMEOUT: must be a "
                                          "number of seconds above 0"):
        load_config({"PRIVACYDESK_SYSTEM_MAILBOX_TIMEOUT": raw})


def test_a_misspelt_system_variable_stops_start_up_instead_of_leaving_it_unconnected() -> None:
    with pytest.raises(ConfigError, match="PRIVACYDESK_SYSTEM_CRM_URI: not a variable "
                                          "privacydesk reads"):
        load_config({"PRIVACYDESK_SYSTEM_CRM_URI": "postgresql://127.0.0.1/crm"})


def test_a_url_for_a_system_the_policy_does_not_declare_is_no_error_at_start_up() -> None:
    # The configuration is read before the policy, and such a URL connects nothing; the
    # promise check warns about it by name (tests/check/test_systems_declared.py).
    cfg = load_config({"PRIVACYDESK_SYSTEM_TICKETNG_URL": "https://127.0.0.1/"})
    assert cfg.systems() == {"PRIVACYDESK_SYSTEM_TICKETNG_URL": "https://127.0.0.1/"}


def test_an_empty_url_leaves_the_system_not_connected() -> None:
    assert load_config({"PRIVACYDESK_SYSTEM_CRM_URL": " "}).systems() == {
        "PRIVACYDESK_SYSTEM_CRM_URL": ""}


def test_the_configuration_table_documents_both_variables() -> None:
    table = markdown_table()
    assert "| `PRIVACYDESK_SYSTEM_<ID>_URL` | url |" in table
    assert "| `PRIVACYDESK_SYSTEM_<ID>_TIMEOUT` | seconds | `10` |" in table


def test_privacydesk_config_shows_a_systems_url_as_set_and_never_its_credentials(
        tmp_path: Path) -> None:
    env = {**os.environ, "PRIVACYDESK_DATA_DIR": str(tmp_path),
           "PRIVACYDESK_SYSTEM_TICKETING_URL": f"http://{SECRET}@127.0.0.1:3000/",
           "PRIVACYDESK_SYSTEM_TICKETING_TIMEOUT": "4"}
    done = subprocess.run([sys.executable, "-m", "privacydesk.cli", "config"], env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "PRIVACYDESK_SYSTEM_TICKETING_URL = (set)" in done.stdout
    assert "PRIVACYDESK_SYSTEM_TICKETING_TIMEOUT = 4.0" in done.stdout
    assert SECRET not in done.stdout + done.stderr


def test_an_invalid_system_variable_ends_a_command_with_exit_status_2(tmp_path: Path) -> None:
    env = {**os.environ, "PRIVACYDESK_DATA_DIR": str(tmp_path),
           "PRIVACYDESK_SYSTEM_CRM_URL": f"crm:{SECRET}"}
    done = subprocess.run([sys.executable, "-m", "privacydesk.cli", "config"], env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    assert "PRIVACYDESK_SYSTEM_CRM_URL: must be a URL like" in done.stderr
    assert SECRET not in done.stdout + done.stderr
