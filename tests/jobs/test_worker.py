"""The real `privacydesk worker` process: it runs the day's sweep (Bram's overdue callback
data go, R1), runs what is enqueued, stops cleanly on SIGTERM, and a second worker on the
same database never runs the day's sweep again. Real processes against a real database file
(SQLite) or a fresh PostgreSQL database when the suite runs with DATABASE_URL; the queue is
never mocked."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]
SETUP = """
import django, datetime, uuid
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from privacydesk.register.models import Person, Phone
bram = Person.objects.create(ref=uuid.uuid4())
Phone.objects.create(person=bram, number="+31505259060", source="contact_form",
                     purpose="callback", legal_basis="consent")
# collected long ago: due under the contact period, so the day's sweep deletes it
Phone.objects.update(created_at=datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC),
                     delete_after=datetime.date(2020, 7, 1))
"""
ENQUEUE = """
import django
django.setup()
from privacydesk.jobs import tasks
tasks.requests_tick.enqueue(slot="by-hand", attempt=1)
"""


@pytest.fixture
def database_env(tmp_path: Path) -> Iterator[dict[str, Any]]:
    env = {**os.environ, "PRIVACYDESK_DATA_DIR": str(tmp_path),
           "PRIVACYDESK_KEY_FILE": str(tmp_path / "keys.json"), "PRIVACYDESK_KEYS": "",
           "PRIVACYDESK_ENV": "development",
           "DJANGO_SETTINGS_MODULE": "privacydesk.project.settings"}
    if connection.vendor != "postgresql":
        env["DATABASE_URL"] = ""
        yield env
        return
    import psycopg

    name = f"jobs_worker_{uuid.uuid4().hex[:10]}"
    base = os.environ["DATABASE_URL"].rsplit("/", 1)[0]
    with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    env["DATABASE_URL"] = f"{base}/{name}"
    yield env
    with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _query(env: dict[str, Any], sql: str) -> list[tuple[Any, ...]]:
    """Read the workers' database directly (no Django in this process for it)."""
    if env["DATABASE_URL"]:
        import psycopg

        with psycopg.connect(env["DATABASE_URL"]) as conn:
            return list(conn.execute(sql).fetchall())
    with sqlite3.connect(Path(env["PRIVACYDESK_DATA_DIR"]) / "privacydesk.sqlite3") as conn:
        return conn.execute(sql).fetchall()


def _worker(env: dict[str, Any]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-c", "from privacydesk.cli import main; main()", "worker",
         "--interval", "0.2"], env=env, cwd=ROOT, stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE)


def _wait_for(env: dict[str, Any], sql: str, want: Any, timeout: float = 150) -> None:
    deadline = time.monotonic() + timeout
    while (found := _query(env, sql)) != want:
        runs = _query(env, "SELECT job, slot, outcome, attempts, error FROM jobs_periodicrun")
        assert time.monotonic() < deadline, f"{sql!r}: {found!r}, wanted {want!r}; {runs}"
        time.sleep(0.2)


DONE = ("SELECT job, outcome FROM jobs_periodicrun WHERE outcome = 'ok' "
        "ORDER BY job")
ALL_DONE = [("audit-anchor", "ok"), ("requests-tick", "ok"), ("retention-sweep", "ok")]


def _stop(proc: subprocess.Popen[bytes]) -> int:
    proc.send_signal(signal.SIGTERM)
    return proc.wait(timeout=30)


def test_the_worker_runs_the_days_sweep_and_what_is_enqueued_and_stops_on_sigterm(
        database_env):
    env = database_env
    subprocess.run([sys.executable, "-c", SETUP], env=env, check=True, cwd=ROOT, timeout=300)
    assert _query(env, "SELECT count(*) FROM register_phone") == [(1,)]
    worker = _worker(env)
    try:
        _wait_for(env, DONE, ALL_DONE)
        assert _query(env, "SELECT count(*) FROM register_phone") == [(0,)]   # R1
        subprocess.run([sys.executable, "-c", ENQUEUE], env=env, check=True, cwd=ROOT,
                       timeout=300)
        _wait_for(env, "SELECT status FROM django_tasks_database_dbtaskresult WHERE "
                       "CAST(args_kwargs AS TEXT) LIKE '%by-hand%'", [("SUCCESSFUL",)])
    finally:
        assert _stop(worker) == 0, worker.stderr.read()  # type: ignore[union-attr]


def test_two_workers_run_the_days_sweep_once_and_one_killed_leaves_the_other_working(
        database_env):
    env = database_env
    subprocess.run([sys.executable, "-c", SETUP], env=env, check=True, cwd=ROOT, timeout=300)
    first, second = _worker(env), _worker(env)   # started together: they race for the slot
    try:
        _wait_for(env, DONE, ALL_DONE)
        time.sleep(1)   # several more rounds of both workers looking at the same day
        sweeps = ("SELECT count(*) FROM django_tasks_database_dbtaskresult WHERE "
                  "task_path = 'privacydesk.jobs.tasks.retention_sweep'")
        assert _query(env, sweeps) == [(1,)]
        assert _query(env, "SELECT count(*) FROM jobs_periodicrun WHERE "
                           "job = 'retention-sweep'") == [(1,)]
        first.send_signal(signal.SIGKILL)   # without warning
        first.wait(timeout=30)
        subprocess.run([sys.executable, "-c", ENQUEUE], env=env, check=True, cwd=ROOT,
                       timeout=300)
        _wait_for(env, "SELECT status FROM django_tasks_database_dbtaskresult WHERE "
                       "CAST(args_kwargs AS TEXT) LIKE '%by-hand%'", [("SUCCESSFUL",)])
        assert _query(env, sweeps) == [(1,)]
    finally:
        for proc in (first, second):
            if proc.poll() is None:
                _stop(proc)


def _database_away(env: dict[str, Any], away: bool) -> None:
    """Make the workers' database refuse connections (PostgreSQL: ALLOW_CONNECTIONS false;
    SQLite: a folder where the file was) or come back."""
    if env["DATABASE_URL"]:
        import psycopg

        base, name = env["DATABASE_URL"].rsplit("/", 1)
        with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
            admin.execute(f'ALTER DATABASE "{name}" WITH ALLOW_CONNECTIONS {not away}')
        return
    path = Path(env["PRIVACYDESK_DATA_DIR"]) / "privacydesk.sqlite3"
    aside = path.with_suffix(".aside")
    if away:
        path.rename(aside)
        path.mkdir()
    else:
        path.rmdir()
        aside.rename(path)


def test_a_worker_that_finds_the_database_away_waits_for_it_instead_of_dying(database_env):
    env = database_env
    subprocess.run([sys.executable, "-c", SETUP], env=env, check=True, cwd=ROOT, timeout=300)
    _database_away(env, True)
    worker = _worker(env)
    try:
        deadline = time.monotonic() + 60
        seen = b""
        while b"database not available" not in seen:
            assert worker.poll() is None, worker.stderr.read()  # type: ignore[union-attr]
            assert time.monotonic() < deadline, seen
            seen += os.read(worker.stderr.fileno(), 4096)  # type: ignore[union-attr]
        assert worker.poll() is None
        _database_away(env, False)
        _wait_for(env, DONE, ALL_DONE)   # back: the day's jobs run
    finally:
        if worker.poll() is None:
            _stop(worker)
