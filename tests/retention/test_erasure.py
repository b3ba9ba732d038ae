"""Rt3 / Art. 17: erasure really deletes rows; what the law keeps is restricted, with a
receipt saying what went, what stays, why and until when."""

from __future__ import annotations

from datetime import date

import pytest

from privacydesk.callbacks.models import CallbackRequest
from privacydesk.register import services
from privacydesk.register.models import DATUM_MODELS, Person, Role
from privacydesk.retention import erasure
from privacydesk.retention import services as retention
from privacydesk.retention.erasure_receipt import ErasureReceipt
from privacydesk.retention.models import DeletionReceipt, ErasureLedger
from privacydesk.vault import audit
from privacydesk.vault.models import AuditEntry

from .conftest import ACTOR, TODAY

# Date-sensitive: scripts/test.sh runs these again under frozen clocks (#13.1).
pytestmark = pytest.mark.dates


def _rows(person_id: int) -> int:
    return sum(m._default_manager.filter(person_id=person_id).count()
               for m in DATUM_MODELS.values())


def test_bram_is_erased_row_by_row_and_nothing_of_him_remains(personas):
    bram = personas.bram
    CallbackRequest.objects.create(person=bram, message="Bel me terug")
    pid, ref = bram.pk, str(bram.ref)
    receipt = erasure.erase_person(bram, actor=ACTOR, request_ref="REQ-1")
    assert receipt.person_deleted and not receipt.kept
    assert {d.category: d.count for d in receipt.deleted} == {"names": 1, "phone": 1}
    assert not Person.objects.filter(pk=pid).exists()
    assert _rows(pid) == 0 and not Role.objects.filter(person_id=pid).exists()
    assert not CallbackRequest.objects.filter(person_id=pid).exists()
    assert ErasureLedger.objects.filter(person_ref=ref).count() == 1
    assert DeletionReceipt.objects.filter(person_ref=ref, kind="erasure").count() == 3
    entry = AuditEntry.objects.filter(action="erase").get()
    assert entry.person_ref == ref and "Bram" not in entry.detail
    assert audit.verify().ok


def test_carlas_payroll_data_are_kept_restricted_and_the_receipt_says_why(personas):
    """Carla (employee) asks for erasure: her name given for a callback goes; her BSN and
    payroll record stay (Wage Tax Act), restricted, until five years after she leaves."""
    carla = personas.carla
    receipt = erasure.erase_person(carla, actor=ACTOR)
    assert not receipt.person_deleted
    assert {d.category for d in receipt.deleted} == {"names"}
    kept = {k.category: k for k in receipt.kept}
    assert set(kept) == {"identity", "financial"}
    assert kept["identity"].rule_id == "payroll-identity"
    assert kept["identity"].until is None            # employment still runs
    assert "Art. 6(1)(c)" in kept["identity"].basis_article
    for category in ("identity", "financial"):
        row = DATUM_MODELS[category]._default_manager.get(person=carla)
        assert row.restricted
    carla.refresh_from_db()
    assert carla.restricted
    text_nl, text_en = receipt.render("nl"), receipt.render("en")
    assert "Identiteitsgegevens" in text_nl and "loonbelasting" in text_nl
    assert "Identity data" in text_en and "Wage Tax Act" in text_en
    assert "Carla" not in text_nl + text_en + str(receipt.as_dict())
    again = ErasureReceipt.from_dict(ErasureLedger.objects.get().summary)
    assert again == receipt


def test_a_held_person_is_restricted_not_erased(personas):
    retention.create_hold(personas.bram, "Claim 2026-17", actor=ACTOR)
    receipt = erasure.erase_person(personas.bram, actor=ACTOR)
    assert not receipt.deleted and all(k.held for k in receipt.kept)
    assert _rows(personas.bram.pk) == 2
    assert "art. 17 lid 3 sub e" in receipt.render("nl")


def test_erasing_again_finds_nothing_more_to_do(personas):
    ref = str(personas.bram.ref)
    erasure.erase_person(personas.bram, actor=ACTOR)
    assert erasure.erase_ref(ref, actor=ACTOR) is False
    assert ErasureLedger.objects.filter(person_ref=ref).count() == 1


def test_kept_data_still_go_on_their_own_date(personas):
    from privacydesk.retention import sweep

    erasure.erase_person(personas.daan, actor=ACTOR)
    sweep.run(date(TODAY.year + 4, 12, 31))
    assert not Person.objects.filter(pk=personas.daan.pk).exists()
    services_ok = services.is_usable(personas.anna, "agreement")
    assert services_ok
