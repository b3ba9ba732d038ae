"""Issue #15, three back-office pages in a real browser and in Dutch, from a fresh demo: the
privacy officer signs in (password and TOTP) and reads

* an incident's own page — what was reported, the reporter, the breach decision with its
  reason and the 72-hour clock — with the action to close it;
* the retention page with data due within 30 days, grouped by day and rule, people by name
  and reference;
* the server-access request form, where "who at the client asked" is found by searching the
  server's client's contacts by name: Eva Smit of Acme BV is offered, nobody else.

Each page is Dutch (no translated msgid shown in English) and has no serious or critical
axe-core violation; screenshots go to artifacts/screenshots/.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, expect

from privacydesk.access import requests as access
from privacydesk.incidents import services as incidents
from privacydesk.policy import clock
from privacydesk.register import services
from privacydesk.register.models import Phone
from privacydesk.retention import services as retention
from privacydesk.staff.models import StaffUser

from .walks import assert_accessible, assert_dutch, fresh_demo, sign_in_demo

pytestmark = [pytest.mark.browser, pytest.mark.live]

ACTOR = "walk"


def _bram_due_soon() -> None:
    """Bram, a prospect whose callback number was taken almost six months ago: the contact
    period (R2) ends within 30 days, so the retention page lists it."""
    bram = services.create_person(actor=ACTOR, purpose="callback", source="contact_form")
    services.add_role(bram, "prospect", actor=ACTOR,
                      started_on=clock.today() - timedelta(days=170))
    services.add_datum(bram, "names", {"given_names": "Bram", "family_name": "Visser"},
                       source="contact_form", purpose="callback", basis="consent", actor=ACTOR)
    services.add_datum(bram, "phone", {"number": "+31612345678"}, source="contact_form",
                       purpose="callback", basis="consent", actor=ACTOR)
    Phone.objects.filter(person=bram).update(
        created_at=clock.now() - timedelta(days=170))
    retention.recompute_for_person(bram)


def _acme_with_eva(officer: StaffUser) -> None:
    """Acme BV with its server and its contact Eva Smit."""
    acme = services.create_organisation("Acme BV", actor=ACTOR, coc_number="12345678")
    eva = services.create_person(actor=ACTOR, purpose="callback", source="contact_form")
    services.add_role(eva, "contact", actor=ACTOR, organisation=acme,
                      started_on=clock.today() - timedelta(days=60))
    services.add_datum(eva, "names", {"given_names": "Eva", "family_name": "Smit"},
                       source="contact_form", purpose="callback", basis="consent", actor=ACTOR)
    access.add_server("srv1.acme.example", organisation=acme, actor=officer)


def test_the_incident_page_the_retention_page_and_the_client_contact_search_in_dutch(
        browser: Browser, live_server: Any, transactional_db: Any, shot: Any,
        axe_source: Path) -> None:
    login = fresh_demo()
    officer = StaffUser.objects.get(username=login.username)
    _bram_due_soon()
    _acme_with_eva(officer)
    breach = incidents.mark_breach(incidents.file_concern(
        "De loonstrook van een collega zat in mijn envelop.", reporter_name="Carla Jansen",
        reporter_email="carla.jansen@example.nl"), actor=ACTOR,
        reason="Loonstrook met BSN bij een derde.")
    base = live_server.url
    # axe is injected as a script; CSP would rightly block it, so this context bypasses CSP.
    context = browser.new_context(locale="nl-NL", bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(30000)
    sign_in_demo(page, base, login)

    page.goto(f"{base}/staff/incidents/{breach.pk}/")
    main = page.locator("main")
    expect(main).to_contain_text("Carla Jansen <carla.jansen@example.nl>")
    expect(main).to_contain_text("Beoordeeld als datalek: Loonstrook met BSN bij een derde.")
    expect(main).to_contain_text("Nog niet gemeld aan de Autoriteit Persoonsgegevens.")
    expect(main.get_by_role("link", name="Incident sluiten…")).to_be_visible()
    assert_dutch(page)
    assert_accessible(page, axe_source)
    shot(page, "walk-incident-detail")

    page.goto(f"{base}/staff/retention/")
    day = page.locator("section.retention-day").first
    expect(day).to_be_visible()
    expect(page.locator("main")).to_contain_text("Bram Visser (P-")
    assert_dutch(page)
    assert_accessible(page, axe_source)
    shot(page, "walk-retention-with-data")

    page.goto(f"{base}/staff/access/")
    search = page.locator("#contact-search")
    search.get_by_label("Server van de klant").select_option(label="srv1.acme.example — Acme BV")
    search.get_by_label("Naam van de contactpersoon").fill("Smit")
    search.get_by_role("button").click()
    who = page.locator("#repair_contact_ref")
    expect(who).to_be_visible()
    options = who.locator("option").all_inner_texts()
    assert [o for o in options if o != "—"] == [o for o in options if o.startswith("Eva Smit (P-")]
    assert len(options) == 2, options
    assert_dutch(page)
    assert_accessible(page, axe_source)
    shot(page, "walk-access-client-contact-search")
    context.close()
