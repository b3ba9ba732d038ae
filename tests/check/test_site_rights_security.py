"""W1–W3, Rt1–Rt6, Sec1–Sec5, Id1: configuration and records as they are now."""

from __future__ import annotations

import copy
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from privacydesk.check import FAIL, PASS, run_checks
from privacydesk.guard.models import Offender
from privacydesk.incidents.models import Incident
from privacydesk.policy import active
from privacydesk.register.models import Financial
from privacydesk.requests.intake import file_staff_request
from privacydesk.requests.models import DataSubjectRequest
from privacydesk.retention.models import ErasureLedger
from privacydesk.staff.models import StaffUser

from .conftest import ACTOR, ANNA_EMAIL, details_of, status_of

# Date-sensitive: scripts/test.sh runs these again under frozen clocks (#13.1).
pytestmark = pytest.mark.dates


def _raw(sql: str, params: list | None = None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params or [])


def test_w1_a_table_with_a_visitor_address_column_fails(personas):
    _raw("CREATE TABLE shop_visit (id integer PRIMARY KEY, remote_addr varchar(64))")
    assert status_of("W1") == FAIL
    assert "shop_visit" in details_of("W1")


def test_w1_a_file_log_handler_fails(personas, settings):
    logging = copy.deepcopy(settings.LOGGING)
    logging["handlers"]["disk"] = {"class": "logging.FileHandler", "filename": "/tmp/x.log"}
    logging["loggers"]["django.request"]["handlers"] = ["disk"]
    settings.LOGGING = logging
    text = details_of("W1")
    assert status_of("W1") == FAIL
    assert "'disk' writes to a file" in text and "django.request logs to handler" in text


def test_w2_the_guard_must_be_in_the_middleware(personas, settings):
    settings.MIDDLEWARE = [m for m in settings.MIDDLEWARE if "guard" not in m]
    assert status_of("W2") == FAIL


def test_w2_a_registration_kept_beyond_its_term_fails(personas):
    Offender.objects.update(expires_at=timezone.now() + timedelta(days=400))
    assert status_of("W2") == FAIL


def test_w2_a_registration_without_evidence_fails(personas):
    Offender.objects.update(evidence={})
    assert status_of("W2") == FAIL


def test_w3_and_id1_follow_the_policy_of_another_company(personas):
    from pathlib import Path

    other = Path(__file__).resolve().parents[1] / "policy" / "fixtures" / "voorbeeld.toml"
    active.configure(other)
    try:
        name = active.get_policy().controller.name
        results = {r.promise: r for r in run_checks(["W3", "Id1"])}
    finally:
        active.configure(None)
    assert name != "InFactor"
    assert all(r.status == PASS and name in r.summary for r in results.values())


def test_w3_a_page_template_without_the_controller_fails(personas, settings, tmp_path):
    # A redesign drops the footer: the pages as served no longer say whose site it is.
    (tmp_path / "public").mkdir()
    (tmp_path / "public" / "base.html").write_text(
        "<html><body>{% block content %}{% endblock %}</body></html>")
    templates = copy.deepcopy(settings.TEMPLATES)
    templates[0]["DIRS"] = [tmp_path, *templates[0]["DIRS"]]
    settings.TEMPLATES = templates
    assert status_of("W3") == FAIL
    assert "page /en/concern/ does not show the controller's name, phone" in details_of("W3")


def test_rt1_an_access_request_answered_without_a_report_fails(personas):
    DataSubjectRequest.objects.filter(pk=personas.request.pk).update(
        status="answered", answered_at=timezone.now())
    assert status_of("Rt1") == FAIL


def test_rt3_data_back_after_an_erasure_fail(personas):
    ErasureLedger.objects.create(person_ref=str(personas.bram.ref), actor=ACTOR,
                                 erased_at=timezone.now() + timedelta(seconds=5),
                                 summary={"deleted": []})
    assert status_of("Rt3") == FAIL
    assert str(personas.bram.ref) in details_of("Rt3")


def test_rt6_a_request_open_past_the_week_fails(personas):
    file_staff_request(kind="erasure", name="Bram Visser", email=ANNA_EMAIL, message="",
                       language="nl", actor=ACTOR,
                       received_at=timezone.now() - timedelta(days=8))
    assert status_of("Rt6") == FAIL


def test_rt6_a_deadline_moved_beyond_the_week_fails(personas):
    DataSubjectRequest.objects.update(statement_deadline=timezone.now() + timedelta(days=20))
    assert status_of("Rt6") == FAIL
    assert "later than 7 days" in details_of("Rt6")


def test_sec1_an_altered_audit_entry_fails(personas):
    _raw("UPDATE vault_auditentry SET actor = %s WHERE seq = 3", ["mallory"])
    assert status_of("Sec1") == FAIL
    assert "audit chain is broken at entry #3" in details_of("Sec1")


def test_sec1_a_row_sealed_under_an_unknown_key_fails(personas):
    Financial.objects.filter(person=personas.carla).update(key_id="kLOST")
    assert status_of("Sec1") == FAIL
    assert "'kLOST'" in details_of("Sec1")


def test_sec1_a_data_key_wrapped_by_a_key_the_keyring_lacks_fails(personas):
    """Envelope encryption: a data key opens only through the KEK that wrapped it."""
    from privacydesk.vault.models import DataKey

    DataKey.objects.update(kek_id="kGONE")
    assert status_of("Sec1") == FAIL
    assert "wrapped by key 'kGONE', which the keyring does not hold" in details_of("Sec1")


def test_sec1_staff_without_mfa_fail(personas):
    StaffUser.objects.filter(pk=personas.officer.pk).update(mfa_enabled=False)
    assert status_of("Sec1") == FAIL


def test_sec2_insecure_cookies_in_production_fail(personas, settings):
    settings.PRIVACYDESK_ENV = "production"
    settings.SESSION_COOKIE_SECURE = False
    settings.SECURE_HSTS_SECONDS = 0
    assert status_of("Sec2") == FAIL


def test_sec3_a_django_superuser_fails(personas):
    StaffUser.objects.filter(pk=personas.officer.pk).update(is_superuser=True)
    assert status_of("Sec3") == FAIL


def test_sec4_staff_on_an_old_protocol_fail(personas):
    StaffUser.objects.filter(pk=personas.officer.pk).update(protocol_version_accepted="2024.1")
    assert status_of("Sec4") == FAIL


def test_sec5_a_breach_past_72_hours_fails(personas):
    long_ago = timezone.now() - timedelta(days=4)
    Incident.objects.filter(pk=personas.breach.pk).update(
        received_at=long_ago, authority_deadline=long_ago + timedelta(hours=72))
    assert status_of("Sec5") == FAIL


def test_sec5_a_breach_without_its_deadline_fails(personas):
    Incident.objects.filter(pk=personas.breach.pk).update(authority_deadline=None)
    assert status_of("Sec5") == FAIL


def test_sec5_a_breach_reported_in_time_passes_even_after_the_deadline(personas):
    from privacydesk.incidents import services as incidents

    long_ago = timezone.now() - timedelta(days=4)
    Incident.objects.filter(pk=personas.breach.pk).update(
        received_at=long_ago, authority_deadline=long_ago + timedelta(hours=72))
    personas.breach.refresh_from_db()
    incidents.mark_reported(personas.breach, reference="AP-9", actor="officer",
                            at=personas.breach.authority_deadline - timedelta(hours=1))
    assert status_of("Sec5") == PASS
