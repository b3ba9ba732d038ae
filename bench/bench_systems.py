"""Benchmark the rights across five real systems (#16 "Speed and robustness").

    .venv/bin/python bench/bench_systems.py [--people 10000] [--tickets 10000] [--runs 20]

Starts the five servers the systems' tests start (tests/systems/servers/: PostgreSQL's second
database with the CRM schema, a MariaDB with InFactor's accounting schema, Dovecot with the
shared mailbox info@, slapd with the directory's address book of clients, Redmine 5 with the
service desk), fills each with `people` plausible Dutch people (unique names, e-mail
addresses, phone numbers written differently in each system, free text naming colleagues)
and declares them as InFactor's policy does (the default policy's datasets; the CRM and the
directory's `ou=contacts` as tests/systems/walk_systems.py declares them). Then, for one
person present in all five:

- access: `systems.calls.search(systems, subject, export=True)` — the access report's and
  the portability zip's own call, the systems queried in parallel; median and p95 over
  `runs` (goal: median <= 1 s), after one unmeasured warm-up; each system alone too;
- erasure with the re-search: per run a different person; in every system at once (as the
  task queue's workers run the per-system tasks) what `systems.erasing.run` does in one try:
  find, erase (archive-only: empty what the law does not keep, R3), find again; the
  re-search must leave 0 records but what the law keeps (goal:
  median <= 2 s); then each system alone (three more people each). The task bookkeeping in
  the register's database is not in this row.

Dovecot runs as docs/connectors/imap.md recommends for a searched mailbox: a full-text index
(Xapian, tests/systems/servers/imap.py FTS_CONF) and Maildir trusted to Dovecot's own index
(MAILDIR_CONF). How the servers are filled: PostgreSQL and MariaDB by multi-row INSERTs (a
second), slapd by LDAP adds on one connection, Dovecot by writing the Maildir files before the
first login and indexing them once (doveadm index, as for mail that predates the index; in
the fill time), Redmine by writing its SQLite database directly
before puma starts (users, e-mail addresses, a project, tickets, notes: through its REST API
that would be one request and one Rails write per user, ticket and note). The filled Redmine
database is cached under /var/tmp/privacydesk-bench/systems-redmine-<version>-<people>-
<tickets>-v1/: a second run copies it (puma's start is then most of Redmine's minute); the
others are filled afresh each run (seconds). Prints one JSON object (bench/run.py turns it
into rows).
"""

from __future__ import annotations

import argparse
import concurrent.futures
import json
import os
import pwd
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import tomllib
import uuid
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, text  # noqa: E402
from sqlalchemy.engine import Engine  # noqa: E402
from sqlalchemy.pool import NullPool  # noqa: E402

from privacydesk.policy import get_default_policy_path  # noqa: E402
from privacydesk.policy.active import get_policy  # noqa: E402
from privacydesk.systems import calls  # noqa: E402
from privacydesk.systems.connector import Subject  # noqa: E402
from privacydesk.systems.declared import Declared, of_mapping  # noqa: E402
from tests.systems.servers import rest as redmine_server  # noqa: E402
from tests.systems.servers.imap import MAILDIR_CONF, Dovecot, Mailbox  # noqa: E402
from tests.systems.servers.ldap import Slapd, Tree  # noqa: E402
from tests.systems.servers.sql import (  # noqa: E402
    PG_ADMIN,
    accounting_schema,
    crm_schema,
    start_mariadb,
    stop_mariadb,
)
from tests.systems.walk_systems import CONTACTS_BASE, CRM_DATASET, CRM_DECLARATION  # noqa: E402

CACHE = Path("/var/tmp/privacydesk-bench")
ACCESS_GOAL = 1.0   # seconds, median (#16 "Speed and robustness")
ERASURE_GOAL = 2.0  # seconds, median, the re-search included

_GIVEN = ["Anna", "Bram", "Carla", "Daan", "Eva", "Fleur", "Gijs", "Hanna", "Joris", "Lotte",
          "Sanne", "Thijs", "Femke", "Ruben", "Iris", "Bas", "Noor", "Jeroen", "Lieke", "Wouter",
          "Marloes", "Sem", "Esmee", "Koen", "Roos", "Niels", "Maaike", "Stijn", "Anouk",
          "Pieter", "Ilse", "Maarten", "Sophie", "Floris", "Eline", "Tim", "Merel", "Jasper",
          "Vera", "Luuk"]
_FAMILY = [("de", "Vries"), ("", "Bakker"), ("", "Jansen"), ("", "Smit"), ("", "Visser"),
           ("van", "Dijk"), ("", "Mulder"), ("de", "Boer"), ("", "Meijer"), ("van der", "Berg"),
           ("de", "Jong"), ("van den", "Bosch"), ("", "Dekker"), ("", "Bos"), ("", "Vos"),
           ("van", "Leeuwen"), ("de", "Groot"), ("", "Hendriks"), ("", "Dijkstra"),
           ("", "Peters"), ("van der", "Meer"), ("", "Kok"), ("", "Brouwer"), ("de", "Wit"),
           ("", "Postma"), ("", "Kuipers"), ("van", "Vliet"), ("", "Huisman"), ("", "Prins"),
           ("", "Scholten"), ("", "Hoekstra"), ("van der", "Veen"), ("", "Wijnands"),
           ("", "Koster"), ("", "Timmermans"), ("", "Jacobs"), ("", "Boersma"),
           ("van", "Wijk"), ("de", "Haan"), ("", "Willems"), ("", "Zwart"), ("", "Schouten"),
           ("", "Maas"), ("", "Veenstra"), ("", "Kramer"), ("van", "Beek"), ("", "Molenaar"),
           ("de", "Graaf"), ("", "Verbeek"), ("", "Vermeulen")]
_INITIALS = "ABCDEFGHJKLMNPRSTVW"
_CITIES = [("Groningen", "9712"), ("Assen", "9401"), ("Zwolle", "8011"),
           ("Leeuwarden", "8911"), ("Utrecht", "3511"), ("Haren", "9751")]
_STAFF = [("Carla", "Jansen-Wierenga"), ("Kees", "Oosterhuis"), ("Mirjam", "Tuinstra")]


@dataclass(frozen=True)
class Person:
    """One of the population: person `n`, the same in every system."""

    n: int
    given: str
    initial: str
    infix: str
    family: str

    @property
    def first(self) -> str:
        return f"{self.given} {self.initial}."

    @property
    def last(self) -> str:
        return f"{self.infix} {self.family}".strip()

    @property
    def name(self) -> str:
        return f"{self.first} {self.last}"

    @property
    def email(self) -> str:
        local = f"{self.given}.{self.initial}.{self.last}".lower().replace(" ", "")
        return f"{local}{self.n}@example.nl"

    @property
    def digits(self) -> str:
        return f"{20_000_000 + self.n:08d}"   # 06-2xxxxxxx: one number per person

    def phone(self, style: int) -> str:
        d = self.digits
        return (f"06-{d}", f"+31 6 {d}", f"06 {d[:4]} {d[4:]}", f"+316{d}")[style % 4]

    @property
    def postcode(self) -> str:
        city = _CITIES[self.n % len(_CITIES)]
        return f"{city[1]} {chr(65 + self.n % 26)}{chr(65 + (self.n // 26) % 26)}"

    @property
    def city(self) -> str:
        return _CITIES[self.n % len(_CITIES)][0]

    @property
    def house(self) -> str:
        return str(1 + self.n % 180)

    def subject(self) -> Subject:
        """What the register would hand the systems app (normalised: E.164, lower case)."""
        postcode = self.postcode.replace(" ", "")
        return Subject(name=self.name, emails=(self.email,), phones=(f"+316{self.digits}",),
                       postcode_house_numbers=(f"{postcode} {self.house}",),
                       ids={"customer_number": (f"K-{10_000 + self.n}",)})


def person(n: int) -> Person:
    given = _GIVEN[n % len(_GIVEN)]
    infix, family = _FAMILY[(n // len(_GIVEN)) % len(_FAMILY)]
    initial = _INITIALS[(n // (len(_GIVEN) * len(_FAMILY))) % len(_INITIALS)]
    return Person(n, given, initial, infix, family)


def population(people: int) -> list[Person]:
    assert people <= len(_GIVEN) * len(_FAMILY) * len(_INITIALS), "names would repeat"
    return [person(n) for n in range(people)]


# --- PostgreSQL (the CRM) and MariaDB (accounting) -------------------------------------------

def _insert(engine: Engine, table: Any, rows: list[dict[str, Any]]) -> None:
    with engine.begin() as conn:
        for start in range(0, len(rows), 2000):
            conn.execute(table.insert(), rows[start:start + 2000])


def fill_crm(engine: Engine, folk: list[Person]) -> None:
    """customers, invoices, notes (her own call note with her number; every seventh a
    colleague's note naming the next customer by name)."""
    metadata = crm_schema()
    metadata.create_all(engine)
    t = metadata.tables
    n = len(folk)
    _insert(engine, t["customers"], [
        {"id": p.n + 1, "customer_number": f"K-{10_000 + p.n}", "name": p.name,
         "email": p.email if p.n % 5 else p.email.upper(), "phone": p.phone(p.n),
         "postcode": p.postcode, "house_number": p.house,
         "remarks": "Wil facturen per e-mail." if p.n % 3 == 0 else None,
         "created_on": date(2020 + p.n % 6, 1 + p.n % 12, 1 + p.n % 28)} for p in folk])
    _insert(engine, t["invoices"], [
        {"id": p.n + 1, "customer_id": p.n + 1, "number": f"F-2025-{p.n:05d}",
         "billing_name": p.name, "amount": Decimal(100 + p.n % 900),
         "issued_on": date(2025, 1 + p.n % 12, 1 + p.n % 28)} for p in folk])
    notes = [{"id": p.n + 1, "customer_id": p.n + 1, "written_on": date(2025, 3, 1),
              "body": f"Belde over factuur F-2025-{p.n:05d}; terugbellen op "
                      f"{p.phone(p.n + 1)}."} for p in folk]
    notes += [{"id": n + p.n + 1, "customer_id": p.n + 1, "written_on": date(2025, 4, 1),
               "body": f"{p.first} vraagt of {folk[(p.n + 1) % n].name} ook een offerte "
                       "wil."} for p in folk if p.n % 7 == 0]
    _insert(engine, t["notes"], notes)
    with engine.begin() as conn:
        conn.execute(text("ANALYZE customers")) if engine.dialect.name == "postgresql" else None


def fill_accounting(engine: Engine, folk: list[Person]) -> None:
    metadata = accounting_schema()
    metadata.create_all(engine)
    t = metadata.tables
    _insert(engine, t["customers"], [
        {"id": p.n + 1, "customer_number": f"K-{10_000 + p.n}", "name": p.name,
         "email": p.email, "phone": p.phone(p.n + 2),
         "street": f"Hoofdstraat {p.house}, {p.postcode} {p.city}",
         "iban": None} for p in folk])
    _insert(engine, t["invoices"], [
        {"id": p.n + 1, "customer_id": p.n + 1, "amount": Decimal(100 + p.n % 900),
         "invoice_date": date(2025, 1 + p.n % 12, 1 + p.n % 28)} for p in folk])


@contextmanager
def postgres_crm(folk: list[Person]) -> Iterator[str]:
    """A database of its own (unique name, dropped afterwards) with the filled CRM."""
    name = "bench_systems_" + uuid.uuid4().hex
    admin = create_engine(PG_ADMIN, poolclass=NullPool, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = f"postgresql+psycopg://postgres:bench-pw@127.0.0.1:5432/{name}"
    engine = create_engine(url, poolclass=NullPool)
    try:
        fill_crm(engine, folk)
        engine.dispose()
        yield url
    finally:
        engine.dispose()
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@contextmanager
def mariadb_accounting(folk: list[Person]) -> Iterator[str]:
    server = start_mariadb()
    try:
        admin = server.admin()
        with admin.begin() as conn:
            conn.execute(text("CREATE DATABASE accounting"))
        admin.dispose()
        engine = create_engine(server.url("accounting"), poolclass=NullPool)
        fill_accounting(engine, folk)
        engine.dispose()
        yield server.url("accounting")
    finally:
        stop_mariadb(server)


# --- Dovecot (the shared mailbox info@) ------------------------------------------------------

def _mail(sender: str, to: str, subject: str, body: str, ident: str) -> bytes:
    headers = [f"From: {sender}", f"To: {to}", f"Subject: {subject}",
               "Date: Mon, 02 Nov 2026 10:15:00 +0100", f"Message-ID: <{ident}@bench.example>",
               "MIME-Version: 1.0", "Content-Type: text/plain; charset=utf-8",
               "Content-Transfer-Encoding: 8bit"]
    return ("\r\n".join(headers) + "\r\n\r\n" + body.replace("\n", "\r\n")).encode()


def _maildir(folder: Path, messages: list[bytes]) -> None:
    for sub in ("cur", "new", "tmp"):
        (folder / sub).mkdir(parents=True, exist_ok=True)
    for i, raw in enumerate(messages):
        (folder / "cur" / f"{1_780_000_000 + i}.M{i}P1.bench:2,S").write_bytes(raw)


@contextmanager
def dovecot_mailbox(folk: list[Person], *, index: bool = True) -> Iterator[str]:
    """info@: every person's mail (her number in the body), our reply to every other one,
    every tenth mail also naming another customer. Written as Maildir files before the first
    login (appending 15,000 messages over IMAP would take minutes)."""
    root = Path(tempfile.mkdtemp(prefix="privacydesk-bench-imap-"))
    server = Dovecot(root, fts=index, settings=MAILDIR_CONF)
    try:
        n = len(folk)
        inbox = [_mail(f'"{p.name}" <{p.email}>', "info@infactor.example", "Storing",
                       f"Bel me op {p.phone(p.n + 1)}. Groet, {p.given}\n"
                       + (f"Ook {folk[(p.n + 2) % n].name} heeft dit probleem.\n"
                          if p.n % 10 == 0 else ""), f"in-{p.n}") for p in folk]
        sent = [_mail("InFactor <info@infactor.example>", p.email, "Re: Storing",
                      f"Beste {p.given}, we komen morgen langs.\n", f"out-{p.n}")
                for p in folk if p.n % 2 == 0]
        box = root / "mail" / "box1"
        dovecot = pwd.getpwnam("dovecot")   # Dovecot's mail processes run as this user
        _maildir(box, inbox)
        _maildir(box / ".Sent", sent)
        subprocess.run(["chown", "-R", f"{dovecot.pw_uid}:{dovecot.pw_gid}", str(box)],
                       check=True)
        if index:
            server.index("box1")   # mail that was there before the index: indexed up front
        yield Mailbox("box1", server.password, server.port, server.tls_port).url
    finally:
        server.stop()
        shutil.rmtree(root, ignore_errors=True)


# --- slapd (the directory: staff and the clients' address book) ------------------------------

@contextmanager
def slapd_directory(folk: list[Person]) -> Iterator[str]:
    root = Path(tempfile.mkdtemp(prefix="privacydesk-bench-slapd-"))
    server = Slapd(root)
    try:
        tree: Tree = server.tree()
        with tree.admin() as conn:
            for ou in ("people", "former", "contacts"):
                conn.add(f"ou={ou},{tree.base}", ["organizationalUnit"], {})
            for i, (given, family) in enumerate(_STAFF):
                conn.add(f"uid=staff{i},ou=people,{tree.base}", ["inetOrgPerson"], {
                    "cn": f"{given} {family}", "sn": family, "givenName": given,
                    "mail": f"{given.lower()}@infactor.example", "employeeNumber": f"E-{i:03d}",
                    "description": f"Accountmanager van {folk[i * 97 % len(folk)].name}"})
            for p in folk:
                conn.add(f"uid=c{p.n},ou=contacts,{tree.base}", ["inetOrgPerson"], {
                    "cn": p.name, "sn": p.last, "givenName": p.given, "mail": p.email,
                    "telephoneNumber": p.phone(p.n + 3)})
        yield tree.url
    finally:
        server.stop()
        shutil.rmtree(root, ignore_errors=True)


# --- Redmine (the service desk) --------------------------------------------------------------

def _fill_redmine(database: Path, folk: list[Person], tickets: int) -> None:
    """Write users (with e-mail addresses), one project and `tickets` tickets straight into
    Redmine's SQLite file, as Redmine itself would have stored them; every tenth ticket has a
    staff note naming another customer and her number."""
    stamp = "2026-01-05 09:00:00.000000"
    db = sqlite3.connect(database)
    with db:
        db.execute("INSERT INTO projects (id, name, identifier, is_public, status, lft, rgt, "
                   "created_on, updated_on) VALUES (1, 'Servicedesk', 'servicedesk', 1, 1, 1, "
                   "2, ?, ?)", (stamp, stamp))
        db.execute("INSERT INTO enabled_modules (project_id, name) VALUES (1, 'issue_tracking')")
        db.executemany("INSERT INTO projects_trackers (project_id, tracker_id) VALUES (1, ?)",
                       [(1,), (3,)])
        staff_ids = []
        for i, (given, family) in enumerate(_STAFF):
            uid = 100 + i
            staff_ids.append(uid)
            db.execute("INSERT INTO users (id, login, firstname, lastname, status, type, "
                       "mail_notification, language, created_on, updated_on) VALUES "
                       "(?, ?, ?, ?, 1, 'User', 'only_my_events', 'nl', ?, ?)",
                       (uid, f"staff{i}", given, family, stamp, stamp))
        first_user = 1000
        db.executemany(
            "INSERT INTO users (id, login, firstname, lastname, status, type, mail_notification,"
            " language, created_on, updated_on) VALUES (?, ?, ?, ?, 1, 'User', "
            "'only_my_events', 'nl', ?, ?)",
            [(first_user + p.n, f"klant{p.n}", p.first, p.last, stamp, stamp) for p in folk])
        db.executemany(
            "INSERT INTO email_addresses (user_id, address, is_default, notify, created_on, "
            "updated_on) VALUES (?, ?, 1, 1, ?, ?)",
            [(first_user + p.n, p.email, stamp, stamp) for p in folk])
        n = len(folk)
        db.executemany(
            "INSERT INTO issues (id, tracker_id, project_id, subject, description, status_id, "
            "priority_id, author_id, lock_version, created_on, updated_on, start_date, "
            "done_ratio, root_id, lft, rgt, is_private) VALUES (?, 3, 1, ?, ?, 1, 2, ?, 0, ?, "
            "?, '2026-01-05', 0, ?, 1, 2, 0)",
            [(t + 1, "Printer doet het niet" if t % 2 else "Mail komt niet aan",
              f"Graag terugbellen op {folk[t % n].phone(t)}.\n{folk[t % n].name}",
              first_user + t % n, stamp, stamp, t + 1) for t in range(tickets)])
        db.executemany(
            "INSERT INTO journals (journalized_id, journalized_type, user_id, notes, "
            "created_on, private_notes) VALUES (?, 'Issue', ?, ?, ?, 0)",
            [(t + 1, staff_ids[t % len(staff_ids)],
              f"{folk[(t + 3) % n].name} belde ook hierover, terugbellen op "
              f"{folk[(t + 3) % n].phone(t + 1)}.", stamp)
             for t in range(0, tickets, 10)])
    db.close()


def _redmine_database(folk: list[Person], tickets: int) -> Path:
    """The filled Redmine database, built once per (version, people, tickets) and cached."""
    version = redmine_server.redmine_version()
    cache = CACHE / f"systems-redmine-{version}-{len(folk)}-{tickets}-v1"
    if (cache / "redmine.sqlite3").exists():
        return cache
    base = redmine_server.cached_database()
    CACHE.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix="staging-", dir=CACHE))
    shutil.copy2(base / "redmine.sqlite3", staging / "redmine.sqlite3")
    shutil.copy2(base / "api_key.txt", staging / "api_key.txt")
    _fill_redmine(staging / "redmine.sqlite3", folk, tickets)
    try:
        staging.rename(cache)
    except OSError:
        shutil.rmtree(staging, ignore_errors=True)  # another run cached it first
    return cache


@contextmanager
def redmine_desk(folk: list[Person], tickets: int) -> Iterator[str]:
    """Redmine on a copy of the filled database, started like the tests' fixture
    (tests/systems/servers/rest.py) and stopped by the PID started here."""
    import httpx

    cache = _redmine_database(folk, tickets)
    folder = Path(tempfile.mkdtemp(prefix="privacydesk-bench-redmine-"))
    database = folder / "redmine.sqlite3"
    shutil.copy2(cache / "redmine.sqlite3", database)
    env = redmine_server._make_instance(folder / "instance", database)
    port = redmine_server.free_port()
    api_key = (cache / "api_key.txt").read_text().strip()
    with (folder / "puma.log").open("wb") as log:
        process = subprocess.Popen(
            ["puma", "-e", "production", "-b", f"tcp://127.0.0.1:{port}", "-t", "2:4",
             "config.ru"], cwd=redmine_server.REDMINE_ROOT, env=env, stdout=log,
            stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + redmine_server.START_TIMEOUT
            while True:
                if process.poll() is not None:
                    raise RuntimeError(f"puma ended; see {folder / 'puma.log'}")
                try:
                    if httpx.get(f"http://127.0.0.1:{port}/users/current.json",
                                 headers={"X-Redmine-API-Key": api_key},
                                 timeout=5.0).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                if time.monotonic() > deadline:
                    raise RuntimeError("Redmine did not answer in time")
                time.sleep(0.25)
            # Puma loads most of Redmine at its first requests (seconds each): not measured.
            for path in ("users.json?name=x", "issues.json?limit=1",
                         "issues/1.json?include=journals"):
                httpx.get(f"http://127.0.0.1:{port}/{path}", timeout=60.0,
                          headers={"X-Redmine-API-Key": api_key})
            yield f"http://{api_key}@127.0.0.1:{port}/"
        finally:
            redmine_server._stop(process)
            shutil.rmtree(folder, ignore_errors=True)


# --- the declarations --------------------------------------------------------------------------

def declarations() -> dict[str, Declared]:
    """InFactor's mailbox, ticketing, accounting and directory as the default policy declares
    them (its dataset files), the directory with the clients' address book, and the CRM as
    tests/systems/walk_systems.py declares it."""
    policy = get_default_policy_path()
    entries = tomllib.loads(policy.read_text("utf-8"))["systems"]
    entries += tomllib.loads(CRM_DECLARATION)["systems"]
    found: dict[str, Declared] = {}
    for entry in entries:
        if entry["connector"] == "register":
            continue
        if entry["id"] == "crm":
            dataset = tomllib.loads(CRM_DATASET)
        else:
            source = (policy.parent / entry["dataset"]).read_text("utf-8")
            if entry["id"] == "directory":
                source += CONTACTS_BASE
            dataset = tomllib.loads(source)
        found[entry["id"]] = of_mapping({**entry, "dataset": dataset})
    return found


# --- measuring ---------------------------------------------------------------------------------

def _quantiles(values: list[float]) -> tuple[float, float]:
    ordered = sorted(values)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return statistics.median(ordered), p95


def access(systems: list[Declared], subject: Subject) -> tuple[float, dict[str, Any]]:
    """One access search (the report's and the zip's call): seconds, and per system the
    records found or the failure (a failed system is reported, never timed as an answer)."""
    start = time.perf_counter()
    answers = calls.search(systems, subject, export=True)
    seconds = time.perf_counter() - start
    return seconds, {a.system.id: a.failure.line() if a.failure else len(a.records)
                     for a in answers}


def _acting(system: Declared, connector: Any) -> Any | None:
    """The connector as `systems.erasing.run` uses it (`systems.retaining.keeping`, which
    needs Django; the bench does not): in an archive-only system, keeping only its retention
    rule's categories with the law as the reason (R3); None when it cannot keep by category."""
    if not system.archive_only:
        return connector
    rule = next((r for r in get_policy().retention.rules if r.id == system.retention), None)
    if rule is None or not rule.categories or not hasattr(connector, "keeping"):
        return None
    return connector.keeping(tuple(sorted(rule.categories)), rule.law.get("nl"))


def _erase_one(system: Declared, subject: Subject) -> tuple[float, int, int]:
    """What `systems.erasing.run` does in one try, without its task row: find, erase (in an
    archive-only system: empty what the law does not keep, R3), the re-search. Seconds,
    records found, records left (what the law keeps is kept, not left)."""
    start = time.perf_counter()
    plain = calls.connector_of(system)
    connector = _acting(system, plain)
    if connector is None:  # archive-only, and its connector cannot keep by category
        return time.perf_counter() - start, len(plain.find(subject)), 0
    records = connector.find(subject)
    outcomes = connector.erase(records, subject) if records else []
    kept = {o.locator for o in outcomes if o.action == "kept"}
    left = [r for r in connector.find(subject)
            if r.locator not in kept and not (r.kept or r.fields.get("kept"))]
    return time.perf_counter() - start, len(records), len(left)


def erasure(systems: list[Declared], subject: Subject) -> tuple[float, dict[str, float]]:
    """Every system's erasure at once; the wall time and each system's."""
    start = time.perf_counter()
    with concurrent.futures.ThreadPoolExecutor(max_workers=len(systems)) as pool:
        futures = {s.id: pool.submit(calls.guarded, s, lambda s=s: _erase_one(s, subject))
                   for s in systems}
        answers = {sid: f.result() for sid, f in futures.items()}
    seconds = time.perf_counter() - start
    results: dict[str, tuple[float, int, int]] = {}
    for sid, answer in answers.items():
        if isinstance(answer, calls.Failure):
            raise SystemExit(f"erasure failed in {sid}: {answer.line()}")
        results[sid] = answer
    for sid, (_t, found, left) in results.items():
        if not found:
            raise SystemExit(f"{sid}: {subject.name} was not found to erase")
        if left:
            raise SystemExit(f"{sid}: the re-search found {left} record(s) of {subject.name}")
    return seconds, {sid: r[0] for sid, r in results.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--tickets", type=int, help="Redmine tickets (default: one a person)")
    parser.add_argument("--runs", type=int, default=20, help="access searches measured")
    parser.add_argument("--erasures", type=int, default=10, help="people erased")
    parser.add_argument("--systems", default="crm,accounting,mailbox,directory,ticketing",
                        help="the systems started and measured (to see what the rest take "
                        "without the slowest)")
    parser.add_argument("--no-mail-index", action="store_true", help="Dovecot without its "
                        "full-text index (to see what a mail server without one costs)")
    parser.add_argument("--timeout", type=float, help="PRIVACYDESK_SYSTEM_<ID>_TIMEOUT of "
                        "every system (default: the product's, 10 s a call)")
    args = parser.parse_args()
    folk = population(args.people)
    tickets = args.people if args.tickets is None else args.tickets
    systems = declarations()
    fill: dict[str, float] = {}
    wanted = [w.strip() for w in args.systems.split(",") if w.strip()]
    starters: dict[str, Callable[[], Any]] = {
        "crm": lambda: postgres_crm(folk), "accounting": lambda: mariadb_accounting(folk),
        "mailbox": lambda: dovecot_mailbox(folk, index=not args.no_mail_index),
        "directory": lambda: slapd_directory(folk),
        "ticketing": lambda: redmine_desk(folk, tickets)}
    with ExitStack() as stack:
        for system_id, start in starters.items():
            if system_id not in wanted:
                continue
            began = time.perf_counter()
            url = stack.enter_context(start())
            os.environ[f"PRIVACYDESK_SYSTEM_{system_id.upper()}_URL"] = url
            if args.timeout:
                os.environ[f"PRIVACYDESK_SYSTEM_{system_id.upper()}_TIMEOUT"] = str(args.timeout)
            fill[system_id] = time.perf_counter() - began
            print(f"{system_id}: started and filled in {fill[system_id]:.1f} s",
                  file=sys.stderr)
        order = [systems[s] for s in starters if s in wanted]
        # The people measured have tickets too (the first `tickets` people filed one each).
        holders = min(tickets, len(folk)) or len(folk)
        anna = folk[holders // 2].subject()   # the access rows' person, in all five
        load_start = os.getloadavg()   # other work on the machine shows in every row
        _warm, counts = access(order, anna)   # caches fill
        print(f"warm-up: {counts}", file=sys.stderr)
        times, failed = [], set()
        for _ in range(args.runs):
            seconds, answers = access(order, anna)
            times.append(seconds)
            failed |= {f"{sid}: {a}" for sid, a in answers.items() if isinstance(a, str)}
        alone = {s.id: _quantiles([access([s], anna)[0] for _ in range(max(3, args.runs // 4))])
                 for s in order}
        print(f"access: {_quantiles(times)}, alone: {alone}", file=sys.stderr)
        erased, per_system = [], {s.id: [] for s in order}
        for k in range(args.erasures):
            who = folk[(k * 7919 + 13) % holders].subject()   # a different person each run
            seconds, each = erasure(order, who)
            erased.append(seconds)
            for sid, t in each.items():
                per_system[sid].append(t)
        # Each system erasing alone (other people again: an erased person is gone).
        erased_alone: dict[str, tuple[float, float]] = {}
        for i, s in enumerate(order):
            people = [folk[(k * 7919 + 13) % holders].subject()
                      for k in range(args.erasures + 1 + 3 * i, args.erasures + 4 + 3 * i)]
            erased_alone[s.id] = _quantiles([erasure([s], who)[0] for who in people])
        print(f"erasure: {_quantiles(erased)}, alone: {erased_alone}", file=sys.stderr)
        load = os.getloadavg()
    print(json.dumps({
        "people": args.people, "tickets": tickets, "records": counts, "fill_seconds": fill,
        "access": _quantiles(times), "access_runs": len(times), "access_failed": sorted(failed),
        "timeout": args.timeout, "mail_index": not args.no_mail_index,
        "access_alone": alone, "erasure": _quantiles(erased), "erasures": len(erased),
        "erasure_per_system": {sid: _quantiles(v) for sid, v in per_system.items()},
        "erasure_alone": erased_alone,
        "load_start": load_start, "load": load}))


if __name__ == "__main__":
    main()
