"""Issue #15, walk (a), in a real browser and in Dutch, from a fresh demo: a person of the
demo writes a letter asking to be erased. The privacy officer registers it, finds the writer
by postcode + house number, links and verifies them, erases their data, makes the answer
letter (PDF on the controller's letterhead), records it as posted — and the request is
closed, with no second "erase" on offer. Every back-office page is Dutch and has no serious
or critical axe-core violation.
"""

from __future__ import annotations

import subprocess
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from privacydesk.policy import clock
from privacydesk.register.models import Address, Person
from privacydesk.requests.models import DataSubjectRequest, Status
from privacydesk.staff.person_labels import short_reference

from .walks import assert_accessible, assert_dutch, fresh_demo, sign_in_demo

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.live, pytest.mark.dates]


def _letter_writer() -> tuple[Person, str, dict[str, Any]]:
    """A demo person with a name and an address: (person, name, address values)."""
    for address in Address.objects.select_related("person").order_by("id"):
        name = address.person.display_name()
        if name != str(address.person.ref):
            return address.person, name, address.get_values()
    raise AssertionError("the demo holds nobody with a name and an address")


def _check(page: Page, axe_source: Path) -> None:
    assert_dutch(page)
    assert_accessible(page, axe_source)


def test_a_letter_asking_for_erasure_is_matched_erased_answered_by_post_and_closed(
        browser: Browser, live_server: Any, shot: Any, axe_source: Path,
        transactional_db: Any, tmp_path: Path) -> None:
    login = fresh_demo()
    person, name, where = _letter_writer()
    context = browser.new_context(locale="nl-NL", bypass_csp=True, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(30000)
    base = live_server.url
    sign_in_demo(page, base, login)

    # The letter is registered as it came in.
    page.goto(f"{base}/staff/requests/new/")
    _check(page, axe_source)
    page.select_option("#id_kind", "erasure")
    page.select_option("#id_channel", "letter")
    page.fill("#id_received_on", (clock.today() - timedelta(days=1)).isoformat())
    page.select_option("#id_language", "nl")
    page.fill("#id_name", name)
    page.fill("#id_address", f"{where['street']} {where['house_number']}\n"
                             f"{where['postcode']} {where['city']}")
    page.locator("main form.form button[type=submit]").click()
    expect(page.locator("form.person-search")).to_be_visible()
    request = DataSubjectRequest.objects.get()
    assert request.channel == "letter" and request.person_ref == ""
    shot(page, "walk-letter-1-registered")
    _check(page, axe_source)

    # Found by postcode + house number, as the letter gives them.
    page.fill("#match_postcode", where["postcode"].replace(" ", "").lower())
    page.fill("#match_house_number", where["house_number"])
    page.locator("form.person-search button[type=submit]").click()
    candidates = page.locator("table.candidates")
    expect(candidates).to_contain_text(name)
    expect(candidates).to_contain_text("postcode + huisnummer")
    shot(page, "walk-letter-2-candidates")
    _check(page, axe_source)
    candidates.locator("tr", has=page.get_by_text(short_reference(person.ref))).get_by_role(
        "button", name="Deze persoon").click()
    expect(page.locator("body")).to_contain_text("De persoon is aan dit verzoek gekoppeld")

    # Verified with the matched person; marking it without one would be refused.
    page.fill("#note", "Handtekening vergeleken met het contract")
    page.locator("form[action$='/verify/'] button[type=submit]").click()
    request.refresh_from_db()
    assert request.status == Status.VERIFIED and request.person_ref == str(person.ref)
    _check(page, axe_source)

    # Erased through the preview (what goes, what stays, who is told).
    page.goto(f"{base}/staff/requests/{request.uid}/erase/preview/")
    _check(page, axe_source)
    page.locator("form[action$='/erase/'] button[type=submit]").click()
    expect(page.locator(".answer-steps")).to_be_visible()
    assert not Person.objects.filter(ref=person.ref).exists()
    # The erase step is done: it is not offered again; the answer by post is.
    expect(page.locator("form[action$='/erase/']")).to_have_count(0)
    expect(page.locator("a[href$='/erase/preview/']")).to_have_count(0)
    expect(page.locator(".answer-steps")).to_contain_text("per post")
    shot(page, "walk-letter-3-erased")
    _check(page, axe_source)

    # The answer letter: a PDF on InFactor's letterhead, to the writer, in Dutch.
    with page.expect_download() as download:
        page.locator("button[formaction$='/answer/letter/']").click()
    letter = tmp_path / "antwoord.pdf"
    download.value.save_as(letter)
    text = subprocess.run(["pdftotext", str(letter), "-"], check=True, capture_output=True,
                          text=True).stdout
    text = " ".join(text.split())  # lines wrap where the page ends them
    assert "InFactor" in text and f"Geachte {name}," in text
    assert where["postcode"] in text and request.reference in text
    assert "verwijdering van uw gegevens" in text

    # Posted: the request is answered and closed, on its timeline.
    page.fill("#answer_note", "ontvangstbevestiging")
    page.locator("form[action$='/answer/post/'] button:not([formaction])").click()
    expect(page.locator("body")).to_contain_text("Het verzoek is gesloten.")
    request.refresh_from_db()
    assert request.status == Status.CLOSED and request.answered_at is not None
    assert request.answered_how == "post: letter sent"
    expect(page.locator(".answer-steps")).to_have_count(0)
    # in Dutch, with what staff wrote kept as written (#15)
    expect(page.locator("ol.timeline")).to_contain_text(
        "brief per post verstuurd: ontvangstbevestiging")
    shot(page, "walk-letter-4-closed")
    _check(page, axe_source)
    context.close()
