"""Sec1: audit anchors also go where the database administrator — and whoever took the data
folder too — cannot reach: an append-only folder, the privacy officer's mailbox (a real
SMTP server) and a syslog collector (a real UDP socket). Each setting is declared,
typed and checked like every other."""

from __future__ import annotations

import json
import logging
import os
import socket
import uuid

import pytest
from django.db import connection

from privacydesk.project.config import ConfigError, load_config, markdown_table
from privacydesk.vault import anchor, anchor_sinks, audit, keyring
from tests.console import run_privacydesk

pytestmark = pytest.mark.django_db

ANNA_REF = str(uuid.UUID(int=0xA001))
OFFICER = "privacy@infactor.nl"


def staff_work(n: int) -> None:
    for i in range(n):
        audit.record(actor="marieke", action="read", object_type="register.email",
                     object_id=str(i), person_ref=ANNA_REF, purpose="agreement")


def verify_cli() -> str:
    result = run_privacydesk("audit", "verify", "--jobs", "1")
    assert result.exit_code == 0, result.output
    return result.output


def wipe() -> None:
    with connection.cursor() as cur:
        cur.execute("DELETE FROM vault_auditentry")
        cur.execute("DELETE FROM vault_audithead")


@pytest.fixture
def anchor_dir(settings, tmp_path):
    settings.PRIVACYDESK_AUDIT_ANCHOR_DIR = tmp_path / "write-once"
    return settings.PRIVACYDESK_AUDIT_ANCHOR_DIR


def test_every_anchor_is_a_new_read_only_file_in_the_append_only_folder(anchor_dir):
    staff_work(3)
    verify_cli()
    staff_work(1)
    verify_cli()
    files = sorted(anchor_dir.iterdir())
    assert [json.loads(f.read_text())["seq"] for f in files] == [3, 4]
    assert {oct(f.stat().st_mode & 0o777) for f in files} == {"0o400"}
    with pytest.raises(FileExistsError):   # never overwritten
        anchor_sinks.to_dir(anchor.Anchor.from_dict(json.loads(files[0].read_text())),
                            anchor_dir)


def test_the_folder_still_names_a_wipe_when_the_anchor_file_was_emptied(anchor_dir, settings):
    # Someone with the database AND the data folder wipes the chain and empties the local
    # anchor file; the copy in the append-only folder remains.
    staff_work(5)
    verify_cli()
    wipe()
    settings.PRIVACYDESK_AUDIT_ANCHOR_FILE.write_text("")
    report = audit.verify()
    assert (report.ok, report.tampering) == (False, "wipe")
    assert "counted 5" in report.reason


def test_the_privacy_officer_receives_each_anchor_by_mail(settings, smtp_server):
    settings.PRIVACYDESK_AUDIT_ANCHOR_EMAIL = OFFICER
    staff_work(4)
    verify_cli()
    assert len(smtp_server.messages) == 1
    mail = smtp_server.messages[0]
    assert mail["To"] == OFFICER
    assert mail["Subject"] == "Anker van het auditlog: regel 4"
    body = mail.get_content()
    assert "Aanleiding: een controle van het auditlog" in body
    assert "Regels in het log: 4" in body
    line = next(text for text in body.splitlines() if text.startswith("{"))
    mailed = anchor.Anchor.from_dict(json.loads(line))
    assert mailed is not None and mailed.seq == 4
    assert mailed.genuine(keyring.get().audit_key)   # the officer can prove it is ours


def test_the_ten_minute_anchor_is_not_mailed(settings, smtp_server,
                                             django_capture_on_commit_callbacks):
    settings.PRIVACYDESK_AUDIT_ANCHOR_EMAIL = OFFICER
    staff_work(2)
    with django_capture_on_commit_callbacks(execute=True):
        anchor.periodic()
    assert anchor.last() is not None and anchor.last().reason == "periodic"
    assert smtp_server.messages == []


def test_a_syslog_collector_receives_each_anchor_as_one_datagram(settings):
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as collector:
        collector.bind(("127.0.0.1", 0))
        collector.settimeout(5)
        port = collector.getsockname()[1]
        settings.PRIVACYDESK_AUDIT_ANCHOR_SYSLOG = f"udp://127.0.0.1:{port}"
        staff_work(2)
        verify_cli()
        datagram = collector.recv(65535).decode()
    assert datagram.startswith("<85>1 ")   # authpriv.notice, RFC 5424 version 1
    header, _, line = datagram.partition(" privacydesk - audit-anchor - ")
    sent = anchor.Anchor.from_dict(json.loads(line))
    assert sent is not None and sent.seq == 2 and sent.genuine(keyring.get().audit_key)
    assert header.split(" ")[1] == sent.at


def test_a_failing_sink_is_logged_and_the_anchor_file_still_written(settings, caplog):
    with socket.socket() as s:   # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        dead = s.getsockname()[1]
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", dead
    settings.PRIVACYDESK_AUDIT_ANCHOR_EMAIL = OFFICER
    staff_work(1)
    with caplog.at_level(logging.ERROR, logger="privacydesk.vault"):
        assert "anchored:" in verify_cli()
    assert anchor.last() is not None and anchor.last().seq == 1
    assert "audit anchor not delivered to the mail sink: ConnectionRefusedError" in caplog.text
    assert OFFICER not in caplog.text


@pytest.mark.parametrize("name, value, rule", [
    ("PRIVACYDESK_AUDIT_ANCHOR_SYSLOG", "tcp://127.0.0.1:514", "udp://host:port"),
    ("PRIVACYDESK_AUDIT_ANCHOR_SYSLOG", "udp://:514", "udp://host:port"),
    ("PRIVACYDESK_AUDIT_ANCHOR_SYSLOG", "udp://127.0.0.1:99999", "udp://host:port"),
    ("PRIVACYDESK_AUDIT_ANCHOR_EMAIL", "privacy@infactor.nl, x@y.nl", "one e-mail address"),
    ("PRIVACYDESK_AUDIT_ANCHOR_EMAIL", "privacy@infactor.nl\r\nBcc: x@y.nl",
     "one e-mail address"),
    ("PRIVACYDESK_AUDIT_ANCHOR_EMAIL", "privacy", "one e-mail address"),
])
def test_a_bad_sink_setting_is_refused_naming_the_variable_and_the_rule(name, value, rule):
    with pytest.raises(ConfigError) as refused:
        load_config({name: value})
    assert str(refused.value).startswith(f"{name}: must be") and rule in str(refused.value)


def test_the_sink_settings_are_declared_and_documented(tmp_path):
    config = load_config({"PRIVACYDESK_AUDIT_ANCHOR_SYSLOG": "udp://[::1]:514",
                          "PRIVACYDESK_AUDIT_ANCHOR_EMAIL": OFFICER,
                          "PRIVACYDESK_AUDIT_ANCHOR_DIR": str(tmp_path)})
    assert config["PRIVACYDESK_AUDIT_ANCHOR_DIR"] == tmp_path
    assert load_config({})["PRIVACYDESK_AUDIT_ANCHOR_EMAIL"] == ""
    table = markdown_table()
    for name in ("DIR", "EMAIL", "SYSLOG"):
        assert f"`PRIVACYDESK_AUDIT_ANCHOR_{name}`" in table
    assert os.linesep.join(line for line in table.splitlines() if "ANCHOR_EMAIL" in line)\
        .count("| email |") == 1
