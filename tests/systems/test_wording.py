"""A connector's outcome detail reaches Anna's receipt and staff in their language (#16.3,
#15): the REST connector's "still named in …; remove it there by hand" is worded by the
systems app (connectors stay plain Python, in English); an unknown detail stays as written.
"""

from __future__ import annotations

from pathlib import Path

from privacydesk.systems import wording

REST = Path(__file__).resolve().parents[2] / "privacydesk/systems/connectors/rest.py"
STILL_NAMED = ("still named in issues/12.journals[0].notes, issues/12.description: the "
               "system offers no way to change this text; remove it there by hand")


def test_the_rest_connectors_text_left_reads_in_dutch_with_where_as_written():
    assert wording.outcome_detail(STILL_NAMED, "nl") == (
        "nog genoemd in issues/12.journals[0].notes, issues/12.description: het systeem "
        "biedt geen manier om deze tekst te wijzigen; verwijder het daar met de hand")
    assert wording.outcome_detail(STILL_NAMED, "en") == STILL_NAMED


def test_joined_with_another_reason_each_is_worded_or_kept():
    joined = f"fiscal law (7 years); {STILL_NAMED}"
    assert wording.outcome_detail(joined, "nl").startswith(
        "fiscal law (7 years); nog genoemd in issues/12")


def test_the_shape_is_the_one_the_rest_connector_writes():
    """The connector's words, as in its source: a changed wording fails here."""
    source = REST.read_text("utf-8")
    assert 'f"still named in {' in source
    assert ('the system offers no way to "\n' in source
            and '"change this text; remove it there by hand"' in source)
