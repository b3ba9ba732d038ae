"""#15: Olga, the privacy officer, reopens a closed incident on a page that says what will
happen — the retention periods stop, a breach not yet notified is back on its 72-hour clock,
removed reporter data stay removed — and the reopening is audited. Staff's reasons (the
assessment's, closing's and reopening's) are free text and sealed like the description
(Sec1): no reason is a clear column, and incidents migration 0005 seals those it finds.
"""

from __future__ import annotations

import importlib
import json
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from privacydesk.incidents import services, work
from privacydesk.incidents.models import Incident
from privacydesk.incidents.retention import prune_expired
from privacydesk.policy import clock
from privacydesk.policy.active import get_policy
from privacydesk.policy.dates import add_period
from privacydesk.policy.errors import RuleViolation
from privacydesk.vault import crypto
from privacydesk.vault.models import AuditEntry
from tests.incidents.test_detail_page import visible_text

pytestmark = [pytest.mark.dates]

CLOSED_BECAUSE = "Envelop teruggevonden bij Bram Jansen, ongeopend."
NOT_A_BREACH = "Alleen een bedrijfsnaam, geen persoonsgegevens; Eva Smit gebeld."
REOPENED_BECAUSE = "Bram Jansen meldt een tweede envelop."


def _raw_row(pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM incidents_incident WHERE id = %s", [pk])
        return repr(cursor.fetchone())


@pytest.fixture
def olga(staff_client: Any) -> Any:
    return staff_client("privacy_officer")


def _closed_breach() -> Incident:
    incident = services.mark_breach(services.file_concern(
        "Loonstrook van Carla in de envelop van Bram.", reporter_name="Bram Jansen",
        reporter_email="bram@example.nl"), actor="olga", reason="BSN bij een derde.")
    return services.close(incident, reason=CLOSED_BECAUSE, actor="olga")


@pytest.mark.django_db
def test_the_reopen_page_says_what_will_happen_and_only_the_confirmed_post_reopens(
        olga: Any) -> None:
    incident = _closed_breach()
    assert work.queue_items(None) == []   # closed: off the work queue
    detail = visible_text(olga.get(f"/staff/incidents/{incident.pk}/",
                                   HTTP_ACCEPT_LANGUAGE="nl").content.decode())
    assert "Incident heropenen…" in detail and "Incident sluiten…" not in detail
    url = f"/staff/incidents/{incident.pk}/reopen/"
    text = visible_text(olga.get(url, HTTP_ACCEPT_LANGUAGE="nl").content.decode())
    assert f"Incident #{incident.pk} (datalek, nu gesloten) wordt weer geopend" in text
    assert "De bewaartermijnen stoppen" in text
    assert "staat weer in de werklijst met zijn termijn van 72 uur" in text
    # A POST that did not come from the confirmation form, or without a reason, reopens
    # nothing.
    for body in ({"reason": REOPENED_BECAUSE}, {"confirmed": "1", "reason": " "}):
        page = olga.post(url, body, HTTP_ACCEPT_LANGUAGE="nl")
        assert page.status_code == 200
        incident.refresh_from_db()
        assert incident.status == "closed" and incident.reopened_at is None
    assert "geef de reden in 1-500 tekens" in visible_text(page.content.decode())
    done = olga.post(url, {"confirmed": "1", "reason": REOPENED_BECAUSE})
    assert done.status_code == 302 and done["Location"] == f"/staff/incidents/{incident.pk}/"
    incident.refresh_from_db()
    assert incident.status == "investigating" and incident.closed_at is None
    assert incident.reopened_at is not None and incident.reopen_reason == REOPENED_BECAUSE
    reopened = AuditEntry.objects.filter(object_type="incidents.incident", action="update",
                                         object_id=str(incident.pk), actor__startswith="priv")
    assert [e.detail_data for e in reopened] == [{"reopened": True},
                                                 {"status": "investigating"}]
    assert not any("tweede envelop" in e.detail for e in AuditEntry.objects.all())
    text = visible_text(olga.get(f"/staff/incidents/{incident.pk}/",
                                 HTTP_ACCEPT_LANGUAGE="nl").content.decode())
    assert f"Heropend: {REOPENED_BECAUSE}" in text and "Incident sluiten…" in text
    # The breach was never notified: it is back in the work queue on its clock.
    assert [item.url for item in work.queue_items(None)] == [
        f"/staff/incidents/#incident-{incident.pk}"]


@pytest.mark.django_db
def test_an_open_incident_is_not_reopened(olga: Any) -> None:
    incident = services.file_concern("Laptop in de trein laten liggen.")
    with pytest.raises(RuleViolation) as refused:
        services.reopen(incident, reason="nog eens", actor="olga")
    assert (refused.value.field, refused.value.rule) == ("status", "Sec5")
    answer = olga.get(f"/staff/incidents/{incident.pk}/reopen/")
    assert answer.status_code == 302
    incident.refresh_from_db()
    assert incident.reopened_at is None


@pytest.mark.django_db
def test_reopening_stops_the_retention_periods_and_removed_reporter_data_stay_removed(
        ) -> None:
    """R1: while open the record is kept whatever its dates; the reporter's data, removed
    after their period, do not come back, and the reasons survive the removal."""
    incident = _closed_breach()
    assert incident.closed_at is not None
    periods = get_policy().incidents
    after_reporter = add_period(clock.day_of(incident.closed_at), periods.reporter_period)
    prune_expired(after_reporter)
    incident.refresh_from_db()
    assert incident.reporter_cleared_at is not None and incident.reporter_email == ""
    assert incident.close_reason == CLOSED_BECAUSE
    assert incident.assessment_reason == "BSN bij een derde."
    services.reopen(incident, reason=REOPENED_BECAUSE, actor="olga")
    after_record = add_period(clock.day_of(incident.closed_at or timezone.now()),
                              periods.documentation_period) + timedelta(days=1)
    assert prune_expired(after_record) == 0
    incident.refresh_from_db()
    assert incident.reporter_name == "" and incident.description.startswith("Loonstrook")


@pytest.mark.django_db
def test_no_reason_is_stored_in_clear(olga: Any) -> None:
    """Sec1: the reasons name people here, as staff's free text can; none is in the row."""
    concern = services.mark_not_breach(services.file_concern("Factuur aan Eva Smit."),
                                       reason=NOT_A_BREACH, actor="olga")
    breach = _closed_breach()
    services.reopen(breach, reason=REOPENED_BECAUSE, actor="olga")
    for pk in (concern.pk, breach.pk):
        row = _raw_row(pk)
        for name in ("Eva Smit", "Bram Jansen", "ongeopend"):
            assert name not in row
    concern.refresh_from_db()
    assert concern.assessment_reason == NOT_A_BREACH
    text = visible_text(olga.get(f"/staff/incidents/{concern.pk}/",
                                 HTTP_ACCEPT_LANGUAGE="nl").content.decode())
    assert f"Beoordeeld als geen datalek: {NOT_A_BREACH}" in text


@pytest.mark.django_db(transaction=True)
def test_the_migration_seals_the_reasons_it_finds_in_clear(monkeypatch: Any) -> None:
    """Incidents closed and assessed before 0005, read a row at a time (a batch of one
    over three), keep their description, reporter and reasons, now sealed."""
    migration = importlib.import_module(
        "privacydesk.incidents.migrations.0005_sealed_reasons_and_reopening")
    monkeypatch.setattr(migration, "BATCH", 1)
    before = [("incidents", "0004_assessment_and_informed")]
    after = [("incidents", "0005_sealed_reasons_and_reopening")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    try:
        old = executor.loader.project_state(before).apps.get_model("incidents", "Incident")

        def filed(description: str, name: str, **columns: Any) -> int:
            # Sealed as 0003 and 0004 sealed: the description and the reporter only.
            key_id, ciphertext = crypto.seal(json.dumps(
                {"description": description, "reporter_name": name, "reporter_email": ""}),
                aad="incidents.incident")
            return int(old.objects.create(key_id=key_id, ciphertext=ciphertext,
                                          **columns).pk)

        closed = filed("Envelop kwijt.", "Bram Jansen", status="closed",
                       closed_at=timezone.now(), close_reason=CLOSED_BECAUSE,
                       assessed_at=timezone.now(), assessment_reason=NOT_A_BREACH)
        fresh = filed("Laptop in de trein.", "")
        assessed = filed("Factuur verkeerd.", "", assessed_at=timezone.now(),
                         assessment_reason="Geen persoonsgegevens.")
        assert "Eva Smit" in _raw_row(closed)
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(after)
        row = Incident.objects.get(pk=closed)
        assert (row.description, row.reporter_name, row.close_reason,
                row.assessment_reason, row.reopen_reason) == (
            "Envelop kwijt.", "Bram Jansen", CLOSED_BECAUSE, NOT_A_BREACH, "")
        assert "Eva Smit" not in _raw_row(closed) and "ongeopend" not in _raw_row(closed)
        assert Incident.objects.get(pk=fresh).close_reason == ""
        assert Incident.objects.get(pk=assessed).assessment_reason == "Geen persoonsgegevens."
        # And back: the clear columns return with their text.
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(before)
        assert "Eva Smit" in _raw_row(closed)
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())
