"""Staff see whether the background jobs run (#14.4): the last successful run, failures with
their retries, in Dutch, for the privacy officer (view_audit) only; other roles get 403."""

from __future__ import annotations

import pytest
from django.utils import timezone, translation

from privacydesk.jobs import periodic

pytestmark = [pytest.mark.django_db, pytest.mark.dates]


def _fail() -> None:
    raise TimeoutError("the mail server did not answer")


def test_the_privacy_officer_sees_each_jobs_last_run_and_failures_in_dutch(staff_client):
    now = timezone.now()
    periodic.attempt(periodic.SWEEP, periodic.SWEEP.slot(now), 1, lambda: None)
    with pytest.raises(TimeoutError):
        periodic.attempt(periodic.REQUESTS, periodic.REQUESTS.slot(now), 1, _fail)
    client = staff_client("privacy_officer")
    with translation.override("nl"):
        page = client.get("/staff/jobs/", HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert "Dagelijkse bewaaropruiming" in page            # the sweep, by its Dutch name
    assert "Postvak en termijnen van verzoeken" in page
    assert "TimeoutError" in page and "wordt opnieuw geprobeerd" in page
    assert "did not answer" not in page   # an exception's message may quote personal data
    assert "retention-sweep" not in page  # names, not codes


def test_a_role_without_view_audit_is_refused_and_not_shown_the_link(staff_client):
    sales = staff_client("sales")
    assert sales.get("/staff/jobs/").status_code == 403
    assert 'href="/staff/jobs/"' not in sales.get("/staff/tokens/").content.decode()
    officer = staff_client("privacy_officer")
    assert 'href="/staff/jobs/"' in officer.get("/staff/tokens/").content.decode()
