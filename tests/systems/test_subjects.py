"""A person as the other systems know them (#16.3): every name, e-mail address, phone number,
postcode + house number and account name the register holds, normalised the way connectors
compare, read as an audited use for the right it serves (Sec4)."""

from __future__ import annotations

import pytest

from privacydesk.register import services
from privacydesk.systems import subjects
from privacydesk.systems.connector import Subject
from privacydesk.vault.models import AuditEntry

ACTOR = "seed"


@pytest.fixture
def anna(db):
    anna = services.create_person(actor=ACTOR, purpose="callback", source="contact_form")
    services.add_role(anna, "customer", actor=ACTOR)
    services.add_datum(anna, "names", {"given_names": "Anna", "infix": "de",
                                       "family_name": "Vries"},
                       source="contact_form", purpose="callback", basis="consent", actor=ACTOR)
    for address in ("Anna.de.Vries@Example.NL", "anna@vries.example"):
        services.add_datum(anna, "email", {"address": address}, source="contact_form",
                           purpose="callback", basis="consent", actor=ACTOR)
    services.add_datum(anna, "phone", {"number": "06-12345678"}, source="contact_form",
                       purpose="callback", basis="consent", actor=ACTOR)
    services.add_datum(anna, "address", {"street": "Herestraat", "house_number": "12a",
                                         "postcode": "9711 lm", "city": "Groningen"},
                       source="contact_form", purpose="callback", basis="consent", actor=ACTOR)
    return anna


def test_annas_subject_holds_everything_the_register_finds_her_by(anna):
    subject = subjects.subject_of(anna, actor="po", purpose="access_request")
    assert subject == Subject(name="Anna de Vries",
                              emails=("anna.de.vries@example.nl", "anna@vries.example"),
                              phones=("+31612345678",),
                              postcode_house_numbers=("9711LM 12A",), ids={})
    assert not subjects.is_empty(subject)


def test_reading_the_subject_is_an_audited_use_for_the_right(anna):
    before = AuditEntry.objects.filter(person_ref=str(anna.ref), action="read").count()
    subjects.subject_of(anna, actor="po", purpose="erasure")
    reads = AuditEntry.objects.filter(person_ref=str(anna.ref), action="read")
    assert reads.count() == before + 1 and reads.last().purpose == "erasure"


def test_olaf_whom_the_register_knows_by_nothing_is_an_empty_subject(db):
    olaf = services.create_person(actor=ACTOR, purpose="callback", source="contact_form")
    subject = subjects.subject_of(olaf, actor="po", purpose="access_request")
    assert subjects.is_empty(subject)


@pytest.mark.parametrize("raw, normalised", [
    ("06-12345678", "+31612345678"), ("+31 6 1234 5678", "+31612345678"),
    ("050 525 9060", "+31505259060"), ("geen nummer", ""),
])
def test_phone_numbers_are_compared_in_e164(raw, normalised):
    assert subjects.phone(raw) == normalised


def test_postcode_and_house_number_read_as_one_identity():
    assert subjects.postcode_house_number("9712 ab", " 12 ") == "9712AB 12"
    assert subjects.postcode_house_number("", "12") == ""
