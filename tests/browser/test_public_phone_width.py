"""Issue #15, the public side in a real browser (Chromium): on a 390 px wide phone no
heading runs off the screen and every radio button and check box is a touch-size target;
after a request the thank-you page shows its reference, and the confirmation page names the
request and switches language (Dutch ⇄ English) before the person confirms."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from privacydesk.register import services as register
from privacydesk.requests.models import DataSubjectRequest, Status

from .walks import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.live]

PHONE = {"width": 390, "height": 844}
PAGES = ["/", "/en/", "/nl/contact/", "/en/contact/", "/nl/request/", "/en/request/",
         "/nl/concern/", "/en/concern/", "/nl/thanks/request/", "/en/thanks/contact/"]
TOUCH = 44  # CSS px: WCAG 2.5.5 target size

# Every heading and the page itself within the viewport; for every radio button and check
# box, the box of its clickable area (the control with its label).
_MEASURE = """() => {
  const width = window.innerWidth;
  const wide = [...document.querySelectorAll('h1,h2,h3,h4')]
    .filter(h => h.getBoundingClientRect().right > width + 0.5 || h.scrollWidth > h.clientWidth + 1)
    .map(h => h.textContent.trim());
  const small = [...document.querySelectorAll('input[type=radio],input[type=checkbox]')]
    .filter(i => i.offsetParent !== null)
    .map(i => {
      const label = i.closest('label') || document.querySelector(`label[for="${i.id}"]`);
      const r = (label || i).getBoundingClientRect(), c = i.getBoundingClientRect();
      const left = Math.min(r.left, c.left), right = Math.max(r.right, c.right);
      const top = Math.min(r.top, c.top), bottom = Math.max(r.bottom, c.bottom);
      return {id: i.id, w: right - left, h: bottom - top, box: Math.min(c.width, c.height)};
    })
    .filter(t => t.w < __TOUCH__ || t.h < __TOUCH__ || t.box < 24);
  return {wide, small, overflow: document.documentElement.scrollWidth > width};
}""".replace("__TOUCH__", str(TOUCH))


def _phone(browser: Browser, lang: str = "nl") -> Page:
    context = browser.new_context(viewport=PHONE, locale=f"{lang}-NL", bypass_csp=True,
                                  device_scale_factor=2, is_mobile=True, has_touch=True)
    page = context.new_page()
    page.set_default_timeout(30000)
    return page


def test_at_390_px_no_heading_runs_off_and_choices_are_touch_size(
        browser: Browser, live_server: Any, shot: Any, transactional_db: Any) -> None:
    page = _phone(browser)
    found = {}
    for path in PAGES:
        page.goto(live_server.url + path)
        measured = page.evaluate(_MEASURE)
        if measured["wide"] or measured["small"] or measured["overflow"]:
            found[path] = measured
    shot(page, "public-390-thanks")
    page.goto(f"{live_server.url}/nl/request/")
    shot(page, "public-390-request")
    # The request form's six choices are there and each is measured above.
    assert page.locator("input[type=radio]").count() == 6
    page.context.close()
    assert found == {}


def _anna_in_the_register() -> None:
    person = register.create_person(actor="test", purpose="callback", source="contact_form")
    register.add_role(person, "prospect", actor="test")
    register.add_datum(person, "email", {"address": "anna@example.nl"}, source="contact_form",
                       purpose="callback", basis="consent", actor="test")


def test_anna_sees_her_reference_and_confirms_in_english_after_switching(
        browser: Browser, live_server: Any, shot: Any, axe_source: Path, smtp_server: Any,
        settings: Any, transactional_db: Any) -> None:
    settings.PRIVACYDESK_PUBLIC_URL = live_server.url
    _anna_in_the_register()
    page = _phone(browser)
    page.goto(f"{live_server.url}/nl/request/")
    page.get_by_label("Mijn gegevens inzien").check()
    page.get_by_label("Uw naam", exact=True).fill("Anna de Vries")
    page.get_by_label("E-mailadres", exact=True).fill("anna@example.nl")
    page.get_by_role("button", name="Verzoek versturen").click()
    filed = DataSubjectRequest.objects.get()
    expect(page.locator(".reference")).to_contain_text(filed.reference)
    expect(page.locator("main")).to_contain_text("Bevestig uw verzoek met de link")
    assert_accessible(page, axe_source)
    shot(page, "public-thanks-reference-nl")

    mail = smtp_server.messages[-1].get_body(preferencelist=("plain",)).get_content()
    link = re.search(r"https?://\S+/requests/confirm/\S+/", mail)
    assert link, mail
    page.goto(link.group(0))
    main = page.locator("main")
    expect(main).to_contain_text("U bevestigt dit verzoek")
    expect(main).to_contain_text("inzage in uw gegevens")
    expect(main).to_contain_text(filed.reference)
    assert page.locator("html").get_attribute("lang") == "nl"
    assert_accessible(page, axe_source)
    shot(page, "public-confirm-nl")

    page.get_by_role("link", name="English").click()
    expect(main).to_contain_text("You are confirming this request")
    expect(main).to_contain_text("access to your data")
    assert page.locator("html").get_attribute("lang") == "en"
    assert_accessible(page, axe_source)
    shot(page, "public-confirm-en")
    page.get_by_role("button", name="Yes, this request is mine").click()
    expect(page.locator(".confirmation")).to_contain_text("Your request is confirmed")
    filed.refresh_from_db()
    assert filed.status == Status.VERIFIED
    page.context.close()
