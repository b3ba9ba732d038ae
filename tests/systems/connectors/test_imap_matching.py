"""How the IMAP connector recognises a person in a message (#16.2, Rt3): the same patterns
find her and scrub her, so what the re-search would find is what the erasure removes. No
server needed: these are the decisions made on a message the server already returned."""

from __future__ import annotations

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from privacydesk.systems.connector import Subject
from privacydesk.systems.connectors._imap_match import PLACEHOLDER, matcher
from privacydesk.systems.connectors._imap_message import inspect, parse, rewrite

ANNA = Subject(name="Anna de Vries", emails=("anna@example.nl",), phones=("+31612345678",))
ALL = ("email", "name", "phone")


@pytest.mark.parametrize("written", [
    "06-12345678", "06 12 34 56 78", "0612345678", "+31 6 1234 5678", "+31 (0)6 12345678",
    "0031 6 12 34 56 78", "+31612345678", "(06) 1234-5678", "06.12.34.56.78",
])
def test_annas_phone_number_is_found_however_it_is_written(written: str) -> None:
    match = matcher(ANNA, ALL)
    text = f"Bel haar op {written}, graag voor vijf uur."
    assert match.in_text(text) == {"phone"}
    assert match.scrub(text) == f"Bel haar op {PLACEHOLDER}, graag voor vijf uur."


@pytest.mark.parametrize("other", [
    "06-12345679", "106-12345678", "06-123456789", "020-5555678", "+32 6 12345678",
])
def test_another_number_is_not_annas(other: str) -> None:
    assert matcher(ANNA, ALL).in_text(f"Bel {other}") == set()


@pytest.mark.parametrize(("text", "found"), [
    ("Groeten van Anna de Vries.", {"name"}),
    ("groeten van ANNA  DE\nVRIES", {"name"}),
    ("Groeten van Marianna de Vriesland", set()),
    ("Mail anna@example.nl.", {"email"}),
    ("Mail ANNA@Example.NL", {"email"}),
    ("Mail joanna@example.nl of anna@example.nl.com", set()),
])
def test_names_and_addresses_match_whole_in_any_case(text: str, found: set[str]) -> None:
    assert matcher(ANNA, ALL).in_text(text) == found


def test_the_servers_prefilter_looks_for_the_last_four_digits_as_people_group_them() -> None:
    assert matcher(ANNA, ALL).search_terms() == ["anna@example.nl", "Anna de Vries", "5678",
                                                 "56 78", "56-78", "56.78"]


def test_a_hyphenated_term_is_searched_by_its_parts_a_full_text_index_can_find() -> None:
    carla = Subject(name="Carla Jansen-Wierenga", emails=("c.jansen-wierenga@in-factor.nl",),
                    phones=("+31612345678",))
    assert matcher(carla, ALL).search_keys() == [
        ("c.jansen", "wierenga@in", "factor.nl"), ("Carla Jansen", "Wierenga"), ("5678",),
        ("56 78",), ("56-78",), ("56.78",)]   # "56", "78": too short to split into
    # A part without three letters or digits in a row is left out; none left: the term whole.
    assert matcher(Subject(name="Jo-Li Ng"), ALL).search_keys() == [("Jo-Li Ng",)]
    assert matcher(Subject(emails=("x.y-z@a-b.nl",)), ALL).search_keys() == [("x.y-z@a-b.nl",)]
    assert matcher(Subject(name="Sanne O'Neill-de Vries"), ALL).search_keys() == [
        ("Sanne O'Neill", "de Vries")]


def test_only_the_declared_identities_are_looked_for() -> None:
    match = matcher(ANNA, ("email",))
    assert match.search_terms() == ["anna@example.nl"]
    assert match.in_text("Anna de Vries, 06-12345678") == set()
    assert matcher(Subject(postcode_house_numbers=("9712AB 12",)), ALL).empty


def test_her_own_address_twice_is_correspondence_not_a_mention() -> None:
    raw = (b"From: Anna de Vries <anna@example.nl>\r\nTo: anna@example.nl\r\n"
           b"Subject: Notitie\r\n\r\nBoodschappen\r\n")
    seen = inspect(raw, matcher(ANNA, ALL))
    assert seen is not None and seen.correspondent
    assert seen.matched_by == ("email", "name")


def test_a_mention_in_a_display_name_is_scrubbed_from_the_header() -> None:
    raw = (b"From: \"Anna de Vries via Bram\" <bram@bakker.example>\r\n"
           b"To: info@infactor.example\r\nSubject: Doorgestuurd\r\n\r\nZie bijlage\r\n")
    match = matcher(ANNA, ALL)
    seen = inspect(raw, match)
    assert seen is not None and not seen.correspondent and seen.matched_by == ("name in text",)
    scrubbed = rewrite(raw, match, "test")
    assert scrubbed is not None
    assert str(parse(scrubbed)["From"]) == '"[verwijderd] via Bram" <bram@bakker.example>'
    assert inspect(scrubbed, match) is None


def test_a_message_that_does_not_name_her_is_not_rewritten() -> None:
    raw = b"From: Bram <bram@bakker.example>\r\nSubject: Offerte\r\n\r\nGraag een offerte.\r\n"
    assert inspect(raw, matcher(ANNA, ALL)) is None
    assert rewrite(raw, matcher(ANNA, ALL), "test") is None


# -- the invariant the re-search rests on ----------------------------------------------------

_WAYS = ["Anna de Vries", "ANNA DE VRIES", "anna\nde  vries", "anna@example.nl",
         "Anna@Example.nl", "06-12345678", "+31 6 1234 5678", "0031 (0)6 12 34 56 78",
         "(06) 12345678", "0612345678"]


@given(st.lists(st.one_of(st.sampled_from(_WAYS), st.text(max_size=12)), max_size=12))
def test_whatever_finds_her_in_a_text_is_gone_after_scrubbing(pieces: list[str]) -> None:
    match = matcher(ANNA, ALL)
    text = " ".join(pieces)
    assert match.in_text(match.scrub(text)) == set()


@given(st.lists(st.one_of(st.sampled_from(_WAYS), st.text(alphabet=st.characters(
    blacklist_categories=("Cs", "Cc")), max_size=12)), min_size=1, max_size=8))
def test_a_mail_that_mentions_her_anywhere_is_rewritten_without_her(pieces: list[str]) -> None:
    from email.message import EmailMessage

    match = matcher(ANNA, ALL)
    message = EmailMessage()
    message["From"] = "Bram Bakker <bram@bakker.example>"
    message["Subject"] = " ".join(pieces[:2]).replace("\n", " ")
    message.set_content(" ".join(pieces) + "\n")
    raw = message.as_bytes()
    assume(inspect(raw, match) is not None)
    scrubbed = rewrite(raw, match, "test")
    assert scrubbed is not None and inspect(scrubbed, match) is None
    assert parse(scrubbed)["From"] == "Bram Bakker <bram@bakker.example>"


def test_the_report_shows_the_passage_of_someone_elses_mail_that_names_her() -> None:
    filler = "Wij zoeken een partner voor het beheer van ons netwerk en onze laptops. " * 4
    raw = (f"From: Bram Bakker <bram@bakker.example>\r\nSubject: Offerte\r\n\r\n{filler}"
           "Anna de Vries raadde jullie aan.\r\n").encode()
    seen = inspect(raw, matcher(ANNA, ALL))
    assert seen is not None
    assert seen.fields["text"].startswith("…") and "Anna de Vries raadde" in seen.fields["text"]
    assert len(seen.fields["text"]) <= 200
