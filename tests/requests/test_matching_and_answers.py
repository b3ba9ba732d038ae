"""#15 blockers 2 and 3: a request that came by letter or telephone is matched to a person by a
register search (name, e-mail, telephone, postcode + house number) — or recorded as "no data
held" — before it is verified; marking it verified without a person is a message naming the
rule, never a server error. Its answer is recorded as sent by post (the letter a PDF on the
controller's letterhead) or given by telephone (who, when, what was said), and the request
closes; Rt5/Rt6 count those answers.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone, translation

from privacydesk.check.rights import access_requests, request_channels, request_deadlines
from privacydesk.policy import clock
from privacydesk.policy.errors import RuleViolation
from privacydesk.register.models import Person
from privacydesk.requests import _answers, _matching, actions, intake, verification
from privacydesk.requests.models import NO_DATA_HELD, DataSubjectRequest, Status
from privacydesk.staff.person_labels import short_reference
from privacydesk.vault.models import AuditEntry

from .conftest import ANNA

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.dates]

ANNAS_LETTER = "Anna de Vries\nHerestraat 12\n9711 LM Groningen"
OLAFS_LETTER = "Olaf Øster\nVismarkt 1\n9712 CA Groningen"


#: What the privacy officer's role may see: every category the search uses.
EVERYTHING = frozenset(_matching.CRITERION_CATEGORY.values())
NO_PERSON = ("no person has been chosen: search the register for the requester and choose "
             "'This person', or record that no data are held")


def nl(text: str) -> str:
    """`text` as Dutch staff read it (the nl catalogue); it must be translated."""
    with translation.override("nl"):
        dutch = translation.gettext(text)
    assert dutch != text or text in ("Postcode", "Status"), f"not translated: {text}"
    return dutch


def _letter(kind: str, *, name: str = "Anna de Vries", address: str = ANNAS_LETTER,
            channel: str = "letter", language: str = "nl") -> DataSubjectRequest:
    return intake.file_staff_request(kind=kind, name=name, email="", message="",
                                     language=language, actor="po", channel=channel,
                                     address=address,
                                     received_at=timezone.now() - timedelta(hours=1))


def _events(request: DataSubjectRequest) -> list[str]:
    return list(request.events.values_list("action", flat=True))


# --- blocker 2: "Mark verified" with no person ------------------------------------------

def test_marking_a_letter_request_verified_without_a_person_says_why_and_changes_nothing(
        smtp, personas, staff_client):
    request = _letter("erasure")
    before = _events(request)
    client = staff_client("privacy_officer")
    answer = client.post(f"/staff/requests/{request.uid}/verify/",
                         {"person_ref": "", "note": "handtekening vergeleken"}, follow=True)
    assert answer.status_code == 200  # was a bare "Server Error (500)"
    page = answer.content.decode()
    assert nl("Person") + ": " + nl(NO_PERSON) in page.replace("&#x27;", "'")
    assert "(regel Art12)" in page
    request.refresh_from_db()
    assert request.status == Status.NEW and request.person_ref == ""
    assert _events(request) == before
    # A reference that is not one is refused the same way.
    refused = client.post(f"/staff/requests/{request.uid}/verify/",
                          {"person_ref": "Anna", "note": "handtekening"}, follow=True)
    assert nl("this is not a person reference; choose the person with the search") in \
        refused.content.decode()
    request.refresh_from_db()
    assert request.status == Status.NEW


def test_the_service_refuses_an_empty_person_on_the_person_field(smtp, personas):
    request = _letter("erasure")
    with pytest.raises(RuleViolation) as refused:
        verification.verify_by_staff(request, "", actor="po", note="signature compared")
    assert (refused.value.field, refused.value.rule) == ("person_ref", "Art12")


# --- the register search ------------------------------------------------------------------

def test_anna_is_found_by_postcode_and_house_number_as_written_on_her_letter(
        smtp, personas):
    [found] = _matching.search(_matching.clean_query(postcode="9711lm", house_number=" 12 "))
    assert found.ref == str(personas.anna.ref) and found.name == "Anna de Vries"
    assert found.short_ref == str(personas.anna.ref)[:8]
    assert found.matched_on == ("postcode",)
    assert _matching.search(_matching.clean_query(postcode="9711 LM", house_number="14")) == []


def test_anna_is_found_by_phone_email_and_name_and_more_matches_rank_first(smtp, personas):
    by_phone = _matching.search(_matching.clean_query(phone="06-1234 5678"))
    assert [c.ref for c in by_phone] == [str(personas.anna.ref)]
    by_email = _matching.search(_matching.clean_query(email="Anna.de.Vries@Example.nl"))
    assert [c.matched_on for c in by_email] == [("email",)]  # the blind index, any case
    both = _matching.search(_matching.clean_query(name="jansen", email="anna.de.vries@example.nl"))
    assert [c.name for c in both] == ["Anna de Vries", "Carla Jansen"] or \
        [c.name for c in both] == ["Carla Jansen", "Anna de Vries"]
    ranked = _matching.search(_matching.clean_query(name="Anna", phone="+31612345678"))
    assert ranked[0].ref == str(personas.anna.ref) and ranked[0].matched_on == ("name", "phone")


@pytest.mark.parametrize(("criteria", "field"), [
    ({}, "name"),
    ({"postcode": "9711 LM"}, "house_number"),
    ({"house_number": "12"}, "postcode"),
    ({"phone": "bel maar"}, "phone"),
    ({"email": "anna at home"}, "email"),
])
def test_a_search_without_enough_or_with_malformed_criteria_names_the_field(
        smtp, personas, criteria, field):
    with pytest.raises(RuleViolation) as refused:
        _matching.clean_query(**criteria)
    assert refused.value.field == field


def test_staff_search_by_postcode_see_the_candidate_and_link_and_verify_her(
        smtp, personas, staff_client):
    request = _letter("erasure")
    client = staff_client("privacy_officer")
    detail = client.get(f"/staff/requests/{request.uid}/").content.decode()
    assert f'action="/staff/requests/{request.uid}/match/"' in detail
    assert nl("Search the register for the requester") in detail
    found = client.post(f"/staff/requests/{request.uid}/match/",
                        {"postcode": "9711 LM", "house_number": "12"}).content.decode()
    assert "Anna de Vries" in found and short_reference(personas.anna.ref) in found
    assert "postcode + huisnummer" in found and nl("This person") in found
    # Showing her name is an audited read with the request's purpose (Sec4).
    shown = AuditEntry.objects.filter(action="read", object_type="register.person").get()
    assert shown.person_ref == str(personas.anna.ref) and shown.purpose == "erasure"
    assert request.reference in shown.detail
    client.post(f"/staff/requests/{request.uid}/match/person/",
                {"person_ref": str(personas.anna.ref), "matched_on": "postcode"})
    request.refresh_from_db()
    assert request.person_ref == str(personas.anna.ref) and request.status == Status.NEW
    assert request.events.get(action="matched").note == (
        f"person {str(personas.anna.ref)[:8]} chosen (matched on postcode)")
    linked = client.get(f"/staff/requests/{request.uid}/").content.decode()
    assert nl("Linked person:") in linked and "Anna de Vries" in linked  # a name, no UUID
    assert f'name="person_ref" value="{personas.anna.ref}"' in linked
    client.post(f"/staff/requests/{request.uid}/verify/",
                {"person_ref": request.person_ref, "note": "handtekening vergeleken"})
    request.refresh_from_db()
    assert request.status == Status.VERIFIED


def test_a_bad_search_on_the_page_names_the_field_in_dutch(smtp, personas, staff_client):
    request = _letter("erasure")
    client = staff_client("privacy_officer")
    answer = client.post(f"/staff/requests/{request.uid}/match/", {"postcode": "9711 LM"})
    assert answer.status_code == 422
    assert "Huisnummer: vul bij de postcode ook het huisnummer in" in answer.content.decode()


# --- no data held -----------------------------------------------------------------------

def test_olaf_is_not_in_the_register_no_data_held_is_recorded_and_answered_by_phone(
        smtp, personas, staff_client):
    request = _letter("access", name="Olaf Øster", address=OLAFS_LETTER, channel="phone")
    client = staff_client("privacy_officer")
    searched = client.post(f"/staff/requests/{request.uid}/match/",
                           {"name": "Olaf Øster", "postcode": "9712 CA", "house_number": "1"})
    page = searched.content.decode()
    assert nl("Nobody in the register matches this search.") in page
    assert f'action="/staff/requests/{request.uid}/match/no-data/"' in page
    client.post(f"/staff/requests/{request.uid}/match/no-data/",
                {"name": "Olaf Øster", "postcode": "9712 CA", "house_number": "1"})
    request.refresh_from_db()
    assert request.status == Status.VERIFIED and request.person_ref == ""
    assert request.detail["outcome"] == NO_DATA_HELD
    assert request.detail["register_search"]["found"] is False
    detail = client.get(f"/staff/requests/{request.uid}/").content.decode()
    assert nl("Answered by telephone") in detail
    assert "/export/" not in detail  # nothing to export: the answer is "no data held"
    called = clock.now() - timedelta(minutes=10)  # the policy's time zone
    client.post(f"/staff/requests/{request.uid}/answer/phone/", {
        "who": "Sanne", "at": called.strftime("%Y-%m-%dT%H:%M"),
        "said": "Geen gegevens van hem in ons register; uitgelegd."})
    request.refresh_from_db()
    assert request.status == Status.CLOSED and request.answered_how == "phone: answered in a call"
    assert request.detail["answer"]["by"] == "phone"
    assert smtp.messages == []
    # Rt1 accepts "no data held" on this record; Rt6 counts the call as an answer.
    assert access_requests().status == "pass"
    assert "0 requests answered by post, 1 by telephone" in request_deadlines().details


def test_no_data_held_is_refused_when_the_search_finds_someone(smtp, personas):
    request = _letter("erasure")
    with pytest.raises(RuleViolation) as refused:
        _matching.record_no_data_held(
            request, _matching.clean_query(postcode="9711 LM", house_number="12"), actor="po",
            visible=EVERYTHING)
    assert refused.value.rule == "Art12"
    request.refresh_from_db()
    assert request.status == Status.NEW and "outcome" not in request.detail


# --- blocker 3: a letter erasure answered by post and closed ------------------------------

def _annas_erased_letter(personas) -> DataSubjectRequest:  # type: ignore[no-untyped-def]
    request = _letter("erasure")
    _matching.link_person(request, str(personas.anna.ref), actor="po", matched_on="postcode")
    verification.verify_by_staff(request, str(personas.anna.ref), actor="po",
                                 note="handtekening vergeleken met het contract")
    actions.erase(request, actor="po")
    request.refresh_from_db()
    return request


def test_after_erasure_the_erase_button_is_gone_and_the_post_answer_closes_the_request(
        smtp, personas, staff_client):
    request = _annas_erased_letter(personas)
    assert not Person.objects.filter(ref=personas.anna.ref).exists()
    client = staff_client("privacy_officer")
    page = client.get(f"/staff/requests/{request.uid}/").content.decode()
    assert f'action="/staff/requests/{request.uid}/erase/"' not in page
    assert nl("Sent by post") in page and "Bevestiging van verwijdering" in page
    letter = client.post(f"/staff/requests/{request.uid}/answer/letter/", {"summary": ""})
    assert letter["Content-Type"] == "application/pdf"
    assert letter.content.startswith(b"%PDF")
    request.refresh_from_db()
    assert request.status == Status.VERIFIED  # making the letter records nothing
    done = client.post(f"/staff/requests/{request.uid}/answer/post/",
                       {"note": "ontvangstbevestiging"}, follow=True).content.decode()
    assert "Het verzoek is gesloten." in done
    request.refresh_from_db()
    assert request.status == Status.CLOSED and request.closed_at is not None
    assert request.answered_how == "post: letter sent"
    assert request.detail["answer"]["note"] == "ontvangstbevestiging"
    assert "per post: brief verstuurd" in done  # answered_how in the staff's Dutch
    assert _events(request)[-2:] == ["answered", "closed"]
    assert nl("Sent by post") not in done and "/answer/" not in done
    assert "per post beantwoord" in done  # the timeline, in the staff's Dutch
    assert "1 request answered by post, 0 by telephone" in request_deadlines().details
    assert any("1 answered by post or telephone" in line
               for line in request_channels().details)


def test_the_letter_prints_a_name_beyond_latin_1_as_written(smtp, personas, tmp_path):
    assert shutil.which("pdftotext"), "poppler-utils provide pdftotext"
    request = _letter("access", name="Łukasz Wójcik", address="Łukasz Wójcik\nVismarkt 1\n"
                      "9712 CA Groningen", channel="letter")
    _matching.record_no_data_held(request, _matching.clean_query(name="Łukasz Wójcik"),
                                  actor="po", visible=EVERYTHING)
    pdf = _answers.answer_letter(request, actor="po")
    (tmp_path / "letter.pdf").write_bytes(pdf)
    text = subprocess.run(["pdftotext", str(tmp_path / "letter.pdf"), "-"], check=True,
                          capture_output=True, text=True).stdout
    text = " ".join(text.split())  # lines wrap where the page ends them
    assert "Geachte Łukasz Wójcik," in text
    assert "InFactor" in text  # the controller's letterhead
    assert request.reference in text and "geen persoonsgegevens van u" in text


def test_a_phone_answer_needs_who_when_and_what_and_changes_nothing_otherwise(
        smtp, personas):
    request = _letter("restriction", channel="phone")
    _matching.link_person(request, str(personas.anna.ref), actor="po")
    verification.verify_by_staff(request, str(personas.anna.ref), actor="po",
                                 note="teruggebeld op het bekende nummer")
    actions.restrict(request, actor="po")
    future = _answers.Call(who="Sanne", at=timezone.now() + timedelta(hours=2), said="beperkt")
    for call, field in ((future, "at"),
                        (_answers.Call(who="", at=timezone.now(), said="beperkt"), "who"),
                        (_answers.Call(who="Sanne", at=timezone.now(), said=" "), "said")):
        with pytest.raises(RuleViolation) as refused:
            _answers.answer_by_phone(request, call, actor="po")
        assert refused.value.field == field
        request.refresh_from_db()
        assert request.status == Status.VERIFIED and request.answered_at is None
    _answers.answer_by_phone(request, _answers.Call(
        who="Sanne", at=timezone.now(), said="Uw gegevens worden niet meer gebruikt."),
        actor="po")
    request.refresh_from_db()
    assert request.status == Status.CLOSED and request.detail["answer"]["who"] == "Sanne"


def test_an_access_request_of_a_known_person_is_not_answered_by_post(smtp, personas):
    request = _letter("access")
    verification.verify_by_staff(request, str(personas.anna.ref), actor="po",
                                 note="handtekening vergeleken")
    assert _answers.answerable(request)
    with pytest.raises(RuleViolation) as refused:
        _answers.answer_by_post(request, actor="po")
    assert refused.value.rule == "Rt6"


def test_choosing_another_person_stops_the_confirmation_link_sent_to_the_first(
        smtp, personas):
    request = intake.file_web_request(kind="access", name="Anna", email=ANNA, language="nl")
    verification.begin(request, actor="po")
    request.refresh_from_db()
    assert request.status == Status.AWAITING_VERIFICATION and request.verification_hash
    _matching.link_person(request, str(personas.carla.ref), actor="po", matched_on="name")
    request.refresh_from_db()
    assert request.person_ref == str(personas.carla.ref)
    assert request.status == Status.NEW and request.verification_hash == ""
    link = smtp.link(smtp.to(ANNA)[-1], "confirm")
    assert verification.confirm(link.rstrip("/").rsplit("/", 1)[-1]) is None


# --- the same steps through the API --------------------------------------------------

def _api(token: str, path: str, body: object) -> Any:
    return Client().post(f"/api/v1/requests{path}", data=json.dumps(body),
                         content_type="application/json",
                         headers={"Authorization": f"Bearer {token}"})


def test_the_api_verifies_no_one_without_a_person_matches_and_answers_by_phone(
        smtp, personas, api_token):
    token = api_token("privacy_officer")
    request = _letter("restriction", channel="phone")
    refused = _api(token, f"/{request.uid}/verify", {"person_ref": "", "note": "gebeld"})
    assert refused.status_code == 422  # was a server error
    assert refused.json()["errors"][0]["field"] == "person_ref"
    found = _api(token, f"/{request.uid}/match", {"phone": "06 12345678"})
    assert found.status_code == 200
    assert [(c["ref"], c["matched_on"]) for c in found.json()] == [
        (str(personas.anna.ref), ["phone"])]
    bad = _api(token, f"/{request.uid}/match", {"postcode": "9711 LM"})
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "house_number"
    assert _api(token, f"/{request.uid}/person", {"person_ref": str(personas.anna.ref),
                                                  "matched_on": "phone"}).status_code == 200
    verified = _api(token, f"/{request.uid}/verify", {"person_ref": str(personas.anna.ref),
                                                      "note": "teruggebeld"})
    assert verified.json()["status"] == "verified"
    assert _api(token, f"/{request.uid}/restrict", {"text": ""}).status_code == 200
    # Without an offset the moment is the policy's local time.
    called = (clock.now() - timedelta(minutes=3)).replace(tzinfo=None, microsecond=0)
    answered = _api(token, f"/{request.uid}/answered-by-phone", {
        "who": "Sanne", "at": called.isoformat(), "said": "Gegevens worden niet gebruikt."})
    assert answered.status_code == 200, answered.content
    assert answered.json()["status"] == "closed"
    assert answered.json()["answered_how"] == "phone: answered in a call"


def test_the_api_records_no_data_held_only_after_a_search_that_finds_nobody(
        smtp, personas, api_token):
    token = api_token("privacy_officer")
    request = _letter("access", name="Olaf Øster", address=OLAFS_LETTER)
    refused = _api(token, f"/{request.uid}/no-data", {"name": "Anna"})
    assert refused.status_code == 422 and refused.json()["errors"][0]["rule"] == "Art12"
    done = _api(token, f"/{request.uid}/no-data", {"name": "Olaf Øster"})
    assert done.status_code == 200 and done.json()["status"] == "verified"
    assert DataSubjectRequest.objects.get(uid=request.uid).detail["outcome"] == NO_DATA_HELD
