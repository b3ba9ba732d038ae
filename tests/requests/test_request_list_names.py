"""#15: a request matched to nobody is found in the staff list by the name the requester
wrote, and a request filed before the requests' own indexes existed is found by that name
and by its e-mail address too (requests migration 0004 fills the indexes, in batches).

The name stays sealed: the search compares blind indexes of whole words
(requests.name_words), never the decrypted name.
"""

from __future__ import annotations

import importlib
import json
from datetime import timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from privacydesk.requests import clock, intake, listing, name_words
from privacydesk.requests.models import DataSubjectRequest, Status
from privacydesk.vault import crypto

BEFORE = [("requests", "0003_email_blind_index")]
AFTER = [("requests", "0004_name_index_and_backfill")]
_MIGRATION = importlib.import_module("privacydesk.requests.migrations.0004_name_index_and_backfill")


def _letter(name: str, kind: str = "erasure") -> DataSubjectRequest:
    """A letter from someone the register does not know: matched to nobody."""
    return intake.file_staff_request(
        kind=kind, name=name, email="", message="Per brief.", language="nl", actor="olga",
        channel="letter", address="Dorpsstraat 1, 9700 AA Groningen",
        received_at=timezone.now())


def test_a_letter_matched_to_nobody_is_found_by_the_name_on_it(db):
    """Olaf is in no register; his letter is found by any whole words of his name, in any
    case or accents, and only his."""
    olaf = _letter("Olaf Özdemir-van den Berg")
    _letter("Bram Visser")
    assert olaf.person_ref == ""
    for query in ("Olaf", "özdemir", "OZDEMIR", "olaf van den berg", "Özdemir-van Berg",
                  " Olaf   BERG "):
        assert list(listing.find_requests(query)) == [olaf], query
    # Every word must be one of his: another family name is not him.
    assert list(listing.find_requests("Olaf Visser")) == []


def test_the_name_is_not_stored_readable_and_a_part_of_a_word_finds_nothing(db):
    """The column holds keyed hashes of whole words, not the name; a prefix cannot be
    looked up (that would need an index of every prefix, a near copy of the name)."""
    olaf = _letter("Olaf Özdemir")
    assert olaf.name_index and "olaf" not in olaf.name_index.casefold()
    assert len(olaf.name_index.split()) == 2
    assert list(listing.find_requests("Ola")) == []


def test_a_role_that_may_not_see_names_does_not_find_the_written_name(db):
    """Sec1: a role without names may not find people by their name."""
    _letter("Olaf Özdemir")
    assert list(listing.find_requests("Olaf", with_names=False)) == []


def test_the_page_finds_the_letter_by_name(db, staff_client):
    olaf = _letter("Olaf Özdemir")
    _letter("Bram Visser")
    page = staff_client("privacy_officer").get("/staff/requests/?q=olaf+%C3%B6zdemir")
    assert olaf.reference in page.content.decode()
    assert "Bram Visser" not in page.content.decode()


def test_once_the_contact_details_are_cleared_the_name_finds_nothing(db):
    """R2: after the contact period the name is gone, and so is what found it."""
    olaf = _letter("Olaf Özdemir", kind="objection")
    olaf.status, olaf.closed_at = Status.CLOSED, timezone.now()
    olaf.save(update_fields=["status", "closed_at"])
    assert list(listing.find_requests("olaf", status=listing.ALL)) == [olaf]
    clock.tick(timezone.now() + timedelta(days=3 * 365))
    olaf.refresh_from_db()
    assert olaf.contact_cleared_at is not None and olaf.name_index == ""
    assert list(listing.find_requests("olaf", status=listing.ALL)) == []


def test_words_ignore_case_accents_and_punctuation():
    assert name_words.words("José  de Vries-Bos") == ["jose", "de", "vries", "bos"]
    assert name_words.words("d'Hondt, D'HONDT") == ["d", "hondt"]
    assert name_words.words("  ") == []


@pytest.mark.django_db(transaction=True)
def test_the_migration_indexes_requests_filed_before_the_indexes(monkeypatch):
    """Anna wrote (by e-mail) and Olaf and Bram by letter before either index existed; the
    migration gives each the indexes their sealed details call for, a few rows at a time
    (a batch of 2 over five requests), and leaves a request whose details were cleared
    as it is."""
    monkeypatch.setattr(_MIGRATION, "BATCH", 2)
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    try:
        old = executor.loader.project_state(BEFORE).apps.get_model(
            "requests", "DataSubjectRequest")
        ids = {}
        for who, name, email in (("anna", "Anna de Vries", "anna.de.vries@example.nl"),
                                 ("olaf", "Olaf Özdemir", ""),
                                 ("bram", "Bram Visser", ""),
                                 ("eva", "", "eva.smit@example.nl")):
            ids[who] = _old_request(old, name, email).pk
        cleared = _old_request(old, "", "")
        cleared.key_id, cleared.ciphertext = "", b""
        cleared.contact_cleared_at = timezone.now()
        cleared.save()
        assert old.objects.exclude(email_index="").count() == 0   # as 0003 left them
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(AFTER)
        everything = dict(status=listing.ALL)
        assert [r.pk for r in listing.find_requests("Olaf Özdemir", **everything)] == \
            [ids["olaf"]]
        assert [r.pk for r in listing.find_requests("visser", **everything)] == [ids["bram"]]
        assert [r.pk for r in listing.find_requests("Anna de Vries", **everything)] == \
            [ids["anna"]]
        assert [r.pk for r in listing.find_requests("ANNA.de.vries@example.nl",
                                                    **everything)] == [ids["anna"]]
        assert [r.pk for r in listing.find_requests("eva.smit@example.nl",
                                                    **everything)] == [ids["eva"]]
        assert DataSubjectRequest.objects.get(pk=ids["eva"]).name_index == ""
        untouched = DataSubjectRequest.objects.get(pk=cleared.pk)
        assert (untouched.email_index, untouched.name_index) == ("", "")
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())


def _old_request(model, name: str, email: str):
    """A request as requests 0003 stored it: sealed details, no index filled."""
    now = timezone.now()
    key_id, ciphertext = crypto.seal(json.dumps({
        "name": name, "email": email, "subject": "", "message": "", "address": ""}),
        aad="requests.datasubjectrequest")
    return model.objects.create(
        kind="access", channel="letter", received_at=now, status="new",
        statement_deadline=now + timedelta(days=7), legal_deadline=now + timedelta(days=30),
        key_id=key_id, ciphertext=ciphertext)
