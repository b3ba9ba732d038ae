"""Rt1, Rt4 and delivery: the export is never an e-mail attachment but an expiring,
single-use, signed download link sent to the verified address; downloads are audited and
the file is deleted after the download or the expiry."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.utils import timezone

from privacydesk.requests import actions, clock, delivery
from privacydesk.requests.models import Delivery, Status
from privacydesk.vault.models import AuditEntry

from .conftest import ANNA
from .helpers import verified

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.dates]


def test_anna_downloads_her_access_report_once_from_the_link_in_her_mail(smtp, personas):
    request = verified(smtp, "access", ANNA)
    actions.send_export(request, actor="po")
    request.refresh_from_db()
    assert request.status == Status.ANSWERED
    assert request.answered_how == "e-mail: single-use download link (access)"
    mail = smtp.to(ANNA)[-1]
    assert not mail.is_multipart() and "geen" not in mail["Subject"]  # no attachment
    link = smtp.link(mail, "download")
    client = Client()
    page = client.get(link)  # a preview of the link does not use it up
    assert page.status_code == 200 and b"Download (eenmalig)" in page.content
    response = client.post(link)
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    assert "no-store" in response["Cache-Control"]
    files = zipfile.ZipFile(io.BytesIO(response.content))
    assert sorted(files.namelist()) == ["report.html", "report.json", "report.pdf"]
    document = json.loads(files.read("report.json"))
    assert document["person"]["ref"] == str(personas.anna.ref)
    assert files.read("report.pdf").startswith(b"%PDF")
    # Single use: the second click finds nothing, and the file is gone from disk.
    assert client.post(link).status_code == 410
    # Told as a refusal, not in the green of a success (walk (b) of #15).
    refused = client.get(link).content.decode()
    assert 'class="confirmation refused"' in refused and "al gebruikt" in refused
    assert 'class="confirmation refused"' not in page.content.decode()
    found = Delivery.objects.get()
    assert found.downloaded_at and found.deleted_at
    assert not (delivery.folder() / found.file_name).exists()
    entry = AuditEntry.objects.filter(action="download").get()
    assert entry.person_ref == str(personas.anna.ref) and entry.actor == "requester"


def test_the_timeline_gives_the_links_end_on_the_controllers_clock(smtp, personas):
    # Sent at 00:30 in Amsterdam (23:30 UTC): the note says 00:30, as the mail and the
    # request page do, not 23:30 the day before (walk (b) of #15).
    sent = datetime(2026, 12, 6, 23, 30, tzinfo=UTC)
    actions.send_export(verified(smtp, "access", ANNA), actor="po", now=sent)
    found = Delivery.objects.get()
    local = found.expires_at.astimezone(ZoneInfo("Europe/Amsterdam"))
    assert local.strftime("%H:%M") == "00:30"
    note = found.request.events.get(action="export_ready").note
    assert note.endswith(f"link valid until {local:%Y-%m-%d} 00:30"), note


def test_the_file_on_disk_is_sealed_not_readable(smtp, personas):
    actions.send_export(verified(smtp, "access", ANNA), actor="po")
    found = Delivery.objects.get()
    blob = (delivery.folder() / found.file_name).read_bytes()
    assert b"PK" not in blob[:4] and ANNA.encode() not in blob


def test_an_unused_link_expires_and_the_tick_deletes_the_file(smtp, personas):
    actions.send_export(verified(smtp, "access", ANNA), actor="po")
    link = smtp.link(smtp.to(ANNA)[-1], "download")
    found = Delivery.objects.get()
    later = found.expires_at + timedelta(minutes=1)
    assert clock.tick(later).expired_files == 1
    assert not (delivery.folder() / found.file_name).exists()
    assert Client().post(link).status_code == 410
    assert delivery.take(link.split("/")[-2], now=timezone.now())[1] == "expired"


def test_nothing_is_exported_before_the_identity_is_verified(smtp, personas):
    from privacydesk.requests import intake

    filed = intake.file_web_request(kind="access", name="", email=ANNA, language="nl")
    with pytest.raises(actions.RuleViolation) as refused:
        actions.send_export(filed, actor="po")
    assert refused.value.rule == "Art12" and Delivery.objects.count() == 0


def test_portability_is_a_zip_of_json_and_csv_of_what_anna_provided(smtp, personas):
    request = verified(smtp, "portability", ANNA, lang="en")
    actions.send_export(request, actor="po")
    response = Client().post(smtp.link(smtp.to(ANNA)[-1], "download"))
    files = zipfile.ZipFile(io.BytesIO(response.content))
    assert {"data.json", "names.csv", "email.csv", "address.csv", "README.txt"} <= set(
        files.namelist())
    document = json.loads(files.read("data.json"))
    assert document["schema"] == "privacydesk.portability/1"
    # Her phone number was entered by staff: not data she provided (Art. 20(1)).
    assert "phone" not in document["data"]
    assert document["data"]["email"][0]["address"] == ANNA
    rows = files.read("address.csv").decode().splitlines()
    assert rows[0] == "id,source,provided_on,street,house_number,postcode,city,country"
    assert "Herestraat" in rows[1]
