"""Issue #15, walk (d), in a real browser and in Dutch, from a fresh demo: a person of the
demo calls to have the use of their data restricted (Art. 18). The privacy officer registers
the call, finds the caller by their telephone number, links and verifies them, restricts the
data and records the call back in which the answer was given (who, when, what was said) —
and the request is closed. Every back-office page is Dutch and has no serious or critical
axe-core violation.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, expect

from privacydesk.policy import clock
from privacydesk.register.models import Person, Phone
from privacydesk.requests.models import DataSubjectRequest, Status
from privacydesk.staff.person_labels import short_reference

from .walks import assert_accessible, assert_dutch, fresh_demo, sign_in_demo

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.live, pytest.mark.dates]


def _caller() -> tuple[Person, str, str]:
    """A demo person with a name and a telephone number: (person, name, number)."""
    for phone in Phone.objects.select_related("person").order_by("id"):
        name = phone.person.display_name()
        if name != str(phone.person.ref):
            return phone.person, name, phone.number
    raise AssertionError("the demo holds nobody with a name and a telephone number")


def _national(number: str) -> str:
    # As a caller says it: "+31 6 …" becomes "06 …".
    return "0" + number[3:] if number.startswith("+31") else number


def test_a_call_asking_for_restriction_is_matched_by_phone_answered_by_phone_and_closed(
        browser: Browser, live_server: Any, shot: Any, axe_source: Path,
        transactional_db: Any) -> None:
    login = fresh_demo()
    person, name, number = _caller()
    context = browser.new_context(locale="nl-NL", bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(30000)
    base = live_server.url
    sign_in_demo(page, base, login)

    def check() -> None:
        assert_dutch(page)
        assert_accessible(page, axe_source)

    # The call is registered as it came in (the caller gave a postal address).
    page.goto(f"{base}/staff/requests/new/")
    page.select_option("#id_kind", "restriction")
    page.select_option("#id_channel", "phone")
    page.fill("#id_received_on", (clock.today() - timedelta(days=1)).isoformat())
    page.select_option("#id_language", "nl")
    page.fill("#id_name", name)
    page.fill("#id_address", "Vismarkt 1\n9712 CA Groningen")
    page.locator("main form.form button[type=submit]").click()
    expect(page.locator("form.person-search")).to_be_visible()
    request = DataSubjectRequest.objects.get()
    assert request.channel == "phone"
    check()

    # Found by the number the caller gave.
    page.fill("#match_phone", _national(number))
    page.locator("form.person-search button[type=submit]").click()
    candidates = page.locator("table.candidates")
    expect(candidates).to_contain_text(name)
    expect(candidates).to_contain_text("telefoonnummer")
    shot(page, "walk-phone-1-candidates")
    check()
    candidates.locator("tr", has=page.get_by_text(short_reference(person.ref))).get_by_role(
        "button", name="Deze persoon").click()
    page.fill("#note", "Teruggebeld op het nummer in het register")
    page.locator("form[action$='/verify/'] button[type=submit]").click()
    request.refresh_from_db()
    assert request.status == Status.VERIFIED and request.person_ref == str(person.ref)

    # Restricted, then answered in a call back.
    page.locator("form[action$='/restrict/'] button[type=submit]").click()
    person.refresh_from_db()
    assert person.restricted
    answers = page.locator(".answer-steps")
    expect(answers).to_contain_text("Telefonisch beantwoord")
    shot(page, "walk-phone-2-restricted")
    check()
    called = clock.now() - timedelta(minutes=5)
    page.fill("#call_who", "Sanne de Boer")
    page.fill("#call_at", called.strftime("%Y-%m-%dT%H:%M"))
    page.fill("#call_said", "Uitgelegd dat haar gegevens bewaard blijven maar niet meer "
                            "gebruikt worden.")
    page.locator("form[action$='/answer/phone/'] button[type=submit]").click()
    expect(page.locator("body")).to_contain_text("Het verzoek is gesloten.")
    request.refresh_from_db()
    assert request.status == Status.CLOSED
    assert request.answered_how == "phone: answered in a call"
    assert request.detail["answer"]["who"] == "Sanne de Boer"
    assert clock.day_of(request.answered_at) == clock.day_of(called)
    # in Dutch, with who spoke kept as written (#15)
    expect(page.locator("ol.timeline")).to_contain_text("telefonisch beantwoord (Sanne de Boer)")
    expect(answers).to_have_count(0)
    shot(page, "walk-phone-3-closed")
    check()
    context.close()
