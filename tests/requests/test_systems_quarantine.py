"""Rt3 with a quarantine: a mailbox that moves a person's correspondence to a folder the
mail server empties after 30 days. The moved messages sit under new locators there, marked
kept by the connector (the folder is declared archive-only with its reason), so the
re-search counts them as kept, not as records left: the erasure is done and the receipt says
why they remain for now."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from privacydesk.policy import active
from privacydesk.requests import actions
from privacydesk.systems.models import SystemTask
from tests.systems.servers import imap as imap_servers

from .conftest import ANNA as ANNA_EMAIL
from .helpers import verified
from .test_systems_rights import run_queue
from .test_systems_walk import _mail

dovecot_server = imap_servers.dovecot_server

MAILBOX = """
[[systems]]
id = "register"
label = { nl = "Register (privacydesk)", en = "Register (privacydesk)" }
owner = "privacy_officer"
operator = "own"
categories = ["names", "address", "phone", "email", "financial", "account", "identity"]
roles = ["customer", "prospect", "employee", "former_employee", "contact"]
purposes = ["callback", "written_contact", "agreement", "legal_obligation", "security"]
identities = ["email", "name", "phone", "postcode_house_number"]
capabilities = ["find", "export", "correct", "erase"]
connector = "register"

[[systems]]
id = "mailbox"
label = { nl = "Gedeelde mailbox info@", en = "Shared mailbox info@" }
owner = "privacy_officer"
operator = "own"
categories = ["names", "phone", "email"]
roles = ["customer", "prospect", "contact"]
purposes = ["agreement"]
identities = ["email", "name", "phone"]
capabilities = ["find", "export", "erase", "scan"]
connector = "imap"
dataset = "systems/mailbox.toml"
hosts = ["127.0.0.1"]
"""

QUARANTINE = """
categories = ["names", "email", "phone"]
[[folders]]
name = "INBOX"
erase = "move"
move_to = "Quarantaine"
[[folders]]
name = "Quarantaine"
erase = "archive_only"
reason = "quarantaine, na 30 dagen door de mailserver geleegd"
"""


@pytest.fixture
def quarantined_mailbox(tmp_path: Path, dovecot_server: Any,
                        monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    box = dovecot_server.mailbox("Quarantaine")
    box.append("INBOX", _mail(f'"Anna de Vries" <{ANNA_EMAIL}>', "info@infactor.example",
                              "Storing kantoornetwerk", "Bel me op 06-12345678. Anna\n"))
    before = active.configured_path()
    (tmp_path / "systems").mkdir()
    (tmp_path / "systems" / "mailbox.toml").write_text(QUARANTINE)
    default = before.read_text("utf-8")
    policy = tmp_path / "policy.toml"
    policy.write_text(default[:default.index("\n[[systems]]") + 1] + MAILBOX, "utf-8")
    monkeypatch.setenv("PRIVACYDESK_SYSTEM_MAILBOX_URL", box.url)
    active.configure(policy)
    try:
        yield box
    finally:
        active.configure(before)


def test_mail_moved_to_the_quarantine_is_kept_not_left(
        smtp, personas, officer, quarantined_mailbox, django_capture_on_commit_callbacks):
    request = verified(smtp, "erasure", ANNA_EMAIL)
    with django_capture_on_commit_callbacks(execute=True):
        actions.erase(request, actor="po")
    with django_capture_on_commit_callbacks(execute=True):
        run_queue()
    task = SystemTask.objects.get(request_uid=request.uid, system="mailbox",
                                  action=SystemTask.ERASE)
    assert task.status == SystemTask.DONE, task.error
    assert (task.remaining, task.kept) == (0, 1)
    assert quarantined_mailbox.messages("INBOX") == []
    assert len(quarantined_mailbox.messages("Quarantaine")) == 1
