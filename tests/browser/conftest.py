"""Browser test set-up: Debian's Chromium driven by Playwright against pytest-django's live
server, axe-core installed once per machine with npm, screenshots in artifacts/screenshots/.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyotp
import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from privacydesk.staff import protocol
from privacydesk.staff.models import StaffUser

# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make to
# set up staff are still plain synchronous calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
AXE_DIR = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "privacydesk-axe"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
STAFF_PASSWORD = "callback-queue-test-password"


@pytest.fixture(scope="session")
def axe_source() -> Path:
    """axe-core's browser bundle, installed with npm into a cache folder outside the repo."""
    script = AXE_DIR / "node_modules" / "axe-core" / "axe.min.js"
    if not script.exists():
        AXE_DIR.mkdir(parents=True, exist_ok=True)
        subprocess.run(["npm", "install", "--silent", "--no-audit", "--no-fund",
                        "--prefix", str(AXE_DIR), "axe-core@4"], check=True, timeout=300)
    return script


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path="/usr/bin/chromium",
                                              args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(locale="nl-NL")
    tab = context.new_page()
    tab.set_default_timeout(30000)  # the shared test machine can be busy
    yield tab
    context.close()


@pytest.fixture
def shot() -> Any:
    """shot(page, "name") saves a full-page screenshot as artifacts/screenshots/name.png."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(page: Page, name: str) -> Path:
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


@pytest.fixture
def staff_member(transactional_db: Any) -> Any:
    """A sales colleague with a password, a TOTP secret and the accepted protocol."""
    user = StaffUser.objects.create_user(username="sanne", password=STAFF_PASSWORD,
                                         staff_role="sales")
    secret = pyotp.random_base32()
    user.set_totp_secret(secret)
    user.mfa_enabled = True
    user.save()
    user.accept_protocol(protocol.PROTOCOL_VERSION)
    return user, secret


@pytest.fixture
def sign_in() -> Any:
    """sign_in(page, base, username, secret): the real login and MFA pages, TOTP by pyotp."""
    return _sign_in


def _sign_in(page: Page, base: str, username: str, secret: str) -> None:
    page.goto(f"{base}/staff/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", STAFF_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_selector("input[name=code]")
    page.fill("input[name=code]", pyotp.TOTP(secret).now())
    page.click("form button[type=submit]")
    page.wait_for_load_state()
