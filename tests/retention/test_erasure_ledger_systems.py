"""The erasure ledger's receipt is signed, the other systems' lines included (Rt3, #16.3).

Anna is erased. The register's part of her receipt is signed when the ledger entry is made;
when the CRM and the shared mailbox have settled, their lines (outcome, erased, kept and
why, left at the re-search and when) join the signed summary. Whoever edits a line in the
database afterwards — "0 left" where the re-search found two — breaks the signature: the
request page says so and `privacydesk check` fails Rt3. An entry without system lines
verifies as it is; one made before entries were signed says so, and is no failure.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from privacydesk.check.rights import erasures
from privacydesk.requests import actions
from privacydesk.retention import journal, ledger, replay
from privacydesk.retention.erasure import erase_person
from privacydesk.retention.models import ErasureLedger
from privacydesk.systems import erasing, tasks
from privacydesk.systems.models import SystemTask
from privacydesk.vault.models import AuditEntry
from tests.requests.conftest import (  # noqa: F401 - the request workflow's fixtures
    ANNA,
    officer,
    personas,
    smtp,
    staff_client,
)
from tests.requests.helpers import verified
from tests.systems.test_identities import WORK, Held, places  # noqa: F401 - fixture

CRM_LINE = {"system": "crm", "label_nl": "Klantenbestand (CRM)",
            "label_en": "Customer database (CRM)", "status": "done", "done": 3, "kept": 1,
            "reason": "R3: facturen worden 7 jaar bewaard (art. 52 AWR)", "remaining": 0,
            "researched_at": "2026-12-07T13:02:00+00:00", "confirmed_by": "",
            "confirmation": ""}
CABINET_LINE = {"system": "archive_cabinet", "label_nl": "Archiefkast",
                "label_en": "Filing cabinet", "status": "confirmed", "done": 1, "kept": 0,
                "reason": "", "remaining": 0, "researched_at": "2026-12-07T15:40:00+00:00",
                "confirmed_by": "po-1", "confirmation": "map van Anna vernietigd"}


def _erase_anna(personas: Any, reference: str = "VZ-0000ABCD") -> ErasureLedger:  # noqa: F811
    erase_person(personas.anna, actor="po", request_ref=reference)
    return ErasureLedger.objects.get(request_ref=reference)


def test_the_registers_erasure_is_signed_and_an_entry_without_system_lines_verifies(
        personas):  # noqa: F811
    entry = _erase_anna(personas)
    assert len(entry.signature) == 64
    assert entry.summary["systems"] == []
    assert ledger.verify(entry) == ledger.VALID
    assert ledger.verify(ErasureLedger.objects.get(pk=entry.pk)) == ledger.VALID


def test_the_systems_lines_join_the_signed_summary(personas):  # noqa: F811
    entry = _erase_anna(personas)
    ledger.add_systems(entry.request_ref, [CRM_LINE, CABINET_LINE], actor="system")

    stored = ErasureLedger.objects.get(pk=entry.pk)
    assert ledger.verify(stored) == ledger.VALID
    assert [line.system for line in ledger.systems_of(stored)] == ["crm", "archive_cabinet"]
    cabinet = ledger.systems_of(stored)[1]
    assert (cabinet.confirmed_by, cabinet.confirmation) == ("po-1", "map van Anna vernietigd")
    assert stored.signature != entry.signature   # signed again, with the lines in


@pytest.mark.parametrize("field, value", [("remaining", 2), ("status", "kept"),
                                          ("researched_at", "2026-12-08T09:00:00+00:00"),
                                          ("confirmed_by", "someone-else")])
def test_altering_a_system_line_in_the_database_fails_verification(personas, field,  # noqa: F811
                                                                   value):
    entry = _erase_anna(personas)
    ledger.add_systems(entry.request_ref, [CRM_LINE, CABINET_LINE], actor="system")
    stored = ErasureLedger.objects.get(pk=entry.pk)
    summary = json.loads(json.dumps(stored.summary))
    summary["systems"][1 if field == "confirmed_by" else 0][field] = value
    ErasureLedger.objects.filter(pk=entry.pk).update(summary=summary)   # behind privacydesk

    altered = ErasureLedger.objects.get(pk=entry.pk)
    assert ledger.verify(altered) == ledger.ALTERED
    # Never signed again over the alteration.
    with pytest.raises(ledger.LedgerAltered):
        ledger.add_systems(entry.request_ref, [CRM_LINE], actor="system")
    assert ErasureLedger.objects.get(pk=entry.pk).summary == summary
    result = erasures()
    assert result.status == "fail"
    assert "1 erasure ledger entry no longer matching its signature" in result.details


def test_dropping_a_system_line_fails_verification_too(personas):  # noqa: F811
    entry = _erase_anna(personas)
    ledger.add_systems(entry.request_ref, [CRM_LINE, CABINET_LINE], actor="system")
    stored = ErasureLedger.objects.get(pk=entry.pk)
    ErasureLedger.objects.filter(pk=entry.pk).update(
        summary={**stored.summary, "systems": [CABINET_LINE]})
    assert ledger.verify(ErasureLedger.objects.get(pk=entry.pk)) == ledger.ALTERED


def test_an_entry_made_before_entries_were_signed_is_unsigned_not_altered(personas):  # noqa: F811
    entry = _erase_anna(personas)
    ErasureLedger.objects.filter(pk=entry.pk).update(signature="")
    old = ErasureLedger.objects.get(pk=entry.pk)
    assert ledger.verify(old) == ledger.UNSIGNED
    result = erasures()
    assert not any("signature" in line for line in result.details)
    assert "1 erasure ledger entry made before receipts were signed" in result.details


def test_a_restore_without_the_database_brings_back_the_signed_lines(personas):  # noqa: F811
    entry = _erase_anna(personas)
    journal.append(entry)   # what the commit writes (the test's transaction never commits)
    signed = ledger.add_systems(entry.request_ref, [CRM_LINE], actor="system")
    assert signed is not None
    journal.append(signed)
    ErasureLedger.objects.all().delete()   # the database lost; the journal survives

    found = replay.collect()
    restored = ErasureLedger(**found.ledger[str(entry.uid)])
    assert [line.system for line in ledger.systems_of(restored)] == ["crm"]
    assert ledger.verify(restored) == ledger.VALID


def test_annas_erasure_in_the_crm_and_the_mailbox_puts_their_lines_in_the_signed_ledger(
        smtp, personas, places, officer, staff_client,  # noqa: F811
        django_capture_on_commit_callbacks):
    places["crm"].append(Held("customers/1", "klant", {"email": (ANNA,)},
                              {"email": (WORK,)}))
    places["mailbox"] += [Held("INBOX/7", "e-mail", {"email": (WORK,)}),
                          Held("INBOX/8", "e-mail", {"email": ("bram@bakker.example",)})]
    request = verified(smtp, "erasure", ANNA)
    with django_capture_on_commit_callbacks(execute=True):   # as a committed erasure
        actions.erase(request, actor="po")
    for task in tasks.of_request(request.uid, SystemTask.ERASE):
        erasing.run(task.pk)   # the queue's tries; the last one settles the request

    entry = ledger.of_request(request.reference)
    assert entry is not None and ledger.verify(entry) == ledger.VALID
    lines = {line.system: line for line in ledger.systems_of(entry)}
    assert set(lines) == {"crm", "mailbox", "ticketing"}
    assert (lines["mailbox"].status, lines["mailbox"].done, lines["mailbox"].remaining) == (
        "done", 1, 0)
    assert lines["mailbox"].researched_at is not None
    request.refresh_from_db()
    assert request.detail["receipt"]["systems"] == entry.summary["systems"]
    assert AuditEntry.objects.filter(action="erasure.systems").exists()
    # The request page shows the signed receipt, its lines and that the signature matches.
    page = staff_client().get(f"/staff/requests/{request.uid}/").content.decode()
    assert "Gedeelde mailbox info@: 1 verwijderd of geanonimiseerd" in page
    assert "Ondertekend; de handtekening klopt met het ontvangstbewijs." in page
    # Staff see what her other address did, never the address (#16).
    assert "verwijderd met ook wat Klantenbestand (CRM) over de persoon weet" in page
    assert "de gegevens hier leverden 1 identiteit op waarmee ook de andere systemen" in page
    assert WORK not in page
    # The receipt she got says what the signed entry says; a copy changed behind it fails.
    request.refresh_from_db()
    assert request.answered_at is not None
    assert not [line for line in erasures().details if "signed ledger entry" in line]
    receipt = json.loads(json.dumps(request.detail["receipt"]))
    receipt["systems"][1]["remaining"] = 0
    receipt["systems"][1]["done"] = 7
    type(request).objects.filter(pk=request.pk).update(detail={**request.detail,
                                                               "receipt": receipt})
    assert f"erasure request {request.reference}: the receipt differs from its signed " \
        "ledger entry" in erasures().details
    ErasureLedger.objects.filter(pk=entry.pk).update(
        summary={**entry.summary, "systems": [{**entry.summary["systems"][0],
                                               "remaining": 0, "done": 9}]})
    page = staff_client().get(f"/staff/requests/{request.uid}/").content.decode()
    assert "Gewijzigd: het ontvangstbewijs klopt niet meer met de handtekening." in page
