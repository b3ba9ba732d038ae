"""R1 and Sec1 for the incident register (Sec5, GDPR Art. 33(5)).

Eva reports a concern through the form with her name and e-mail address. What she wrote and
who she is are sealed, never a clear column. The register keeps the incident's facts as
Art. 33(5) documentation; her contact data go the policy's `reporter_period` after the
incident was closed, the whole record the `documentation_period` after it — through the
daily retention prune, with receipts, and shown in the retention plan beforehand.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from privacydesk.incidents import services
from privacydesk.incidents.models import Incident
from privacydesk.incidents.retention import due, prune_expired
from privacydesk.policy import Period, clock
from privacydesk.policy.dates import add_period
from privacydesk.retention import plan
from privacydesk.retention.models import DeletionReceipt
from privacydesk.retention.prune import prune_system

pytestmark = [pytest.mark.django_db, pytest.mark.dates]

EVA_EMAIL = "eva.bakker@acme.example"
EVA = "Eva Bakker"
WHAT = "My colleague's payslip was in my envelope."


def _evas_concern() -> Incident:
    return services.file_concern(WHAT, reporter_name=EVA, reporter_email=EVA_EMAIL,
                                 actor="public")


def _closed(incident: Incident) -> Incident:
    return services.set_status(incident, "closed", actor="officer")


def _raw_row(pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM incidents_incident WHERE id = %s", [pk])
        return repr(cursor.fetchone())


def test_what_eva_wrote_and_who_she_is_are_sealed_not_stored_in_clear() -> None:
    incident = _evas_concern()
    stored = Incident.objects.get(pk=incident.pk)
    assert (stored.description, stored.reporter_name, stored.reporter_email) == (
        WHAT, EVA, EVA_EMAIL)
    raw = _raw_row(incident.pk)
    assert "eva.bakker" not in raw and "Bakker" not in raw and "payslip" not in raw


def test_closing_starts_the_periods_and_reopening_stops_them() -> None:
    incident = _closed(_evas_concern())
    first = incident.closed_at
    assert first is not None
    assert _closed(incident).closed_at == first          # closing again keeps the moment
    assert services.set_status(incident, "investigating", actor="officer").closed_at is None


def test_evas_contact_data_go_after_the_reporter_period_and_the_facts_stay() -> None:
    incident = _closed(_evas_concern())
    assert incident.closed_at is not None
    when = due(incident.closed_at)
    # InFactor's policy: six months from the policy's day of closing (any hour).
    assert when.reporter_on == add_period(clock.day_of(incident.closed_at), Period(months=6))
    assert prune_expired(when.reporter_on - timedelta(days=1)) == 0
    assert Incident.objects.get(pk=incident.pk).reporter_email == EVA_EMAIL

    assert prune_expired(when.reporter_on) == 1
    kept = Incident.objects.get(pk=incident.pk)
    assert (kept.description, kept.reporter_name, kept.reporter_email) == (WHAT, "", "")
    assert kept.reporter_cleared_at is not None
    assert "eva.bakker" not in _raw_row(incident.pk)
    receipt = DeletionReceipt.objects.get(rule_id="incident-reporter")
    assert (receipt.model, receipt.category, receipt.count) == ("incidents.incident",
                                                                "incident reporter", 1)
    assert "33" in receipt.law_nl
    assert prune_expired(when.reporter_on) == 0           # done once


def test_the_record_goes_after_the_documentation_period() -> None:
    incident = _closed(_evas_concern())
    assert incident.closed_at is not None
    when = due(incident.closed_at)
    assert when.record_on > when.reporter_on
    prune_expired(when.record_on - timedelta(days=1))
    assert Incident.objects.filter(pk=incident.pk).exists()
    assert prune_expired(when.record_on) == 1
    assert not Incident.objects.filter(pk=incident.pk).exists()
    receipt = DeletionReceipt.objects.get(rule_id="incident-documentation")
    assert (receipt.category, receipt.object_ids) == ("incident", [incident.pk])


def test_an_incident_that_is_not_closed_is_kept() -> None:
    open_one = services.mark_breach(_evas_concern(), actor="officer")
    far = clock.today() + timedelta(days=365 * 50)
    assert prune_expired(far) == 0
    assert Incident.objects.get(pk=open_one.pk).reporter_email == EVA_EMAIL


def test_the_daily_prune_runs_it_and_the_plan_shows_it_beforehand() -> None:
    incident = _closed(_evas_concern())
    assert incident.closed_at is not None
    when = due(incident.closed_at)
    today = clock.today()
    rows = plan.plan(days=(when.reporter_on - today).days, today=today)
    assert [(r.date, r.person_ref, r.category, r.rule_id, r.count) for r in rows
            if r.rule_id.startswith("incident")] == [
        (when.reporter_on, "", "incident reporter", "incident-reporter", 1)]
    assert "33" in next(r.law for r in rows if r.rule_id == "incident-reporter")
    assert plan.plan(days=(when.reporter_on - today).days - 1, today=today) == []

    assert prune_system(when.reporter_on)["incident records"] == 1
    later = plan.plan(days=(when.record_on - today).days, today=today)
    assert [(r.date, r.category, r.rule_id) for r in later] == [
        (when.record_on, "incident", "incident-documentation")]


def test_the_staff_page_says_the_reporter_was_removed(staff_client: Any) -> None:
    incident = _closed(_evas_concern())
    assert incident.closed_at is not None
    prune_expired(due(incident.closed_at).reporter_on)
    page = staff_client("privacy_officer").get("/staff/incidents/").content.decode()
    assert "payslip was in my envelope" in page and EVA_EMAIL not in page
    assert "bewaartermijn" in page or "retention period" in page


@pytest.mark.django_db(transaction=True)
def test_the_migration_seals_the_incidents_it_finds_in_clear() -> None:
    executor = MigrationExecutor(connection)
    before = [("incidents", "0002_incident_authority_reference_incident_reported_at")]
    after = [("incidents", "0003_sealed_reporter_and_retention")]
    executor.migrate(before)
    old = executor.loader.project_state(before).apps.get_model("incidents", "Incident")
    old.objects.create(description=WHAT, reporter_name=EVA, reporter_email=EVA_EMAIL,
                       status="closed")
    old.objects.create(description="Anonymous: a laptop left on the train.")
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(after)
    # Then the vault's 0002 (envelope encryption) wraps the key 0003 sealed them under.
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    try:
        evas, anonymous = Incident.objects.order_by("pk")
        assert (evas.description, evas.reporter_name, evas.reporter_email) == (
            WHAT, EVA, EVA_EMAIL)
        assert evas.closed_at is not None and anonymous.closed_at is None
        assert anonymous.reporter_email == ""
        assert "eva.bakker" not in _raw_row(evas.pk)
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())
