"""How the SQL connector recognises a person in stored values and free text, and scrubs her
out (#16.2, Rt3): phone numbers however they were typed, the name as whole words, the
e-mail address in any case; scrubbed text no longer names her and keeps everyone else."""

from __future__ import annotations

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from privacydesk.systems.connectors import _sql_text as text

ANNA_PHONE = text.phone("+31612345678")
EVA_PHONE = text.phone("+31611122233")
PLACEHOLDER = "[verwijderd]"


def _anna_scrubbed(value: str) -> str:
    assert ANNA_PHONE is not None
    return text.scrub(value, "Anna de Vries", ["anna@example.nl"], [ANNA_PHONE], PLACEHOLDER)


@pytest.mark.parametrize("written", [
    "06-12345678", "0612345678", "06 1234 5678", "+31 6 12345678", "+31612345678",
    "+31 (0)6-12345678", "0031 6 12345678", "(06) 12 34 56 78", "06.12.34.56.78",
])
def test_annas_number_is_recognised_however_it_was_typed(written):
    assert ANNA_PHONE is not None
    assert text.phone_in(f"Bel haar op {written} na vijven.", [ANNA_PHONE])
    assert _anna_scrubbed(f"Bel haar op {written} na vijven.") == (
        f"Bel haar op {PLACEHOLDER} na vijven.")


@pytest.mark.parametrize("other", [
    "06-12345679",            # one digit off
    "06-11122233",            # Eva's
    "1206-12345678",          # not a trunk or country prefix before her number
    "+32 6 12345678",         # the same digits in Belgium
])
def test_other_numbers_are_not_annas(other):
    assert ANNA_PHONE is not None
    assert not text.phone_in(f"Bel {other} terug", [ANNA_PHONE])
    assert _anna_scrubbed(f"Bel {other} terug") == f"Bel {other} terug"


def test_a_number_next_to_a_date_is_still_found():
    assert _anna_scrubbed("Op 12-03 06 12345678 gebeld") == f"Op 12-03 {PLACEHOLDER} gebeld"


def test_too_short_a_number_is_not_looked_for():
    assert text.phone("112") is None


def test_the_name_matches_as_whole_words_in_any_case_and_spacing():
    assert text.name_in("belde met anna\n de  VRIES", "Anna de Vries")
    assert not text.name_in("Joanna de Vriesland belde", "Anna de Vries")
    assert _anna_scrubbed("Joanna de Vriesland en Anna de Vries") == (
        f"Joanna de Vriesland en {PLACEHOLDER}")


def test_scrubbing_keeps_eva_and_removes_anna():
    note = ("Eva Visser (eva@noordict.nl, 06 11122233) vraagt of Anna de Vries "
            "(Anna@Example.NL, 06-12345678) ook een offerte wil.")
    assert _anna_scrubbed(note) == (
        f"Eva Visser (eva@noordict.nl, 06 11122233) vraagt of {PLACEHOLDER} "
        f"({PLACEHOLDER}, {PLACEHOLDER}) ook een offerte wil.")


_words = st.text(alphabet=st.characters(whitelist_categories=("Ll", "Lu", "Nd", "Zs", "Po")),
                 max_size=30)
_annas = st.sampled_from(["Anna de Vries", "anna de vries", "anna@example.nl",
                          "ANNA@EXAMPLE.NL", "06-12345678", "+31 6 1234 5678",
                          "0031612345678"])


@given(before=_words, mention=_annas, after=_words)
def test_after_scrubbing_nothing_names_her(before, mention, after):
    assert ANNA_PHONE is not None
    scrubbed = _anna_scrubbed(f"{before} {mention} {after}")
    assert not text.name_in(scrubbed, "Anna de Vries")
    assert not text.email_in(scrubbed, "anna@example.nl")
    assert not text.phone_in(scrubbed, [ANNA_PHONE])


@given(before=_words, after=_words)
def test_scrubbing_leaves_text_without_her_as_it_was(before, after):
    note = f"{before} Eva Visser 06 11122233 {after}"
    assume("anna" not in note.lower() and "12345678" not in text.digits_of(note))
    assert _anna_scrubbed(note) == note
