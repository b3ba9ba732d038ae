"""How the LDAP connector recognises a person in attribute values and writes LDIF (#16.2,
Rt3, Rt4): plain Python, no directory needed."""

from __future__ import annotations

import base64
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from privacydesk.systems.connector import Subject
from privacydesk.systems.connectors import _ldap_ldif as ldif
from privacydesk.systems.connectors import _ldap_text as text
from privacydesk.systems.connectors._ldap_dataset import dn_within, normal_dn

ANNA = Subject(name="Anna de Vries", emails=("anna@example.nl",), phones=("+31612345678",))


@pytest.mark.parametrize("written", [
    "bel 06-12345678", "bel +31 6 12345678", "bel 0031 6 1234 5678", "bel 06 1234 5678",
    "bel (06) 12345678", "bel +31 (0)6 12345678",
])
def test_annas_number_is_recognised_however_it_is_written(written: str) -> None:
    assert text.mentions(written, ANNA) == ("phone",)
    assert text.scrub(written, ANNA, "[verwijderd]") == "bel [verwijderd]"


@pytest.mark.parametrize(("note", "scrubbed"), [
    # phonenumbers' matcher read these as one candidate and missed Anna's number.
    ("+31 6 12345678  06-87654321", "X  06-87654321"),
    ("+31 6 12345678 06-87654321", "X 06-87654321"),
    ("0612345678/0687654321", "X/0687654321"),
    ("(06) 12345678 of 050-1234567", "X of 050-1234567"),
])
def test_annas_number_beside_another_is_found_and_only_hers_is_scrubbed(
        note: str, scrubbed: str) -> None:
    assert text.mentions(note, ANNA) == ("phone",)
    assert text.scrub(note, ANNA, "X") == scrubbed


def test_a_foreign_number_is_found_in_its_own_countrys_national_form() -> None:
    lotte = Subject(phones=("+32470123456",))
    assert text.mentions("gsm 0470 12 34 56", lotte) == ("phone",)
    assert text.mentions("gsm +32 470 12 34 56", lotte) == ("phone",)


@pytest.mark.parametrize("unrelated", [
    "Hanna de Vriesland belde", "joanna@example.nl schreef", "anna@example.nl.evil.test",
    "bel 06-12345679", "factuur 2024-00817 betaald", "rekening 106-12345678",
    "bel 06-123456789",
])
def test_what_only_resembles_anna_is_not_her(unrelated: str) -> None:
    assert text.mentions(unrelated, ANNA) == ()
    assert text.scrub(unrelated, ANNA, "[verwijderd]") == unrelated


def test_every_mention_of_anna_in_a_note_is_scrubbed_and_the_rest_stays() -> None:
    note = ("Overleg met ANNA DE VRIES (anna@example.nl, 06-12345678) over de offerte van "
            "Bram Bakker; Anna  de Vries belt terug.")
    assert text.mentions(note, ANNA) == ("name", "email", "phone")
    assert text.scrub(note, ANNA, "[verwijderd]") == (
        "Overleg met [verwijderd] ([verwijderd], [verwijderd]) over de offerte van "
        "Bram Bakker; [verwijderd] belt terug.")


def test_an_identity_attribute_matches_the_whole_value_only() -> None:
    assert text.identity_matches("Anna  de vries", "name", ANNA)
    assert not text.identity_matches("Anna de Vries-Bakker", "name", ANNA)
    assert text.identity_matches("ANNA@EXAMPLE.NL", "email", ANNA)
    assert not text.identity_matches("anna@example.nl", "name", Subject())


def test_filters_escape_what_ldap_would_read_as_syntax() -> None:
    olaf = Subject(name="Olaf (*)", emails=("o*f@example.nl",))
    assert text.identity_filter("cn", "name", olaf) == [r"(cn=Olaf \28\2a\29)"]
    assert text.text_filter("description", olaf)[1] == r"(description=*o\2af@example.nl*)"


def test_ldif_writes_safe_values_plainly_and_the_rest_base64_folded_at_76() -> None:
    long_note = "Notitie " * 20
    block = ldif.entry("uid=eva,ou=contacts,dc=infactor,dc=test", [
        ("cn", ["Eva Visser"]), ("description", [" begint met een spatie", long_note.strip()]),
        ("sn", ["Müller"]), ("jpegPhoto", [b"\xff\xd8\xff"])])
    lines = block.split("\n")
    assert lines[0] == "dn: uid=eva,ou=contacts,dc=infactor,dc=test"
    assert "cn: Eva Visser" in lines
    assert f"description:: {base64.b64encode(b' begint met een spatie').decode()}" in lines
    assert f"sn:: {base64.b64encode('Müller'.encode()).decode()}" in lines
    assert "jpegPhoto:: /9j/" in lines
    assert all(len(line) <= 76 for line in lines)
    # Unfolding (a line break and one space removed) gives the value back.
    unfolded = block.replace("\n ", "")
    assert f"description: {long_note.strip()}" in unfolded.split("\n")
    assert block.endswith("\n\n")


@given(st.text(min_size=1, max_size=300))
def test_any_value_survives_the_ldif_round_trip(value: str) -> None:
    block = ldif.entry("cn=x", [("description", [value])])
    line = block.replace("\n ", "").split("\n")[1]
    if line.startswith("description:: "):
        assert base64.b64decode(line[len("description:: "):]).decode("utf-8") == value
    else:
        assert line == f"description: {value}"


def test_a_single_word_name_is_no_mention_in_free_text() -> None:
    olaf = Subject(name="Olaf")
    assert text.mentions("Olaf belde over de storing", olaf) == ()
    assert text.text_filter("description", olaf) == []
    # As an identity attribute's whole value it still is his name.
    assert text.identity_matches("olaf", "name", olaf)


@pytest.mark.parametrize(("value", "day"), [
    # 22:30 UTC on 30 June is 00:30 on 1 July in Amsterdam: the controller's calendar counts.
    ("20250630223000Z", date(2025, 7, 1)),
    ("20250630120000.5Z", date(2025, 6, 30)),
    ("20251231233000+0100", date(2025, 12, 31)),
    ("2025-06-30", date(2025, 6, 30)),
    ("20250630", date(2025, 6, 30)),
    ("30 juni 2025", None),
])
def test_a_date_attribute_is_read_as_a_day_on_the_controllers_calendar(
        value: str, day: date | None) -> None:
    assert text.record_day(value) == day


_FORMS = st.sampled_from([
    "Anna de Vries", "anna DE vries", "anna@example.nl", "ANNA@example.nl", "06-12345678",
    "+31 6 12345678", "0031612345678", "06 1234 5678"])
_FILLER = st.text(alphabet="abcdefghij klmnop,.;:-()@+0123456789\n", max_size=30)


@given(st.lists(st.tuples(_FILLER, _FORMS), min_size=1, max_size=4), _FILLER)
def test_after_scrubbing_nothing_in_a_note_names_anna_any_more(
        parts: list[tuple[str, str]], tail: str) -> None:
    # The re-search's promise in small (Rt3): whatever the note around her, once scrubbed it
    # no longer mentions her.
    note = "".join(filler + " " + form + " " for filler, form in parts) + tail
    assert text.mentions(text.scrub(note, ANNA, "[verwijderd]"), ANNA) == ()


def test_two_ways_of_writing_one_dn_are_one_dn() -> None:
    # A group's member value and the entry's own DN may escape differently (slapd writes
    # "\2C" for the comma someone typed as "\,"): erasure must still find her membership.
    assert normal_dn(r"cn=Visser\, Eva (VIP),ou=contacts") == normal_dn(
        r"CN=visser\2C eva (VIP),OU=Contacts")
    assert normal_dn(r"cn=Caf\C3\A9 De Vries") == (("cn", "café de vries"),)
    assert dn_within("uid=anna,ou=Contacts,dc=infactor,dc=test",
                     "ou=contacts,dc=infactor,dc=test")
    assert not dn_within("ou=contacts,dc=infactor,dc=test",
                         "uid=anna,ou=contacts,dc=infactor,dc=test")
