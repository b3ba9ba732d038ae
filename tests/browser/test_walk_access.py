"""Issue #15, walk (b), in a real browser and in Dutch, from a fresh demo: a customer of the
demo asks on the public site to see their data and confirms through the link in the e-mail.
The privacy officer signs in (password and TOTP), opens the request from the dashboard's work
queue, reviews the access report (an audited read, purpose access) and sends it as a
single-use download link. The customer downloads it once — a zip with the report, in their
name — and the link refuses a second download, in Dutch (410). Every back-office page is
Dutch and has no serious or critical axe-core violation.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, expect

from privacydesk.policy import clock
from privacydesk.register.models import Email, Person
from privacydesk.requests.models import DataSubjectRequest, Delivery, Status
from privacydesk.vault.models import AuditEntry

from .walks import (
    ask_and_confirm,
    assert_accessible,
    assert_dutch,
    fresh_demo,
    mail_text,
    sign_in_demo,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.live, pytest.mark.dates]


def _customer() -> tuple[Person, str, str]:
    """A demo person with a name and exactly one e-mail address: (person, name, address)."""
    for email in Email.objects.select_related("person").order_by("id"):
        person = email.person
        name = person.display_name()
        if name != str(person.ref) and Email.objects.filter(person=person).count() == 1:
            return person, name, email.get_values()["address"]
    raise AssertionError("the demo holds nobody with a name and one e-mail address")


def test_an_access_request_confirmed_by_link_reviewed_sent_and_downloaded_once(
        browser: Browser, live_server: Any, shot: Any, axe_source: Path, smtp_server: Any,
        settings: Any, transactional_db: Any, tmp_path: Path) -> None:
    login = fresh_demo()
    person, name, email = _customer()
    base = live_server.url
    settings.PRIVACYDESK_PUBLIC_URL = base

    # The customer asks on the public site and confirms through the link in the e-mail.
    ask_and_confirm(browser, base, smtp_server, "Mijn gegevens inzien", name, email)
    request = DataSubjectRequest.objects.get()
    assert request.status == Status.VERIFIED and request.kind == "access"
    assert request.person_ref == str(person.ref)

    context = browser.new_context(locale="nl-NL", bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(30000)
    sign_in_demo(page, base, login)

    def check(name: str) -> None:
        assert_dutch(page)
        assert_accessible(page, axe_source)
        shot(page, f"walk-access-{name}")

    # The request is on the dashboard's work queue, with the days left on the week's promise.
    page.goto(f"{base}/staff/")
    line = page.locator(".work-list li", has_text=request.reference)
    expect(line).to_contain_text("Inzage (art. 15)")
    expect(line).to_contain_text(re.compile(r"nog [67] dagen"))
    check("1-dashboard")
    line.get_by_role("link").click()
    expect(page.locator("h1")).to_contain_text(request.reference)
    check("2-request")

    # The report as the person will receive it; reading it is recorded, purpose access.
    page.get_by_role("link", name="Het inzageoverzicht controleren").click()
    report = page.locator("article.report")
    expect(report).to_contain_text(name)
    expect(report).to_contain_text(email)
    expect(report).to_contain_text(f"Opgesteld op: {clock.today().isoformat()}")
    assert AuditEntry.objects.filter(action="read", person_ref=str(person.ref),
                                     purpose="access_request").exists()
    check("3-review")
    page.get_by_role("link", name="Terug naar het verzoek").click()

    # Sent: the export is sealed and the single-use link goes to the verified address.
    page.get_by_role("button", name="De export maken en de downloadlink sturen").click()
    expect(page.locator(".messages")).to_contain_text(
        "De export is verstuurd als downloadlink voor één keer.")
    request.refresh_from_db()
    assert request.status == Status.ANSWERED
    expect(page.locator("ol.timeline")).to_contain_text("export klaar")
    # The link's end on one clock: the timeline's note as the list of downloads says it.
    until = Delivery.objects.get(request=request).expires_at.astimezone(clock.zone())
    expect(page.locator("ol.timeline")).to_contain_text(f"{until:%Y-%m-%d %H:%M}")
    expect(page.locator("main")).to_contain_text(f"tot {until:%Y-%m-%d %H:%M}")
    expect(page.locator("dl.facts")).to_contain_text("e-mail: downloadlink voor één keer (inzage)")
    check("4-sent")
    link = re.search(r"https?://\S+/requests/download/\S+/", mail_text(smtp_server, email))
    assert link, mail_text(smtp_server, email)

    # The customer downloads once: a zip with the report in their name.
    visitor = browser.new_context(locale="nl-NL", accept_downloads=True,
                                  bypass_csp=True)  # axe-core on the refusal
    public = visitor.new_page()
    public.set_default_timeout(30000)
    opened = public.goto(link.group(0))
    assert opened is not None and opened.status == 200
    assert_dutch(public)
    expect(public.locator("main")).to_contain_text("één keer worden gedownload")
    with public.expect_download() as download:
        with public.expect_response(lambda r: "/requests/download/" in r.url
                                    and r.request.method == "POST") as answer:
            public.get_by_role("button", name="Download (eenmalig)").click()
    assert answer.value.headers["content-type"] == "application/zip"
    assert download.value.suggested_filename == f"access-{request.reference}.zip"
    saved = tmp_path / "inzage.zip"
    download.value.save_as(saved)
    with zipfile.ZipFile(io.BytesIO(saved.read_bytes())) as bundle:
        assert {"report.json", "report.html", "report.pdf"} <= set(bundle.namelist())
        assert name in bundle.read("report.json").decode()
        assert name in bundle.read("report.html").decode()
    assert Delivery.objects.get(request=request).downloaded_at is not None

    # A second download is refused, in Dutch, and the file is gone.
    again = public.goto(link.group(0))
    assert again is not None and again.status == 410
    assert_dutch(public)
    expect(public.locator(".confirmation.refused")).to_contain_text(
        "Deze link is al gebruikt; het bestand is verwijderd.")
    expect(public.get_by_role("button", name="Download (eenmalig)")).to_have_count(0)
    assert_accessible(public, axe_source)
    shot(public, "walk-access-5-used")
    visitor.close()

    # The officer sees the download on the request's page.
    page.reload()
    expect(page.locator("ol.timeline")).to_contain_text("downloadlink gebruikt")
    check("6-downloaded")
    context.close()
