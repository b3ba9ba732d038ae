"""Sec5: concerns become incidents for staff; a breach carries the 72-hour deadline for
notifying the supervisory authority (GDPR Art. 33(1))."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from privacydesk.incidents import services
from privacydesk.incidents.models import Incident
from privacydesk.policy.errors import RuleViolation

# Date-sensitive: scripts/test.sh runs these again under frozen clocks (#13.1).
pytestmark = pytest.mark.dates


@pytest.mark.django_db
def test_a_breach_must_be_reported_within_72_hours_of_the_report() -> None:
    incident = services.file_concern("Carla's payslip went to the wrong address.",
                                     actor="public")
    assert incident.authority_deadline is None
    services.mark_breach(incident, actor="officer")
    assert incident.kind == "breach" and incident.status == "investigating"
    assert incident.authority_deadline == incident.received_at + timedelta(hours=72)
    first = incident.authority_deadline
    services.mark_breach(incident, actor="officer")  # marking again keeps the first clock
    assert incident.authority_deadline == first


@pytest.mark.django_db
def test_an_empty_concern_is_refused() -> None:
    with pytest.raises(RuleViolation) as refused:
        services.file_concern("   ")
    assert refused.value.field == "description"
    assert not Incident.objects.exists()


@pytest.mark.django_db
def test_the_privacy_officer_sees_the_incident_and_marks_a_breach(staff_client: Any) -> None:
    incident = services.file_concern("Someone else's invoice reached me.")
    client = staff_client("privacy_officer")
    assert "Someone else" in client.get("/staff/incidents/").content.decode()
    response = client.post(f"/staff/incidents/{incident.pk}/breach/")
    assert response.status_code == 302
    incident.refresh_from_db()
    assert incident.kind == "breach" and incident.authority_deadline is not None


@pytest.mark.django_db
def test_staff_without_manage_incidents_are_refused(staff_client: Any) -> None:
    services.file_concern("x")
    client = staff_client("sales")
    assert client.get("/staff/incidents/").status_code == 403


@pytest.mark.django_db
def test_the_notification_to_the_authority_is_recorded_with_its_reference() -> None:
    incident = services.mark_breach(
        services.file_concern("A laptop with payroll data was stolen.", actor="public"),
        actor="officer")
    services.mark_reported(incident, reference="AP-2026-0042", actor="officer")
    assert incident.reported_at is not None and incident.authority_reference == "AP-2026-0042"
    assert not incident.reported_late


@pytest.mark.django_db
def test_a_notification_after_72_hours_is_recorded_as_late_not_hidden() -> None:
    incident = services.mark_breach(
        services.file_concern("Invoices visible to another customer.", actor="public"),
        actor="officer")
    late = incident.authority_deadline + timedelta(hours=5)
    services.mark_reported(incident, reference="AP-2026-0043", actor="officer", at=late)
    assert incident.reported_at == late and incident.reported_late


@pytest.mark.django_db
def test_only_a_breach_is_reported_and_only_with_a_reference() -> None:
    concern = services.file_concern("Is my data safe?", actor="public")
    with pytest.raises(RuleViolation) as not_breach:
        services.mark_reported(concern, reference="AP-1", actor="officer")
    assert not_breach.value.field == "kind" and not_breach.value.rule == "Art33"
    breach = services.mark_breach(concern, actor="officer")
    with pytest.raises(RuleViolation) as no_reference:
        services.mark_reported(breach, reference="  ", actor="officer")
    assert no_reference.value.field == "authority_reference"
    breach.refresh_from_db()
    assert breach.reported_at is None


@pytest.mark.django_db
def test_the_officer_records_the_notification_and_closes_the_incident_on_the_page(
    staff_client: Any,
) -> None:
    client = staff_client("privacy_officer")
    incident = services.mark_breach(
        services.file_concern("Backup disk missing.", actor="public"), actor="officer")
    response = client.post(f"/staff/incidents/{incident.pk}/reported/",
                           {"authority_reference": "AP-2026-7"})
    assert response.status_code == 302
    # #15: closing is confirmed, with a reason (tests/incidents/test_detail_page.py)
    client.post(f"/staff/incidents/{incident.pk}/close/",
                {"confirmed": "1", "reason": "Disk found in the safe, encrypted."})
    incident.refresh_from_db()
    assert incident.authority_reference == "AP-2026-7" and incident.status == "closed"
    page = client.get("/staff/incidents/").content.decode()
    assert "AP-2026-7" in page
