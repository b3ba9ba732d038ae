"""#15: a Dutch staff member reads the request pages in Dutch — timeline notes with values in
them ("adres #37; te informeren ontvangers: …"), the kind select and the correction form's
choices — with the values kept, a staff member's own words as written, and no code or
English template word left. The notes stay stored in English (they are the audit detail)."""

from __future__ import annotations

import re

import pytest
from django.utils import translation

from privacydesk.register.models import Address, Identity
from privacydesk.requests import _triage, actions, intake, verification
from privacydesk.requests.models import DataSubjectRequest
from privacydesk.requests.templatetags.request_notes import NOTE_SHAPES, event_note
from privacydesk.staff.models import StaffUser

from .conftest import ANNA, CARLA, DAAN
from .helpers import verified

pytestmark = pytest.mark.django_db(transaction=True)

# One note of every shape the code writes (request_notes.NOTE_SHAPES, same order), with a
# staff member's own words where the shape has them.
EXAMPLES = [
    "3 day(s) left",
    "email: triage",
    "email: triage (HTML only; read as plain text; no single valid sender address)",
    "by staff while filing: paspoort gezien aan de balie",
    "access -> erasure",
    "access -> none: not a request (sales): wil een offerte",
    "not a request (support)",
    "not a request (other): vraagt naar de openingstijden",
    "without an answer: bleek een reclame",
    "e-mail: single-use download link (portability)",
    "e-mail: rectification carried out",
    "letter sent by post: overzicht van de gegevens",
    "answered by telephone (po-1): alles doorgenomen",
    "deleted 4, kept 2; recipients to inform: none",
    "phone #37; recipients to inform: Boekhoud BV",
    "by staff: teruggebeld op het bekende nummer",
    "a verified request needs no verification",
    "person 1a2b3c4d chosen",
    "person 1a2b3c4d chosen (matched on name, email)",
    "register searched on name, e-mail: nobody found",
    "access export sealed, link valid until 2026-12-13 10:00",
    "portability export downloaded; file deleted",
]
STAFF_WORDS = ("paspoort gezien aan de balie", "wil een offerte",
               "vraagt naar de openingstijden", "bleek een reclame",
               "overzicht van de gegevens", "alles doorgenomen",
               "teruggebeld op het bekende nummer")
# Words that read the same in Dutch.
SAME_IN_DUTCH = {"export", "link", "mail", "html", "mime", "postcode", "art", "post",
                 "register", "status"}
ENGLISH_LEFT = ("recipients to inform", "by staff", "while filing", "not a request",
                "without an answer", "->", "-&gt;", "no e-mail address", "chosen",
                "day(s) left", "carried out")


def _english_words(template: str) -> set[str]:
    words = re.findall(r"[A-Za-z]{3,}", re.sub(r"%\(\w+\)s", " ", template))
    return {w.lower() for w in words} - SAME_IN_DUTCH


def _dutch(note: str) -> str:
    with translation.override("nl"):
        return event_note(note)


def test_every_note_shape_has_an_example_of_its_own():
    for (pattern, _template), note in zip(NOTE_SHAPES, EXAMPLES, strict=True):
        assert pattern.fullmatch(note), (pattern.pattern, note)


@pytest.mark.parametrize("note", EXAMPLES)
def test_a_note_with_values_reads_in_dutch_with_no_english_template_word_left(note):
    pattern, template = next((p, t) for p, t in NOTE_SHAPES if p.fullmatch(note))
    shown = _dutch(note)
    assert shown != note
    with translation.override("en"):
        english = str(template)
    left = {w for w in _english_words(english) if re.search(rf"\b{w}\b", shown.lower())}
    # the staff member's own words may hold English-looking words: only the template's count
    for words in STAFF_WORDS:
        if words in note:
            assert words in shown  # a person's own words stay as written
            left -= {w.lower() for w in re.findall(r"[A-Za-z]{3,}", words)}
    assert not left, (note, shown)
    # codes are shown by their label ("Nog te bepalen (triage)" names the code on purpose)
    assert not re.search(r"\b(access|erasure|portability|rectification)\b|email:|phone #",
                         shown)


def test_values_codes_and_nested_notes_in_a_note():
    assert _dutch("phone #37; recipients to inform: Boekhoud BV") == (
        "Telefoonnummers #37; te informeren ontvangers: Boekhoud BV")
    assert _dutch("deleted 4, kept 2; recipients to inform: none") == (
        "4 verwijderd, 2 bewaard; te informeren ontvangers: geen")
    assert _dutch("phone: access (no e-mail address: verify by other means)") == (
        "telefoon: Inzage (art. 15) (geen e-mailadres: stel de identiteit op een andere "
        "manier vast)")
    assert _dutch("without an answer: not a request (spam)") == (
        "zonder antwoord: geen verzoek (spam)")


def test_a_note_of_no_known_shape_and_a_cut_off_list_are_shown_as_written():
    assert _dutch("gewoon wat eigen woorden") == "gewoon wat eigen woorden"
    cut = "email: triage (HTML only; read as pl"
    assert _dutch(cut) == cut
    # a person's own words are never looked up in the catalogue, even when one matches
    assert _dutch("Closed.") == "Closed."


def _dutch_officer(staff_client):  # type: ignore[no-untyped-def]
    client = staff_client("privacy_officer")
    StaffUser.objects.filter(pk=client.session["_auth_user_id"]).update(language="nl")
    return client


def _timeline(client, request: DataSubjectRequest) -> str:  # type: ignore[no-untyped-def]
    page = client.get(f"/staff/requests/{request.uid}/").content.decode()
    return page


def test_a_dutch_officer_reads_the_notes_the_real_actions_wrote_in_dutch(
        smtp, personas, staff_client):
    phoned = intake.file_staff_request(
        kind="access", name="Bram Visser", email="", message="", language="nl",
        actor="po", channel="phone", address="Dorpsstraat 1\n9999 AA Ergens",
        identity_checked="paspoort gezien aan de balie")
    intake.set_kind(phoned, "rectification", actor="po", reason="bleek een correctie")

    annas = verified(smtp, "rectification", ANNA)
    address = Address.objects.get(person=personas.anna)
    actions.correct(annas, "address", address.pk,
                    {"street": "Herestraat", "house_number": "14", "postcode": "9711 LM",
                     "city": "Groningen", "country": "NL"}, actor="po")

    asked = intake.file_staff_request(kind="triage", name="Iemand", email="iemand@example.nl",
                                      message="Wat kost een abonnement?", language="nl",
                                      actor="po")
    _triage.close_as_not_a_request(asked, _triage.SALES, actor="po", text="wil een offerte")

    daans = intake.file_web_request(kind="erasure", name="Daan", email=DAAN, language="nl")
    verification.verify_by_staff(daans, str(personas.daan.ref), actor="po",
                                 note="teruggebeld op het bekende nummer")

    client = _dutch_officer(staff_client)
    pages = {r: _timeline(client, r) for r in (phoned, annas, asked, daans)}
    assert ("telefoon: Inzage (art. 15) (geen e-mailadres: stel de identiteit op een andere "
            "manier vast)") in pages[phoned]
    assert "door een medewerker bij het invoeren: paspoort gezien aan de balie" in pages[phoned]
    assert "Inzage (art. 15) → Correctie (art. 16): bleek een correctie" in pages[phoned]
    assert f"#{address.pk}; te informeren ontvangers: Boekhoud BV" in pages[annas]
    assert "geen verzoek (verkoop of offerte): wil een offerte" in pages[asked]
    assert "zonder antwoord: geen verzoek" in pages[asked]
    assert "door een medewerker: teruggebeld op het bekende nummer" in pages[daans]
    for page in pages.values():
        timeline = page[page.index('class="timeline"'):]
        for english in ENGLISH_LEFT:
            assert english not in timeline
    # stored once, in English: the audit detail reads the same as before
    assert annas.events.filter(note__contains="recipients to inform: Boekhoud BV").exists()


def test_the_kind_select_shows_labels_not_codes(smtp, personas, staff_client):
    annas = verified(smtp, "access", ANNA)
    page = _timeline(_dutch_officer(staff_client), annas)
    select = page[page.index('<select id="kind"'):]
    select = select[:select.index("</select>")]
    assert ">Inzage (art. 15)</option>" in select and ">Verwijdering (art. 17)</option>" in select
    assert not re.search(r">(access|erasure|rectification|portability|triage|none)<", select)


def test_the_correction_form_shows_the_document_kind_by_its_label(smtp, personas, staff_client):
    carlas = verified(smtp, "rectification", CARLA)
    identity = Identity.objects.get(person=personas.carla)
    client = _dutch_officer(staff_client)
    form = client.get(f"/staff/requests/{carlas.uid}/correct/identity/{identity.pk}/")
    page = form.content.decode()
    assert ">Burgerservicenummer (BSN)</option>" in page and ">Paspoort</option>" in page
    assert not re.search(r">(bsn|passport|id_card|drivers_licence)<", page)
    assert 'value="bsn"' in page  # the code is still what is posted
    data = client.get(f"/staff/requests/{carlas.uid}/?show=data").content.decode()
    assert "Burgerservicenummer (BSN)" in data and ">bsn<" not in data


def test_a_refused_step_is_explained_in_dutch_with_its_field_and_rule(
        smtp, personas, staff_client):
    annas = verified(smtp, "access", ANNA)
    client = _dutch_officer(staff_client)
    steps = {
        "close": ({"note": ""}, "Status van het verzoek: beantwoord het verzoek voordat u het "
                  "sluit (regel Rt6)"),
        "kind": ({"kind": "access"}, "Soort verzoek: dit verzoek is al van de soort Inzage "
                 "(art. 15) (regel Rt5)"),
        "restrict": ({}, "Soort verzoek: alleen een verzoek om beperking of een bezwaar "
                     "beperkt het gebruik (regel Art18)"),
    }
    for step, (posted, dutch) in steps.items():
        page = client.post(f"/staff/requests/{annas.uid}/{step}/", posted,
                           follow=True).content.decode()
        assert dutch in page, step
        for english in ("answer the request", "already of kind", "only a restriction",
                        "(rule "):
            assert english not in page


def test_the_report_review_of_an_unverified_request_is_refused_in_dutch(
        smtp, personas, staff_client):
    waiting = intake.file_web_request(kind="access", name="Anna", email=ANNA, language="nl")
    client = _dutch_officer(staff_client)
    page = client.get(f"/staff/requests/{waiting.uid}/review/", follow=True).content.decode()
    assert "stel eerst de identiteit van de aanvrager vast (de status van het verzoek is " in page
    assert "verify the requester" not in page and "awaiting_verification" not in page


def test_the_export_and_erasure_notes_read_in_dutch(smtp, personas, staff_client):
    annas = verified(smtp, "access", ANNA)
    actions.send_export(annas, actor="po")
    carlas = verified(smtp, "erasure", CARLA)
    actions.erase(carlas, actor="po")
    client = _dutch_officer(staff_client)
    exported = _timeline(client, annas)
    assert "export (Inzage (art. 15)) versleuteld klaargezet, link geldig tot " in exported
    assert "e-mail: downloadlink voor één keer (Inzage (art. 15))" in exported
    erased = _timeline(client, carlas)
    assert re.search(r"\d+ verwijderd, \d+ bewaard; te informeren ontvangers: ", erased)
    assert "e-mail: bevestiging van de verwijdering" in erased
    for page in (exported, erased):
        timeline = page[page.index('class="timeline"'):]
        for english in ("export sealed", "link valid until", "single-use", "deleted ",
                        "kept ", "recipients to inform", "erasure receipt"):
            assert english not in timeline
