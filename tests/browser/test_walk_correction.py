"""Issue #15, walk (c), in a real browser and in Dutch, from a fresh demo: a customer of the
demo asks on the public site to have their telephone number corrected and confirms through
the e-mail link. The privacy officer signs in (password and TOTP), opens the request, opens
the person's data (the view is recorded with the purpose rectification), picks the
telephone number — no category slug, datum number or field key is typed — mistypes it and
sees the rule explained on the field with what was typed kept, corrects it, sees old → new
and the recipient that will be told (Art. 19), confirms, and tells the person. The request
is answered, and the recipient to inform is on its timeline. Every back-office page is Dutch
and has no serious or critical axe-core violation.

The same picking for an erasure: a customer asks to have their data deleted, the officer
ticks only the rows the person named (the address), sees what goes and who is told, and
confirms; the rest of the person's data stay, and the receipt says so.
"""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from privacydesk.policy import clock
from privacydesk.register import services
from privacydesk.register.models import Address, AgreementRecipient, Email, Person, Phone
from privacydesk.requests.models import DataSubjectRequest, Status

from .walks import ask_and_confirm, assert_accessible, assert_dutch, fresh_demo, sign_in_demo

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.live]

RECIPIENT = "Storingsdienst Noord B.V."
NEW_NUMBER = "+31623456789"


def _customer() -> tuple[Person, str, str, Phone]:
    """A demo person with a name, one e-mail address and a telephone number."""
    for phone in Phone.objects.select_related("person").order_by("id"):
        person = phone.person
        name = person.display_name()
        emails = list(Email.objects.filter(person=person))
        if name != str(person.ref) and len(emails) == 1 and \
                phone.get_values()["number"] != NEW_NUMBER and \
                Phone.objects.filter(person=person).count() == 1:
            return person, name, emails[0].get_values()["address"], phone
    raise AssertionError("the demo holds nobody with a name, an e-mail and a phone number")


def _officer(browser: Browser, base: str, login: Any) -> Page:
    """The demo's privacy officer, signed in with password and TOTP, protocol accepted."""
    context = browser.new_context(locale="nl-NL", bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(30000)
    sign_in_demo(page, base, login)
    if "/protocol/" in page.url:  # the first sign-in: the staff protocol is accepted
        page.locator("input[name=accept]").check()
        page.locator("main form button[type=submit]").click()
        page.wait_for_load_state()
    assert "/protocol/" not in page.url
    return page


def test_a_correction_picked_from_the_persons_data_with_the_recipients_told(
        browser: Browser, live_server: Any, shot: Any, axe_source: Path, smtp_server: Any,
        settings: Any, transactional_db: Any) -> None:
    login = fresh_demo()
    person, name, email, phone = _customer()
    old_number = phone.get_values()["number"]
    # The person's service agreement names who receives their number (D2): the demo's own
    # recipients receive no telephone numbers, so this one recipient is added for the walk.
    services.create_agreement(
        "sla", "SLA-2026-STORING", "Storingsdienst buiten kantoortijd",
        clock.today() - timedelta(days=30), parties=[person], actor="walk",
        recipients=[{"recipient": RECIPIENT, "categories": ["names", "phone"],
                     "legal_basis": "contract", "purpose": "storingen verhelpen"}])
    base = live_server.url
    settings.PRIVACYDESK_PUBLIC_URL = base

    # The person asks on the public site and confirms through the link in the e-mail.
    ask_and_confirm(browser, base, smtp_server, "Mijn gegevens laten corrigeren", name, email)
    request = DataSubjectRequest.objects.get()
    assert request.status == Status.VERIFIED and request.kind == "rectification"

    # The privacy officer opens the request (signed in with password and TOTP).
    page = _officer(browser, base, login)

    def check() -> None:
        assert_dutch(page)
        assert_accessible(page, axe_source)

    page.goto(f"{base}/staff/requests/")
    page.get_by_role("link", name=request.reference).first.click()
    expect(page.locator("h1")).to_contain_text(request.reference)
    for internal in ("Datum number", "Datumnummer", "field: value"):
        expect(page.locator("main")).not_to_contain_text(internal)
    check()
    shot(page, "walk-correction-1-request")

    # The purpose step, then the person's data with an action on each row.
    page.get_by_role("button", name="De gegevens van de persoon tonen").click()
    data = page.locator("#person-data")
    expect(data).to_contain_text("Telefoonnummers")
    expect(data).to_contain_text(old_number)
    check()
    shot(page, "walk-correction-2-data")
    data.locator("tr", has_text=old_number).get_by_role("link", name=re.compile(
        "Dit gegeven corrigeren")).click()

    # A mistyped number: the rule is explained on its field, what was typed stays.
    field = page.get_by_label("Telefoonnummer")
    expect(field).to_have_value(old_number)  # prefilled with the current value
    field.fill("bel maar")
    page.get_by_role("button", name="Wijziging bekijken").click()
    expect(page.locator("main")).to_contain_text(
        "Telefoonnummer: is geen telefoonnummer (regel format)")
    expect(page.get_by_label("Telefoonnummer")).to_have_value("bel maar")
    check()
    shot(page, "walk-correction-3-error")

    # The right number: the preview shows old → new and who will be told.
    page.get_by_label("Telefoonnummer").fill("06 23456789")
    page.get_by_role("button", name="Wijziging bekijken").click()
    preview = page.locator("table.correction-preview")
    expect(preview).to_contain_text(old_number)
    expect(preview).to_contain_text(NEW_NUMBER)
    expect(page.locator("ul.recipients")).to_contain_text(RECIPIENT)
    assert Phone.objects.get(pk=phone.pk).get_values()["number"] == old_number  # not yet
    check()
    shot(page, "walk-correction-4-preview")

    page.get_by_role("button", name="Correctie bevestigen").click()
    expect(page.locator(".messages")).to_contain_text(
        f"Gecorrigeerd. In te lichten ontvangers (art. 19 AVG): {RECIPIENT}")
    expect(page.locator("ol.timeline")).to_contain_text(RECIPIENT)
    check()
    shot(page, "walk-correction-5-corrected")
    assert Phone.objects.get(pk=phone.pk).get_values()["number"] == NEW_NUMBER
    request.refresh_from_db()
    assert request.detail["corrections"] == [
        {"category": "phone", "datum": phone.pk, "recipients": [RECIPIENT]}]
    assert request.events.filter(action="corrected", note__contains=RECIPIENT).exists()

    # The person is told, and the request is answered.
    page.fill("#summary", "Uw telefoonnummer is aangepast.")
    page.locator("form", has=page.locator("#summary")).get_by_role("button").click()
    page.wait_for_load_state()
    if page.locator(".mail-preview").count():  # the mail is shown before it is sent
        check()
        page.locator("form[action$='/done/'] button[type=submit]").click()
        page.wait_for_load_state()
    request.refresh_from_db()
    assert request.status == Status.ANSWERED
    told = [m for m in smtp_server.messages if email in str(m["To"])][-1]
    assert "Uw telefoonnummer is aangepast." in told.get_body(
        preferencelist=("plain",)).get_content()
    check()
    shot(page, "walk-correction-6-answered")
    page.context.close()


def test_an_erasure_of_the_ticked_rows_only_with_the_recipients_told(
        browser: Browser, live_server: Any, shot: Any, axe_source: Path, smtp_server: Any,
        settings: Any, transactional_db: Any) -> None:
    login = fresh_demo()
    person, name, email, phone = _customer()
    address = Address.objects.filter(person=person).first()
    assert address is not None, "the demo customer has an address"
    street = address.get_values()["street"]
    services.create_agreement(
        "sla", "SLA-2026-BEZORG", "Bezorging van apparatuur",
        clock.today() - timedelta(days=30), parties=[person], actor="walk",
        recipients=[{"recipient": "Koeriers Groningen B.V.", "categories": ["address"],
                     "legal_basis": "contract", "purpose": "apparatuur bezorgen"}])
    base = live_server.url
    settings.PRIVACYDESK_PUBLIC_URL = base
    ask_and_confirm(browser, base, smtp_server, "Mijn gegevens laten verwijderen", name,
                     email)
    request = DataSubjectRequest.objects.get()
    assert request.status == Status.VERIFIED and request.kind == "erasure"
    page = _officer(browser, base, login)

    def check() -> None:
        assert_dutch(page)
        assert_accessible(page, axe_source)

    page.goto(f"{base}/staff/requests/{request.uid}/")
    page.get_by_role("button", name="De gegevens van de persoon tonen").click()
    data = page.locator("#person-data")
    expect(data).to_contain_text(street)
    check()
    shot(page, "walk-erasure-1-data")
    data.locator("tr", has_text=street).locator("input[name=pick]").check()
    page.get_by_role("button", name="Aangevinkte gegevens wissen").click()
    expect(page.locator("ul.erase-deleted")).to_contain_text(street)
    expect(page.locator("ul.erase-deleted")).not_to_contain_text(phone.get_values()["number"])
    expect(page.locator("ul.recipients")).to_contain_text("Koeriers Groningen B.V.")
    check()
    shot(page, "walk-erasure-2-preview")
    page.locator("form[action$='/erase/picked/'] button[type=submit]").click()
    expect(page.locator(".messages")).to_contain_text(
        "Verwijderd; de bevestiging is per e-mail verstuurd.")
    check()
    shot(page, "walk-erasure-3-done")
    assert not Address.objects.filter(pk=address.pk).exists()
    assert Phone.objects.filter(pk=phone.pk).exists() and Person.objects.filter(
        pk=person.pk).exists()
    request.refresh_from_db()
    assert request.status == Status.ANSWERED
    # Art. 19: everyone an agreement of the person gives the address is told — the courier
    # and whoever the demo's own agreement of this customer names.
    told = sorted({r.recipient for r in AgreementRecipient.objects.filter(
        agreement__parties__person=person) if "address" in r.categories})
    assert "Koeriers Groningen B.V." in told
    assert sorted(request.detail["recipients"]) == told
    receipt = [m for m in smtp_server.messages if email in str(m["To"])][-1]
    assert "uw overige gegevens zijn niet gewijzigd" in receipt.get_body(
        preferencelist=("plain",)).get_content()
    page.context.close()
