"""#15: the back office's menu fits one line at 1280 px (it is grouped), at 390 px no heading
runs off the screen, and the dashboard's work queue is readable: the privacy officer signs
in for real (password and TOTP) in Dutch, with a request past its promise waiting.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pyotp
import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from privacydesk.requests import intake
from privacydesk.staff import protocol
from privacydesk.staff.models import StaffUser
from tests.browser.conftest import STAFF_PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.live]

PAGES = ["/staff/", "/staff/requests/", "/staff/retention/", "/staff/incidents/",
         "/staff/access/", "/staff/access/all/", "/staff/guard/"]


@pytest.fixture
def officer(transactional_db: Any) -> tuple[StaffUser, str]:
    """Olga, the privacy officer (every permission), signed up with a TOTP secret."""
    user = StaffUser.objects.create_user(username="olga", password=STAFF_PASSWORD,
                                         staff_role="privacy_officer")
    secret = pyotp.random_base32()
    user.set_totp_secret(secret)
    user.mfa_enabled = True
    user.save()
    user.accept_protocol(protocol.PROTOCOL_VERSION)
    intake.file_staff_request(
        kind="erasure", name="Anna de Vries", email="", message="Wis mijn gegevens.",
        language="nl", actor="olga", channel="letter", address="Dorpsstraat 1, Utrecht",
        received_at=timezone.now() - timedelta(days=8))
    return user, secret


def _nav_lines(page: Page) -> float:
    """How many lines the menu's list takes: its height over one item's height."""
    return float(page.evaluate(
        "() => { const nav = document.querySelector('ul.nav');"
        " const item = nav.querySelector(':scope > li');"
        " return nav.getBoundingClientRect().height / item.getBoundingClientRect().height; }"))


def test_the_menu_is_one_line_at_1280_px_and_no_heading_runs_off_at_390_px(
        browser: Any, live_server: Any, officer: Any, sign_in: Any, shot: Any,
        axe_source: Any) -> None:
    user, secret = officer
    # axe is injected as a script; CSP would rightly block it, so this context bypasses CSP.
    context = browser.new_context(locale="nl-NL", viewport={"width": 1280, "height": 900},
                                  bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(30000)
    sign_in(page, live_server.url, user.username, secret)
    page.goto(f"{live_server.url}/staff/")
    expect(page.locator("html")).to_have_attribute("lang", "nl")
    assert _nav_lines(page) < 1.5, "the menu wraps onto a second line at 1280 px"
    # The header (brand, menu, who is signed in) is one row as well.
    header = page.locator(".site-header").bounding_box()
    brand = page.locator(".brand").bounding_box()
    assert header is not None and brand is not None and header["height"] < brand["height"] * 3
    # The groups open without script and lead to the work.
    page.get_by_text("Werk", exact=True).click()
    expect(page.get_by_role("link", name="Verzoeken", exact=True)).to_be_visible()
    # The work queue: the letter request is past the one-week promise, in red, with a link.
    late = page.locator(".work-late").first
    expect(late).to_contain_text("Anna de Vries")
    expect(late.locator("a")).to_have_attribute("href", re.compile(r"^/staff/requests/"))
    shot(page, "staff-dashboard-1280")
    problems = {}
    for path in PAGES:
        page.goto(live_server.url + path)
        page.add_script_tag(path=str(axe_source))
        result = page.evaluate("async () => await axe.run(document, "
                               "{resultTypes: ['violations']})")
        bad = [f"{v['id']} ({v['impact']}): {v['help']}" for v in result["violations"]
               if v["impact"] in ("serious", "critical")]
        if bad:
            problems[path] = bad
    assert problems == {}
    page.set_viewport_size({"width": 390, "height": 844})
    for path in PAGES:
        page.goto(live_server.url + path)
        overflow = page.evaluate(
            "() => [...document.querySelectorAll('h1, h2, h3')]"
            ".filter(h => h.getBoundingClientRect().right > window.innerWidth + 1"
            " || h.scrollWidth > h.clientWidth + 1).map(h => h.textContent.trim())")
        assert overflow == [], f"{path} at 390 px: headings run off screen: {overflow}"
    shot(page, "staff-dashboard-390")
    context.close()
