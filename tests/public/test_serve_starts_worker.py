"""`privacydesk serve` in the embedded default starts one background worker beside gunicorn
(#14.4): the day's sweep, the request clocks and the audit anchor run without any other
service, and the worker stops with the server. With PRIVACYDESK_SCHEDULER=off it starts
none (production runs `privacydesk worker` under systemd, or cron)."""

from __future__ import annotations

import json
import os
import sqlite3
import time
from pathlib import Path
from typing import Any

JOBS = [("audit-anchor",), ("requests-tick",), ("retention-sweep",)]


def _done(data_dir: Path) -> list[tuple[str, ...]]:
    with sqlite3.connect(data_dir / "privacydesk.sqlite3") as conn:
        return conn.execute("SELECT job FROM jobs_periodicrun WHERE outcome = 'ok' "
                            "ORDER BY job").fetchall()


def _worker_pids(data_dir: Path) -> set[int]:
    with sqlite3.connect(data_dir / "privacydesk.sqlite3") as conn:
        rows = conn.execute("SELECT worker_ids FROM django_tasks_database_dbtaskresult")
        return {int(w.rsplit("-", 2)[-2]) for (ids,) in rows for w in json.loads(ids)}


def _gone(pid: int, seconds: float = 20) -> bool:
    deadline = time.monotonic() + seconds
    while Path(f"/proc/{pid}").exists() and time.monotonic() < deadline:
        try:
            os.waitpid(pid, os.WNOHANG)   # not our child; only zombies of ours are reaped
        except ChildProcessError:
            pass
        time.sleep(0.1)
    return not Path(f"/proc/{pid}").exists() or "Z" in Path(f"/proc/{pid}/stat").read_text()


def test_serve_runs_the_background_jobs_in_one_worker_that_stops_with_it(
        tmp_path: Path, realserver: Any) -> None:
    data_dir = tmp_path / "data"
    with realserver.running(data_dir) as server:
        deadline = time.monotonic() + 120
        while _done(data_dir) != JOBS:
            assert time.monotonic() < deadline, server.stderr.read_text()
            time.sleep(0.2)
        pids = _worker_pids(data_dir)
        assert len(pids) == 1   # one worker, not one per web worker
        assert "background worker started" in server.stderr.read_text()
    assert _gone(pids.pop())


def test_serve_with_the_scheduler_off_starts_no_worker(tmp_path: Path, realserver: Any) -> None:
    with realserver.running(tmp_path / "data", PRIVACYDESK_SCHEDULER="off") as server:
        assert "background worker started" not in server.stderr.read_text()
