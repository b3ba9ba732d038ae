"""#15: Olga, the privacy officer, handles an incident on its own page — what was reported,
by whom, the assessment, the 72-hour clock (Art. 33(1)), the notification, the data subjects
informed (Art. 34) and closing — in Dutch, with labels, not codes. Closing is confirmed on a
page that says what will happen; sales staff see none of it."""

from __future__ import annotations

import html
import re
from datetime import timedelta
from typing import Any

import pytest
from django.utils import translation

from privacydesk.incidents import services, work
from privacydesk.incidents.models import Incident
from privacydesk.policy import clock
from privacydesk.policy.errors import RuleViolation
from privacydesk.staff import labels
from privacydesk.vault.models import AuditEntry

# Date-sensitive (the 72-hour clock): scripts/test.sh runs these under frozen clocks (#13.1).
pytestmark = [pytest.mark.dates, pytest.mark.django_db]

UUID = re.compile(r"[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}", re.I)
INCIDENT_CODES = {"concern", "breach", "new", "investigating", "closed", "web_form",
                  "mailbox"}


def visible_text(page: str) -> str:
    """The text a person reads in <main>: tags, scripts and attribute values removed."""
    main = page[page.find("<main"):page.rfind("</main>")]
    main = re.sub(r"<(script|style)\b.*?</\1>", " ", main, flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", main)).split())


@pytest.fixture
def olga(staff_client: Any) -> Any:
    return staff_client("privacy_officer")


def _page(client: Any, url: str) -> str:
    response = client.get(url, HTTP_ACCEPT_LANGUAGE="nl")
    assert response.status_code == 200
    return visible_text(response.content.decode())


def test_olga_reads_the_breach_in_dutch_with_its_reporter_and_labels(olga: Any) -> None:
    incident = services.file_concern("Bram kreeg de loonstrook van een collega.",
                                     reporter_name="Bram Jansen",
                                     reporter_email="bram@example.nl")
    services.mark_breach(incident, actor="olga", reason="Loonstrook met BSN bij derde.")
    text = _page(olga, f"/staff/incidents/{incident.pk}/")
    assert "Wat is gemeld" in text and "loonstrook van een collega" in text
    assert "Bram Jansen <bram@example.nl>" in text
    assert "Beoordeeld als datalek: Loonstrook met BSN bij derde." in text
    assert "datalek" in text and "in onderzoek" in text and "webformulier" in text
    assert "Nog niet gemeld aan de Autoriteit Persoonsgegevens." in text
    assert not UUID.search(text)
    shown = {c for c in INCIDENT_CODES | set(labels.known_codes().get("incident_kind", ()))
             if re.search(rf"(?<![\w/.-]){re.escape(c)}(?![\w/.-])", text)}
    assert not shown, f"raw codes on the page: {shown}"


def test_a_concern_without_contact_details_shows_the_reporter_as_anonymous(olga: Any) -> None:
    incident = services.file_concern("Er hangt een klantenlijst op het prikbord.")
    text = _page(olga, f"/staff/incidents/{incident.pk}/")
    assert "Melder anoniem" in text and "Nog niet beoordeeld." in text


def test_the_72_hour_clock_shows_the_hours_left(olga: Any) -> None:
    incident = services.mark_breach(services.file_concern("Laptop kwijt."), actor="olga")
    hours = services.hours_left(incident, clock.now())
    assert hours is not None and 70 <= hours <= 71
    with translation.override("nl"):
        expected = work.clock_text(hours)
    assert expected == f"nog {hours} uur"
    assert f"({expected})" in _page(olga, f"/staff/incidents/{incident.pk}/")


def test_an_overdue_breach_shows_how_late_it_is(olga: Any) -> None:
    incident = services.file_concern("USB-stick met klantgegevens verloren.")
    Incident.objects.filter(pk=incident.pk).update(
        received_at=clock.now() - timedelta(hours=80))
    services.mark_breach(incident, actor="olga")
    assert services.hours_left(incident, clock.now()) in (-8, -9)
    text = _page(olga, f"/staff/incidents/{incident.pk}/")
    assert re.search(r"\((8|9) uur te laat\)", text)


def test_the_notified_breach_stops_its_clock_and_shows_the_reference(olga: Any) -> None:
    incident = services.mark_breach(services.file_concern("Back-up kwijt."), actor="olga")
    olga.post(f"/staff/incidents/{incident.pk}/reported/",
              {"authority_reference": "AP-2026-0099"})
    olga.post(f"/staff/incidents/{incident.pk}/informed/")
    incident.refresh_from_db()
    assert services.hours_left(incident) is None and incident.subjects_informed_at
    text = _page(olga, f"/staff/incidents/{incident.pk}/")
    assert "Gemeld aan de Autoriteit Persoonsgegevens (kenmerk AP-2026-0099)" in text
    assert "Betrokkenen ingelicht (art. 34 AVG)" in text and not re.search(r"nog \d+ uur", text)


def test_opening_the_page_is_an_audited_read_with_its_purpose(olga: Any) -> None:
    incident = services.file_concern("Verkeerde bijlage gemaild.", reporter_name="Eva")
    _page(olga, f"/staff/incidents/{incident.pk}/")
    read = AuditEntry.objects.filter(action="read", object_type="incidents.incident",
                                     object_id=str(incident.pk)).get()
    assert read.purpose == "security" and read.actor.startswith("privacy_officer")


def test_not_a_breach_needs_a_reason_and_the_page_shows_it(olga: Any) -> None:
    incident = services.file_concern("Is mijn wachtwoord veilig?")
    olga.post(f"/staff/incidents/{incident.pk}/breach/", {"breach": "0", "reason": " "})
    incident.refresh_from_db()
    assert incident.assessed_at is None and incident.kind == "concern"
    olga.post(f"/staff/incidents/{incident.pk}/breach/",
              {"breach": "0", "reason": "Vraag, geen incident."})
    text = _page(olga, f"/staff/incidents/{incident.pk}/")
    assert "Beoordeeld als geen datalek: Vraag, geen incident." in text
    with pytest.raises(RuleViolation) as refused:
        services.mark_not_breach(services.mark_breach(incident, actor="olga"),
                                 reason="toch niet", actor="olga")
    assert (refused.value.field, refused.value.rule) == ("kind", "Art33")


def test_the_list_links_each_incident_to_its_page(olga: Any) -> None:
    incident = services.file_concern("Printer liet een lijst liggen.")
    page = olga.get("/staff/incidents/").content.decode()
    assert f'href="/staff/incidents/{incident.pk}/"' in page


def test_closing_is_confirmed_on_a_page_that_says_what_happens(olga: Any) -> None:
    incident = services.mark_breach(services.file_concern("Dossier op straat."), actor="olga")
    text = _page(olga, f"/staff/incidents/{incident.pk}/close/")
    assert f"Incident #{incident.pk} (datalek, nu in onderzoek) wordt gesloten." in text
    assert "Dit datalek is niet gemeld aan de Autoriteit Persoonsgegevens." in text
    # A POST that did not come from the confirmation form shows that form and closes nothing.
    direct = olga.post(f"/staff/incidents/{incident.pk}/close/", {"reason": "klaar"})
    assert direct.status_code == 200 and "wordt gesloten" in visible_text(
        direct.content.decode())
    incident.refresh_from_db()
    assert incident.status == "investigating" and incident.closed_at is None


def test_a_confirmed_close_needs_a_reason_and_then_closes(olga: Any) -> None:
    incident = services.file_concern("Kast met dossiers stond open.")
    url = f"/staff/incidents/{incident.pk}/close/"
    empty = olga.post(url, {"confirmed": "1", "reason": ""}, HTTP_ACCEPT_LANGUAGE="nl")
    assert empty.status_code == 200
    assert "geef de reden in 1-500 tekens" in visible_text(empty.content.decode())
    incident.refresh_from_db()
    assert incident.closed_at is None
    done = olga.post(url, {"confirmed": "1", "reason": "Kast op slot, niets weg."})
    assert done.status_code == 302 and done["Location"] == f"/staff/incidents/{incident.pk}/"
    incident.refresh_from_db()
    assert incident.status == "closed" and incident.close_reason == "Kast op slot, niets weg."
    text = _page(olga, f"/staff/incidents/{incident.pk}/")
    assert "Gesloten: Kast op slot, niets weg." in text


def test_sales_staff_are_refused_the_page_and_its_actions(staff_client: Any) -> None:
    incident = services.file_concern("Verkeerde factuur.", reporter_name="Anna")
    sales = staff_client("sales")
    for url in (f"/staff/incidents/{incident.pk}/", f"/staff/incidents/{incident.pk}/close/"):
        assert sales.get(url).status_code == 403
    assert sales.post(f"/staff/incidents/{incident.pk}/close/",
                      {"confirmed": "1", "reason": "x"}).status_code == 403
    assert sales.post(f"/staff/incidents/{incident.pk}/informed/").status_code == 403
    incident.refresh_from_db()
    assert incident.status == "new"
    assert not AuditEntry.objects.filter(action="read", object_type="incidents.incident")
