"""`privacydesk check` on a fresh demo (which runs its first night itself: the daily sweep
and a backup): what the demo holds is proven, and every promise with nothing to examine
yet says "idle", never "pass" (issue #13, item 3)."""

from __future__ import annotations

import json

from tests.console import run_privacydesk

# The demo generates people, roles, data, agreements and recipients, but no callback,
# written contact, consent disclosure, offender, data-subject request, incident or server
# access: those promises have nothing to examine. (A small demo may have more idle lines,
# e.g. no administrator account left after the sweep; each still says why.)
NOTHING_TO_CHECK = {"P1", "P2", "D3", "W2", "Rt1", "Rt2", "Rt3", "Rt4", "Rt6", "Sec5", "A1",
                    "A2"}


def test_check_on_the_demo_shows_idle_where_there_is_nothing_to_check(db, settings, tmp_path):
    settings.PRIVACYDESK_BACKUP_DIR = tmp_path / "backups"
    done = run_privacydesk("demo", "--no-serve", "--people", "60")
    assert done.exit_code == 0, done.output
    assert "first sweep: " in done.output and "first backup: " in done.output

    outcome = run_privacydesk("check", "--format", "json")
    assert outcome.exit_code == 0, outcome.output  # idle and warn never fail the run
    document = json.loads(outcome.output)
    status = {r["promise"]: r["status"] for r in document["results"]}
    idle = {p for p, s in status.items() if s == "idle"}
    assert idle >= NOTHING_TO_CHECK
    for result in document["results"]:
        if result["status"] == "idle":
            assert result["summary"].startswith("nothing to check yet: "), result
    assert [p for p, s in status.items() if s == "fail"] == []
    # What the demo does hold is examined and proven.
    assert all(status[p] == "pass" for p in ("S1", "C1", "C2", "C3", "C5", "P3", "R1", "R2",
                                             "D1", "D2", "Sec1", "W3", "Id1")), status
    assert document["totals"]["idle"] == len(idle)
    assert f", {len(idle)} idle, " in document["summary"]

    table = run_privacydesk("check").output
    assert "Rt2      idle            nothing to check yet: no rectification requests" in table
    assert f", {len(idle)} idle, " in table.splitlines()[-1]
