"""#15: lifting a ban lets an address that tried to break in (W2) reach the site again, so
Olga, the privacy officer, confirms it on a page that names the address and says what will
happen; a POST that did not come from that page lifts nothing. Sales staff see none of it."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from privacydesk.guard import rules
from privacydesk.guard.detector import Evidence
from privacydesk.guard.models import Offender
from privacydesk.guard.services import register_offender

pytestmark = pytest.mark.django_db
OLAF = "203.0.113.66"


def visible_text(page: str) -> str:
    main = page[page.find("<main"):page.rfind("</main>")] if "<main" in page else page
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", main)).split())


@pytest.fixture
def olafs_ban() -> Offender:
    """Olaf tried five passwords and was banned."""
    now = timezone.now().timestamp()
    offender = register_offender(OLAF, Evidence(
        rules={rules.LOGIN_FAILED: 5}, first_seen=now - 60, last_seen=now,
        paths=["/staff/login/"]))
    assert offender is not None and offender.ban_until is not None
    return offender


def _still_banned(offender: Offender) -> bool:
    offender.refresh_from_db()
    return offender.ban_until is not None and not offender.lifted_by


def test_the_register_links_to_the_confirmation_page(staff_client: Any, olafs_ban: Offender):
    page = staff_client("privacy_officer").get("/staff/guard/").content.decode()
    assert f'href="/staff/guard/{olafs_ban.pk}/lift/"' in page


def test_the_confirmation_page_names_the_address_and_what_happens_in_dutch(
        staff_client: Any, olafs_ban: Offender):
    response = staff_client("privacy_officer").get(f"/staff/guard/{olafs_ban.pk}/lift/",
                                                   HTTP_ACCEPT_LANGUAGE="nl")
    assert response.status_code == 200
    text = visible_text(response.content.decode())
    assert f"Blokkade van {OLAF} opheffen?" in text
    assert "kan dit adres de site en de backoffice meteen weer bereiken" in text
    assert "De registratie en het bewijs blijven tot" in text
    assert _still_banned(olafs_ban)


def test_a_post_without_the_confirmation_shows_the_page_and_lifts_nothing(
        staff_client: Any, olafs_ban: Offender):
    response = staff_client("privacy_officer").post(f"/staff/guard/{olafs_ban.pk}/lift/",
                                                    HTTP_ACCEPT_LANGUAGE="nl")
    assert response.status_code == 200
    assert "Blokkade opheffen" in visible_text(response.content.decode())
    assert _still_banned(olafs_ban)
    assert Client(REMOTE_ADDR=OLAF).get("/").status_code == 403


def test_the_confirmed_post_lifts_the_ban(staff_client: Any, olafs_ban: Offender):
    response = staff_client("privacy_officer").post(f"/staff/guard/{olafs_ban.pk}/lift/",
                                                    {"confirmed": "1"})
    assert response.status_code == 302 and response["Location"] == "/staff/guard/"
    assert not _still_banned(olafs_ban)
    assert Client(REMOTE_ADDR=OLAF).get("/").status_code != 403


def test_sales_staff_can_neither_see_nor_lift(staff_client: Any, olafs_ban: Offender):
    sales = staff_client("sales")
    assert sales.get(f"/staff/guard/{olafs_ban.pk}/lift/").status_code == 403
    assert sales.post(f"/staff/guard/{olafs_ban.pk}/lift/",
                      {"confirmed": "1"}).status_code == 403
    assert _still_banned(olafs_ban)
