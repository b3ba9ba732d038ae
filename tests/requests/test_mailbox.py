"""Rt5: a real IMAP mailbox (Dovecot on loopback) is read and every message is filed —
as a request, for triage, as a concern (Sec5) or as a clear rejection — and a message is
flagged in the mailbox only after what it filed was committed, so nothing is lost and
nothing is filed twice."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from privacydesk.incidents.models import Incident
from privacydesk.requests import intake, kinds, mailbox, mailparse
from privacydesk.requests.models import DataSubjectRequest, FiledMail, Status
from tests.console import run_privacydesk

from . import mails
from .conftest import ANNA

pytestmark = pytest.mark.django_db(transaction=True)
FIXTURES = Path(mails.FIXTURES)


def test_the_twelve_sample_mails_are_filed_by_their_kind(dovecot, smtp, personas):
    manifest = json.loads((FIXTURES / "manifest.json").read_text())
    dovecot.append(*[(FIXTURES / m["file"]).read_bytes() for m in manifest])
    report = mailbox.fetch_mail(dovecot.url)
    assert report.seen == 12 and report.failed == 0
    assert report.concerns == 1  # Olivia's concern went to the incident register
    assert Incident.objects.filter(source="mailbox").count() == 1
    filed = {r.contact()["email"]: r for r in DataSubjectRequest.objects.all()}
    for case in manifest:
        if case["kind"] == "concern":
            continue
        request = filed[case["from"]]
        assert request.kind in (case["kind"], kinds.TRIAGE), case
        assert request.language == case["lang"] and request.channel == "email"
        # Rt6: both clocks from the moment it was filed.
        assert request.statement_deadline > request.received_at
    # None of these senders is in the register: each got the "no data held" answer.
    answered = DataSubjectRequest.objects.filter(status=Status.ANSWERED)
    assert answered.count() == 10
    assert len(smtp.messages) == 10


def test_every_message_is_flagged_after_filing_and_a_second_run_files_nothing(
        dovecot, smtp, personas):
    dovecot.append(mails.eml(ANNA, "Inzage", "Ik wil mijn gegevens inzien."))
    first = mailbox.fetch_mail(dovecot.url)
    assert first.filed == 1
    assert all(b"PrivacydeskFiled" in f and b"\\Seen" in f for f in dovecot.flags())
    second = mailbox.fetch_mail(dovecot.url)
    assert second.seen == 0 and DataSubjectRequest.objects.count() == 1


def test_a_message_someone_already_opened_is_still_filed(dovecot, smtp, personas):
    dovecot.append(mails.eml(ANNA, "Inzage", "Ik wil mijn gegevens inzien."))
    conn = dovecot.connect()
    conn.store("1", "+FLAGS", "\\Seen")  # a colleague read it in their mail program
    conn.logout()
    assert mailbox.fetch_mail(dovecot.url).filed == 1


def test_a_reader_stopped_between_filing_and_flagging_files_nothing_twice(
        dovecot, smtp, personas):
    raw = mails.eml(ANNA, "Inzage", "Ik wil mijn gegevens inzien.")
    dovecot.append(raw)
    # The previous run committed the request but died before it could flag the message.
    intake.file_mail(mailparse.parse(raw.replace(b"\n", b"\r\n")))
    report = mailbox.fetch_mail(dovecot.url)
    assert report.duplicates == 1 and DataSubjectRequest.objects.count() == 1
    assert FiledMail.objects.count() == 1
    assert mailbox.fetch_mail(dovecot.url).seen == 0  # now flagged


def test_hostile_messages_become_triage_or_rejections_and_the_reader_keeps_going(
        dovecot, smtp, personas, settings):
    dovecot.append(mails.garbage(), mails.bad_mime("x@example.net"),
                   mails.wrong_charset("y@example.net"), mails.html_only(ANNA),
                   mails.huge_attachment("z@example.net", 300_000), mails.bounce(),
                   mails.eml(ANNA, "Verwijderen", "Verwijder al mijn gegevens."))
    report = mailbox.fetch_mail(dovecot.url, limit_bytes=200_000)
    assert report.seen == 7 and report.failed == 0
    assert report.rejected == 1  # the bounce: never answered (no mail loops)
    assert report.filed == 1  # Anna's plain erasure request
    triage = DataSubjectRequest.objects.filter(kind=kinds.TRIAGE)
    problems = " ".join(" ".join(r.detail.get("problems", [])) for r in triage)
    assert "size limit" in problems and "HTML only" in problems
    assert "charset" in problems and "malformed MIME" in problems
    # The wrongly declared charset is still read, not lost.
    latin = [r for r in triage if "Düsseldorf" in r.contact()["message"]]
    assert len(latin) == 1
    # The huge attachment was never downloaded: only its headers were read.
    big = [r for r in triage if "size limit" in " ".join(r.detail.get("problems", []))]
    assert big[0].contact()["message"] == ""
    assert all(b"PrivacydeskFiled" in f for f in dovecot.flags())


def test_staff_set_the_kind_of_a_triage_item_and_the_identity_step_starts(
        dovecot, smtp, personas):
    dovecot.append(mails.eml(ANNA, "Hallo", "Kunt u mij bellen over mijn gegevens?"))
    mailbox.fetch_mail(dovecot.url)
    item = DataSubjectRequest.objects.get()
    assert item.kind == kinds.TRIAGE and item.status == Status.NEW and smtp.messages == []
    intake.set_kind(item, kinds.ACCESS, actor="po")
    item.refresh_from_db()
    assert item.status == Status.AWAITING_VERIFICATION
    assert [e.action for e in item.events.all()][-2:] == ["kind_set", "verification_sent"]


def test_the_command_line_reads_the_mailbox(dovecot, smtp, personas):
    dovecot.append(mails.eml(ANNA, "Access", "I would like to see my data: right of access."))
    result = run_privacydesk("requests", "fetch-mail", "--url", dovecot.url)
    assert result.exit_code == 0, result.output
    assert "1 requests" in result.output


def test_a_wrong_password_is_a_clear_error_not_a_crash(dovecot):
    bad = dovecot.url.replace(dovecot.password, "wrong")
    result = run_privacydesk("requests", "fetch-mail", "--url", bad)
    assert result.exit_code == 1 and "mailbox not read" in result.output
