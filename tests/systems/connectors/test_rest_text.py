"""Finding Anna in free text however it is written, and scrubbing only her (Rt3): the part
of the REST connector that needs no server. Field paths walk lists and name one element."""

from __future__ import annotations

import pytest

from privacydesk.systems.connector import Subject
from privacydesk.systems.connectors._rest_paths import fill, nest, resolve
from privacydesk.systems.connectors._rest_text import Needles

ANNA = Needles(Subject(name="Anna de Vries", emails=("anna@example.nl",),
                       phones=("+31612345678",)), "NL")


@pytest.mark.parametrize("text", [
    "Bel 06-12345678 terug", "bel 06 12345678", "tel. +31 6 1234 5678", "(06)12345678",
    "+31612345678", "0031 6 12345678",
])
def test_her_phone_number_is_found_however_it_is_written(text: str) -> None:
    assert [m.kind for m in ANNA.mentions(text)] == ["phone"]


def test_her_name_is_found_in_any_case_and_spacing_but_not_inside_another_word() -> None:
    assert [m.kind for m in ANNA.mentions("Gesprek met ANNA  DE\nvries.")] == ["name"]
    assert ANNA.mentions("Johanna de Vriesland") == []
    assert ANNA.mentions("Anna belde") == []  # a first name alone is not her whole name


def test_her_address_is_found_but_not_a_longer_one() -> None:
    assert [m.kind for m in ANNA.mentions("mail naar Anna@Example.nl.")] == ["email"]
    assert ANNA.mentions("joanna@example.nl of anna@example.nl.com") == []


def test_scrubbing_replaces_only_what_names_her() -> None:
    text = "Anna de Vries (anna@example.nl, 06-12345678) en Bram Bakker, 06-98765432."
    assert ANNA.scrub(text, "[verwijderd]") == (
        "[verwijderd] ([verwijderd], [verwijderd]) en Bram Bakker, 06-98765432.")


def test_olafs_text_is_not_hers() -> None:
    olaf = Needles(Subject(name="Olaf Jansen", phones=("+31201234567",)), "NL")
    assert olaf.mentions("Anna de Vries, 06-12345678") == []
    assert Needles(Subject(), "NL").empty()


def test_field_paths_walk_lists_and_name_each_element() -> None:
    issue = {"id": 3, "author": {"name": "Eva Visser"},
             "journals": [{"id": 7, "notes": "eerste", "details": []},
                          {"id": 8, "notes": "tweede",
                           "details": [{"old_value": "oud", "new_value": "nieuw"}]}]}
    found = list(resolve(issue, "journals[].notes"))
    assert [(f.concrete, f.value, f.holder["id"]) for f in found] == [
        ("journals[0].notes", "eerste", 7), ("journals[1].notes", "tweede", 8)]
    assert [f.value for f in resolve(issue, "journals[1].notes")] == ["tweede"]
    assert [f.concrete for f in resolve(issue, "journals[].details[].old_value")] == [
        "journals[1].details[0].old_value"]
    assert list(resolve(issue, "journals[].missing")) == []
    assert fill("{author.name} #{id}", issue) == "Eva Visser #3"
    assert fill("{nobody}", issue) is None
    assert nest("journal.notes", "x") == {"journal": {"notes": "x"}}
