"""The issue's "done when": Anna e-mails "ik wil mijn gegevens inzien"; after the
confirmation step she downloads a complete report within the week. Real IMAP (Dovecot),
real SMTP (aiosmtpd), the real web pages."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from django.test import Client
from django.utils import timezone

from privacydesk.requests import mailbox
from privacydesk.requests.models import DataSubjectRequest, Status

from . import mails
from .conftest import ANNA

pytestmark = pytest.mark.django_db(transaction=True)


def test_anna_mails_an_access_request_and_downloads_her_report_within_the_week(
        dovecot, smtp, personas, staff_client):
    dovecot.append(mails.eml(ANNA, "Mijn gegevens", "Hallo, ik wil mijn gegevens inzien.",
                             name="Anna de Vries"))
    assert mailbox.fetch_mail(dovecot.url).filed == 1
    request = DataSubjectRequest.objects.get()
    assert (request.kind, request.language, request.status) == (
        "access", "nl", Status.AWAITING_VERIFICATION)

    browser = Client()
    confirm = smtp.link(smtp.to(ANNA)[-1], "confirm")
    assert browser.post(confirm).status_code == 200

    officer = staff_client("privacy_officer")
    assert officer.post(f"/staff/requests/{request.uid}/export/").status_code == 302

    download = smtp.link(smtp.to(ANNA)[-1], "download")
    archive = zipfile.ZipFile(io.BytesIO(browser.post(download).content))
    report = json.loads(archive.read("report.json"))
    categories = {d["category"] for d in report["data"]}
    assert categories == {"names", "email", "address", "phone"}

    request.refresh_from_db()
    assert request.status == Status.ANSWERED
    assert request.answered_at <= request.statement_deadline  # within the week (Rt6)
    assert request.answered_at <= timezone.now()
