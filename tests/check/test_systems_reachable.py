"""The systems' line `systems-reachable` of `privacydesk check` (#16.4): every connected
system answers now, with its credentials and its declared dataset. A system that would fail
a data subject's search (down, refusing the password, missing a declared folder) fails the
line by name and kind, never by URL or password, before a request finds out (Rt1, Rt3)."""

from __future__ import annotations

import os

import pytest

from privacydesk.check import FAIL, IDLE, PASS
from privacydesk.check.systems import run_system_lines
from tests.systems.servers.imap import Dovecot, dovecot_server  # noqa: F401 - the fixture
from tests.systems.servers.sql import closed_port

pytestmark = [pytest.mark.django_db, pytest.mark.live]


@pytest.fixture(autouse=True)
def no_urls(monkeypatch: pytest.MonkeyPatch) -> None:
    """No system connected, whatever the environment of the test run says."""
    for name in list(os.environ):
        if name.startswith("PRIVACYDESK_SYSTEM_") and name.endswith("_URL"):
            monkeypatch.delenv(name)


def _line():  # type: ignore[no-untyped-def]
    (line,) = run_system_lines(["systems-reachable"])
    return line


def test_with_no_system_connected_there_is_nothing_to_ask():
    line = _line()
    assert line.status == IDLE, line


def test_the_shared_mailbox_answers_with_its_folders(monkeypatch, dovecot_server):  # noqa: F811
    box = dovecot_server.mailbox("Sent")
    monkeypatch.setenv("PRIVACYDESK_SYSTEM_MAILBOX_URL", box.url)
    line = _line()
    assert line.status == PASS, line
    assert line.details == ["mailbox: answers"]


def test_a_mailbox_that_is_down_fails_by_name_and_kind_without_its_password(monkeypatch):
    monkeypatch.setenv("PRIVACYDESK_SYSTEM_MAILBOX_URL",
                       f"imap://info:{Dovecot.password}@127.0.0.1:{closed_port()}/")
    line = _line()
    assert line.status == FAIL
    assert line.details == ["mailbox: unreachable"]
    assert Dovecot.password not in str(line)


def test_a_refused_password_fails(monkeypatch, dovecot_server):  # noqa: F811
    box = dovecot_server.mailbox("Sent")
    monkeypatch.setenv("PRIVACYDESK_SYSTEM_MAILBOX_URL",
                       box.url.replace(box.password, "not-the-password"))
    line = _line()
    assert line.status == FAIL
    assert line.details == ["mailbox: refused"]


def test_a_declared_folder_missing_from_the_mailbox_fails_as_misdeclared(
        monkeypatch, dovecot_server):  # noqa: F811
    box = dovecot_server.mailbox()  # INBOX only: the declared "Sent" is not there
    monkeypatch.setenv("PRIVACYDESK_SYSTEM_MAILBOX_URL", box.url)
    line = _line()
    assert line.status == FAIL
    assert line.details == ["mailbox: misdeclared"]
