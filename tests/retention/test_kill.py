"""A sweep killed with SIGKILL mid-run leaves no half-deleted person; the next run finishes.

Runs real processes against a real database file (SQLite) or a fresh PostgreSQL database
when the suite runs with DATABASE_URL. The sweeper is killed deterministically INSIDE a
batch's transaction — after that batch deleted data and wrote receipts, before it commits —
so the test never races a fast sweep and never sleeps.
"""

from __future__ import annotations

import json
import os
import select
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.db import connection

PEOPLE = 60
BATCH = 10
KILLED_IN = 3     # the batch whose transaction is open when SIGKILL arrives
SETUP = f"""
import django, datetime, uuid
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from privacydesk.register.models import Person, Name, Phone, Address
people = Person.objects.bulk_create(Person(ref=uuid.uuid4()) for _ in range({PEOPLE}))
common = dict(source="contact_form", purpose="callback", legal_basis="consent")
Name.objects.bulk_create(Name(person=p, given_names="Bram", family_name="Visser", **common)
                         for p in people)
Phone.objects.bulk_create(Phone(person=p, number="+31505259060", **common) for p in people)
Address.objects.bulk_create(Address(person=p, street="Eeldersingel", house_number="40",
                                    postcode="9726 AS", city="Groningen", **common)
                            for p in people)
for model in (Name, Phone, Address):  # collected long ago: due under the contact period
    model.objects.update(created_at=datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC),
                         delete_after=datetime.date(2020, 7, 1))
"""
# The sweeper: the real sweep in batches of BATCH people; inside the KILLED_IN-th batch's
# transaction, with its deletions and receipts written but not committed, it says so and
# waits for the signal.
SWEEPER = f"""
import django, sys, time
django.setup()
from privacydesk.retention import sweep
batches = 0
def on_batch(result):
    global batches
    batches += 1
    if batches == {KILLED_IN}:
        assert result.persons_deleted == {BATCH}
        sys.stdout.write("in-transaction\\n")
        sys.stdout.flush()
        time.sleep(300)
sweep.run(batch={BATCH}, on_batch=on_batch)
"""
CHECK = """
import django, json
django.setup()
from privacydesk.register.models import Person, Name, Phone, Address
from privacydesk.retention.models import DeletionReceipt
counts = [sum(m.objects.filter(person=p).count() for m in (Name, Phone, Address))
          for p in Person.objects.all()]
print(json.dumps({"people": len(counts), "partial": sum(1 for c in counts if c != 3),
                  "person_receipts": DeletionReceipt.objects.filter(
                      model="register.person").count()}))
"""


@pytest.fixture
def database_env(tmp_path):
    env = {**os.environ, "PRIVACYDESK_DATA_DIR": str(tmp_path),
           "PRIVACYDESK_KEY_FILE": str(tmp_path / "keys.json"), "PRIVACYDESK_KEYS": "",
           "PRIVACYDESK_ENV": "development",
           "DJANGO_SETTINGS_MODULE": "privacydesk.project.settings"}
    if connection.vendor != "postgresql":
        env["DATABASE_URL"] = ""
        yield env
        return
    import psycopg

    name = f"retention_kill_{uuid.uuid4().hex[:10]}"
    base = os.environ["DATABASE_URL"].rsplit("/", 1)[0]
    with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    env["DATABASE_URL"] = f"{base}/{name}"
    yield env
    with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _python(code: str, env: dict) -> str:
    return subprocess.run([sys.executable, "-c", code], env=env, check=True,
                          capture_output=True, text=True, timeout=300).stdout


def _state(env: dict) -> dict:
    return json.loads(_python(CHECK, env))


def _wait_for_line(proc: subprocess.Popen, timeout: float) -> bytes:
    """Poll the process's stdout for its first line; fail if it exits or times out."""
    deadline, seen = time.monotonic() + timeout, b""
    while b"\n" not in seen:
        ready, _, _ = select.select([proc.stdout], [], [], 0.5)
        if ready:
            chunk = os.read(proc.stdout.fileno(), 256)  # type: ignore[union-attr]
            assert chunk, f"the sweeper exited early: {proc.wait()}"
            seen += chunk
        assert time.monotonic() < deadline, "the sweeper never reached the kill point"
    return seen


def test_a_killed_sweep_leaves_no_half_deleted_person_and_a_rerun_finishes(database_env):
    env = database_env
    _python(SETUP, env)
    sweeper = subprocess.Popen([sys.executable, "-c", SWEEPER], env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                               cwd=Path(__file__).resolve().parents[2])
    try:
        assert b"in-transaction" in _wait_for_line(sweeper, 120)
    finally:
        sweeper.send_signal(signal.SIGKILL)   # without warning, mid-transaction
        sweeper.wait()
    assert sweeper.returncode == -signal.SIGKILL

    mid = _state(env)
    # The batches before the kill are done; the one in flight is undone as a whole.
    assert mid["people"] == PEOPLE - (KILLED_IN - 1) * BATCH
    assert mid["partial"] == 0                    # nobody half-deleted
    assert mid["person_receipts"] == PEOPLE - mid["people"]

    cli = [sys.executable, "-c", "from privacydesk.cli import main; main()"]
    subprocess.run([*cli, "retention", "sweep", "--quiet"], env=env, check=True,
                   capture_output=True, timeout=300)
    done = _state(env)
    assert done == {"people": 0, "partial": 0, "person_receipts": PEOPLE}
