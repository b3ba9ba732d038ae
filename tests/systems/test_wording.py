"""A connector's outcome detail reaches Anna's receipt and staff in their language (#16.3,
#15): the REST connector's "still named in …; remove it there by hand" is worded by the
systems app (connectors stay plain Python, in English); an unknown detail stays as written.
"""

from __future__ import annotations

import uuid
from pathlib import Path

from django.utils import timezone

from privacydesk.systems import wording
from privacydesk.systems.models import SystemTask

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


def test_a_lost_try_reads_in_dutch_for_staff_by_kind_label():
    assert wording.error_line(
        "interrupted: the worker stopped during try 2; the next try's re-search shows what "
        "is left", "nl") == ("onderbroken: de achtergrondverwerker stopte tijdens poging "
                             "2; de volgende poging zoekt opnieuw en toont wat er nog is")


def test_a_connectors_own_message_is_kept_after_the_kind_in_dutch():
    """The connector's words are redacted and may quote the system: as written."""
    assert (wording.error_line("unreachable: crm: connection refused", "nl")
            == "niet bereikbaar: crm: connection refused")
    assert wording.error_line("a note of staff: not an error", "nl") == (
        "a note of staff: not an error")


def test_annas_interrupted_erasure_on_the_task_page_reads_in_dutch(staff_client):
    now = timezone.now()
    task = SystemTask.objects.create(
        request_uid=uuid.uuid4(), request_ref="VZ-ANNA0001", person_ref="anna-ref",
        system="crm", action=SystemTask.ERASE, status=SystemTask.FAILED, attempts=3,
        error_kind="interrupted", error="interrupted: the worker stopped during try 3; the "
        "next try's re-search shows what is left", created_at=now, updated_at=now)
    page = staff_client("privacy_officer").get(
        f"/staff/systems/tasks/{task.pk}/", HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert "onderbroken: de achtergrondverwerker stopte tijdens poging 3" in page
    assert "the worker stopped" not in page


def test_where_a_text_is_left_is_said_in_words_counted_from_one():
    assert wording.place("journals[2].details[0].old_value", "nl") == \
        "geschiedenis, wijziging 3: oude waarde"
    assert wording.place("journals[0].details[1].new_value", "en") == \
        "history, change 1: new value"
    assert wording.place("journals[0].notes", "nl") == "notitie 1"
    assert wording.place("description", "nl") == "beschrijving"
    assert wording.place("issue.subject", "en") == "subject"


def test_a_place_of_no_known_shape_is_shown_as_written():
    assert wording.place("notes.body", "nl") == "notes.body"
