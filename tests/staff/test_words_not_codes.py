"""#15: staff read words, never codes or UUIDs.

The privacy officer opens the back-office pages of requests, retention, incidents, the
break-in guard, server access and the dashboard, in Dutch, with demo-like data: Anna,
Carla and Eva in the register, a letter and a web request, a breach on the 72-hour clock,
a callback, a legal hold and a deletion receipt, a break-in registration, a pending access
request for an urgent repair Eva asked for. No page's visible text (tags stripped; a URL
in an href is fine) holds a UUID or an internal code: a policy id (category, role,
purpose, basis, source, rule) or an app's code (a request's kind, status, channel; an
incident's kind, status; a guard rule; an access request's status).
"""

from __future__ import annotations

import html
import re
from datetime import timedelta

import pytest
from django.utils import timezone

from privacydesk.access.models import AccessRequest, ClientServer
from privacydesk.callbacks import services as callbacks
from privacydesk.disclosure.models import ConsentRequest, Disclosure
from privacydesk.guard import rules
from privacydesk.guard.detector import Evidence
from privacydesk.guard.services import register_offender
from privacydesk.incidents import services as incidents
from privacydesk.policy import clock
from privacydesk.register.models import Name
from privacydesk.requests import intake
from privacydesk.retention import services as retention
from privacydesk.retention.models import DeletionReceipt
from privacydesk.staff import labels
from privacydesk.staff.person_labels import short_reference

UUID = re.compile(r"[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}", re.I)
PAGES = ("/staff/", "/staff/requests/", "/staff/requests/?status=all",
         "/staff/retention/", "/staff/incidents/", "/staff/guard/", "/staff/access/",
         "/staff/access/all/", "/staff/callbacks/", "/staff/persons/", "/staff/agreements/",
         "/staff/disclosures/", "/staff/disclosures/consents/")
# Pages of one person (the {ref} is Anna's).
CONSENT_PAGE = "/staff/disclosures/consents/{uid}/"
PERSON_PAGES = ("/staff/retention/holds/{ref}/", "/staff/persons/{ref}/",
                "/staff/persons/{ref}/roles/")
# Codes that are also ordinary words of the Dutch pages or the policy's own labels (the
# source "import" is labelled "Import"; "contact", "service" and "triage" are Dutch words): they are
# checked in the columns where the code would stand, by `test_the_columns_show_labels`.
ORDINARY_WORDS = {"import", "contact", "service", "account", "none", "triage"}


def visible_text(page: str) -> str:
    """The text a person reads in <main>: tags, scripts and attribute values removed."""
    main = page[page.find("<main"):page.rfind("</main>")]
    main = re.sub(r"<(script|style)\b.*?</\1>", " ", main, flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", main)).split())


def codes() -> set[str]:
    found = set()
    for group, group_codes in labels.known_codes().items():
        if group == "obligation":
            continue
        found |= {c for c in group_codes if c not in ORDINARY_WORDS}
    return found


@pytest.fixture
def demo(people, settings, tmp_path):
    """Demo-like data across the apps, made through their services where they offer one."""
    settings.DATA_DIR = tmp_path
    letter = intake.file_staff_request(
        kind="erasure", name="Anna de Vries", email="", message="Wis mijn gegevens.",
        language="nl", actor="olga", channel="letter", address="Dorpsstraat 1, Utrecht",
        received_at=timezone.now() - timedelta(days=6))
    web = intake.file_web_request(kind="access", name="Eva Smit", email="eva@example.nl")
    breach = incidents.file_concern("Laptop met klantgegevens kwijt", reporter_name="Bram")
    incidents.mark_breach(breach, actor="olga")
    callbacks.request_callback(people.anna, phone=None, message="Bel mij", language="nl")
    Name.objects.filter(person=people.carla).update(
        delete_after=clock.today() + timedelta(days=3))
    retention.create_hold(people.anna, "Geschil over factuur", actor="olga")
    DeletionReceipt.objects.create(
        at=timezone.now(), kind=DeletionReceipt.RETENTION, model="register.phone",
        category="phone", rule_id="contact_period", count=1,
        person_ref=str(people.eva.ref))
    now = timezone.now().timestamp()
    register_offender("203.0.113.9", Evidence(
        rules={rules.LOGIN_FAILED: 5, rules.SQL_INJECTION: 1}, first_seen=now - 60,
        last_seen=now, paths=["/staff/login/"]))
    server = ClientServer.objects.create(host="srv1.acme.example", organisation=people.acme)
    AccessRequest.objects.create(
        server=server, principal="root", action="Schijf vol", minutes=30,
        basis=AccessRequest.REPAIR, repair_reference="TICKET-7",
        repair_contact_ref=str(people.eva.ref), requested_by="jan")
    consent = ConsentRequest.objects.create(
        person=people.eva, person_ref=people.eva.ref, recipient="Drukkerij De Boer",
        categories=["names", "email"], purpose="agreement", explanation="Kerstkaart",
        requested_by="olga", link_expires_at=timezone.now() + timedelta(days=14))
    Disclosure.objects.create(
        person=people.eva, person_ref=people.eva.ref, recipient="Drukkerij De Boer",
        categories=["names"], purpose="agreement", basis="consent", legal_basis="consent",
        consent=consent, actor="olga")
    return {"letter": letter, "web": web, "breach": breach, "consent": consent}


def _assert_words_only(url: str, page: str) -> None:
    text = visible_text(page)
    assert not UUID.search(text), f"{url} shows a UUID: {UUID.search(text)}"
    # A code is a whole token: "staff" in the path "/staff/login/" a guard entry quotes is not.
    shown = sorted(c for c in codes()
                   if re.search(rf"(?<![\w/.-]){re.escape(c)}(?![\w/.-])", text))
    assert not shown, f"{url} shows internal codes {shown}: {text[:2000]}"


@pytest.mark.dates
@pytest.mark.parametrize("url", PAGES)
def test_no_page_shows_a_uuid_or_a_code(staff_client, demo, url):
    response = staff_client("privacy_officer").get(url, HTTP_ACCEPT_LANGUAGE="nl")
    assert response.status_code == 200
    _assert_words_only(url, response.content.decode())


@pytest.mark.dates
@pytest.mark.parametrize("url", PERSON_PAGES)
def test_no_page_of_a_person_shows_their_uuid_or_a_code(staff_client, demo, people, url):
    client = staff_client("privacy_officer")
    page = url.format(ref=people.anna.ref)
    response = client.get(page, HTTP_ACCEPT_LANGUAGE="nl")
    assert response.status_code == 200
    _assert_words_only(page, response.content.decode())
    if "/persons/{ref}/" == url.removeprefix("/staff"):   # the audited read, with a purpose
        response = client.get(page, {"purpose": "callback"}, HTTP_ACCEPT_LANGUAGE="nl")
        _assert_words_only(page, response.content.decode())
        assert "Anna de Vries" in visible_text(response.content.decode())


@pytest.mark.dates
def test_the_columns_show_labels(staff_client, demo, people):
    """The requests list names the requester, the kind, channel and status in words; the
    retention page names the person, category and rule; the guard its rules."""
    client = staff_client("privacy_officer")
    requests = visible_text(client.get("/staff/requests/?status=all",
                                       HTTP_ACCEPT_LANGUAGE="nl").content.decode())
    assert "Anna de Vries" in requests and "Eva Smit" in requests
    assert demo["letter"].reference in requests
    assert labels.label("request_kind", "erasure") in requests
    assert labels.label("request_channel", "letter") in requests
    retention_page = visible_text(client.get("/staff/retention/", HTTP_ACCEPT_LANGUAGE="nl")
                                  .content.decode())
    assert f"Carla Jansen ({short_reference(people.carla.ref)})" in retention_page
    assert f"Anna de Vries ({short_reference(people.anna.ref)})" in retention_page
    assert labels.label("category", "names") in retention_page
    guard = visible_text(client.get("/staff/guard/", HTTP_ACCEPT_LANGUAGE="nl")
                         .content.decode())
    assert labels.label("guard_rule", rules.LOGIN_FAILED) in guard
    decisions = visible_text(client.get("/staff/access/all/", HTTP_ACCEPT_LANGUAGE="nl")
                             .content.decode())
    assert f"Eva Smit ({short_reference(people.eva.ref)})" in decisions


def test_a_role_that_may_not_see_names_sees_the_short_reference_only(staff_client, demo,
                                                                      people):
    """Sec1: names only for roles that may see the names category."""
    from privacydesk.staff.person_labels import person_label

    assert person_label(people.anna.ref, with_names=False) == short_reference(people.anna.ref)
    assert person_label(people.anna.ref, with_names=True) == (
        f"Anna de Vries ({short_reference(people.anna.ref)})")
    assert short_reference(people.anna.ref).startswith("P-")
    assert not UUID.search(short_reference(people.anna.ref))


@pytest.mark.dates
def test_a_consent_request_page_shows_no_uuid_or_code(staff_client, demo):
    page = CONSENT_PAGE.format(uid=demo["consent"].uid)
    response = staff_client("privacy_officer").get(page, HTTP_ACCEPT_LANGUAGE="nl")
    assert response.status_code == 200
    _assert_words_only(page, response.content.decode())
    assert "Drukkerij De Boer" in visible_text(response.content.decode())
