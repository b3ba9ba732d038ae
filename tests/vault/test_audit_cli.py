"""`privacydesk audit verify`: exit 0 and the count for an intact chain, exit 1 and the
first broken entry for a tampered one, with or without worker processes."""

from __future__ import annotations

import pytest
from django.db import connection

from privacydesk.vault import audit
from tests.console import run_privacydesk


@pytest.mark.parametrize("jobs", [[], ["--jobs", "1"]])
def test_audit_verify_reports_an_intact_chain_and_names_the_first_broken_entry(
        db, jobs: list[str]) -> None:
    for n in range(5):
        audit.record(actor="tester", action="read", object_type="register.person",
                     object_id=str(n))
    intact = run_privacydesk("audit", "verify", *jobs)
    assert intact.exit_code == 0, intact.output
    assert "5 entries verified" in intact.output
    with connection.cursor() as cursor:   # behind the chain's back
        cursor.execute("UPDATE vault_auditentry SET actor = %s WHERE seq = 3", ["mallory"])
    broken = run_privacydesk("audit", "verify", *jobs)
    assert broken.exit_code == 1
    assert "BROKEN at entry 3" in broken.output


def test_audit_verify_refuses_zero_jobs(db) -> None:
    result = run_privacydesk("audit", "verify", "--jobs", "0")
    assert result.exit_code == 2 and "--jobs" in result.output
