"""A sweep killed with SIGKILL mid-run leaves no half-deleted person; the next run finishes.

Runs real `privacydesk` processes against a real database file (SQLite) or a fresh
PostgreSQL database when the suite runs with DATABASE_URL.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.db import connection

PEOPLE = 400
SETUP = f"""
import django, datetime, uuid
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from privacydesk.register.models import Person, Name, Phone, Address
old = datetime.date(2020, 1, 1)
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
           "PRIVACYDESK_ENV": "development", "DJANGO_SETTINGS_MODULE": "privacydesk.settings"}
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


def test_a_killed_sweep_leaves_no_half_deleted_person_and_a_rerun_finishes(database_env):
    env = database_env
    _python(SETUP, env)
    cli = [sys.executable, "-c", "from privacydesk.cli import main; main()"]
    sweeper = subprocess.Popen([*cli, "retention", "sweep", "--batch", "10"], env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                               cwd=Path(__file__).resolve().parents[2])
    # Wait until the progress bar shows work done, then kill without warning.
    seen = b""
    deadline = time.monotonic() + 120
    while f"/{PEOPLE}".encode() not in seen or f" 0/{PEOPLE}".encode() in seen.split(b"\r")[-1]:
        seen += os.read(sweeper.stderr.fileno(), 256)  # type: ignore[union-attr]
        assert time.monotonic() < deadline, seen[-500:]
        assert sweeper.poll() is None, "the sweep finished before it could be killed"
    sweeper.send_signal(signal.SIGKILL)
    sweeper.wait()

    mid = _state(env)
    assert 0 < mid["people"] < PEOPLE            # killed in the middle
    assert mid["partial"] == 0                    # nobody half-deleted
    assert mid["person_receipts"] == PEOPLE - mid["people"]

    subprocess.run([*cli, "retention", "sweep", "--quiet"], env=env, check=True,
                   capture_output=True, timeout=300)
    done = _state(env)
    assert done == {"people": 0, "partial": 0, "person_receipts": PEOPLE}
