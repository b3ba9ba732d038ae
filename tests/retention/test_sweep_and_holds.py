"""Sweeps, plans and legal holds: held data are never swept; the plan shows no personal data."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest

from privacydesk.register.models import DATUM_MODELS, Person
from privacydesk.retention import plan, services, sweep
from privacydesk.retention.models import DeletionReceipt
from tests.console import run_privacydesk

from .conftest import ACTOR, TODAY

# Date-sensitive: scripts/test.sh runs these again under frozen clocks (#13.1).
pytestmark = pytest.mark.dates

LATER = TODAY + timedelta(days=400)   # past every contact period


def test_a_legal_hold_stops_the_sweep_until_it_is_lifted(personas):
    """Art. 17(3)(e): Bram disputes an invoice; his data stay while the hold lasts."""
    hold = services.create_hold(personas.bram, "Dispute over invoice 2026-031", actor=ACTOR)
    assert DATUM_MODELS["phone"]._default_manager.get(person=personas.bram).delete_after is None
    sweep.run(LATER)
    assert Person.objects.filter(pk=personas.bram.pk).exists()
    assert [h.reason for h in services.holds_for(personas.bram)] == [
        "Dispute over invoice 2026-031"]
    services.lift_hold(hold, actor=ACTOR)
    assert services.holds_for(personas.bram) == []
    sweep.run(LATER)
    assert not Person.objects.filter(pk=personas.bram.pk).exists()


def test_a_hold_with_an_end_moves_the_date_to_the_day_after(personas):
    until = TODAY + timedelta(days=500)
    services.create_hold(personas.bram, "Claim", actor=ACTOR, until=until)
    phone = DATUM_MODELS["phone"]._default_manager.get(person=personas.bram)
    assert phone.delete_after == until + timedelta(days=1)


def test_a_hold_needs_a_reason(personas):
    from privacydesk.policy.errors import RuleViolation

    try:
        services.create_hold(personas.bram, " ", actor=ACTOR)
    except RuleViolation as exc:
        assert exc.field == "reason"
    else:
        raise AssertionError("a hold without a reason was accepted")


def test_a_person_with_data_left_stays_and_only_due_data_go(personas):
    services.note_contact(personas.anna, TODAY)
    sweep.run(LATER)
    anna = personas.anna
    assert Person.objects.filter(pk=anna.pk).exists()
    assert not DATUM_MODELS["names"]._default_manager.filter(person=anna).exists()
    assert DATUM_MODELS["address"]._default_manager.filter(person=anna).exists()


def test_last_contact_moves_the_contact_period(personas):
    before = DATUM_MODELS["phone"]._default_manager.get(person=personas.bram).delete_after
    services.note_contact(personas.bram, TODAY + timedelta(days=30))
    after = DATUM_MODELS["phone"]._default_manager.get(person=personas.bram).delete_after
    assert after > before


def test_receipts_hold_no_personal_data(personas):
    sweep.run(LATER)
    text = " ".join(str(r) + str(r.__dict__) for r in DeletionReceipt.objects.all())
    assert DeletionReceipt.objects.exists()
    for secret in ("Bram", "Visser", "+31505259060", "Eva", "Smit", "anna@example.nl"):
        assert secret not in text


def test_the_plan_lists_refs_categories_rules_and_dates_only(personas):
    rows = plan.plan(days=400)
    assert {r.person_ref for r in rows} >= {str(personas.bram.ref), str(personas.eva.ref)}
    out = run_privacydesk("retention", "plan", "--days", "400", "--csv")
    assert out.exit_code == 0, out.output
    table = list(csv.DictReader(io.StringIO(out.output)))
    assert table and set(table[0]) == set(plan.HEADER)
    assert {"contact_period"} <= {row["rule"] for row in table}
    for secret in ("Bram", "Visser", "+3150"):
        assert secret not in out.output
    text = run_privacydesk("retention", "plan", "--days", "400")
    assert "people due" in text.output


def test_the_sweep_command_deletes_and_reports(personas):
    out = run_privacydesk("retention", "sweep", "--quiet",
                                    "--today", LATER.isoformat())
    assert out.exit_code == 0, out.output
    assert "people deleted entirely" in out.output
    assert not Person.objects.filter(pk=personas.bram.pk).exists()


def test_a_sweep_with_nothing_due_touches_nothing(personas):
    result = sweep.run(TODAY)
    assert result.data == 0 and not DeletionReceipt.objects.exists()
