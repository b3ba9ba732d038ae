"""Real SQL servers for the SQL connector's tests (#16.2): PostgreSQL and MariaDB.

PostgreSQL is the machine's own (127.0.0.1:5432, trust): each test gets a database of its
own with a unique name, dropped afterwards (two CI chains share the server). MariaDB is
started here: a data folder initialised once per MariaDB version and cached under
/var/tmp/privacydesk-test-cache/, copied into a temp folder, served on a free port and
stopped by the PID started; a user `crm` with a password of its own (real authentication,
so a wrong password is really refused). Each test gets a fresh MariaDB database too.

Missing MariaDB binaries are a failure, never a skip: scripts/bootstrap.sh --system installs
Debian's mariadb-server.
"""

from __future__ import annotations

import secrets
import shutil
import socket
import subprocess
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import (
    Column,
    Date,
    ForeignKey,
    Integer,
    MetaData,
    Numeric,
    String,
    Table,
    Text,
    create_engine,
    text,
)
from sqlalchemy.engine import Engine
from sqlalchemy.pool import NullPool

from tests.systems.servers import shared

MARIADBD = "/usr/sbin/mariadbd"
INSTALL_DB = "/usr/bin/mariadb-install-db"
CACHE = Path("/var/tmp/privacydesk-test-cache")
PG_ADMIN = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"

# Small and fast: this server holds a few rows per test.
_MARIADB_OPTIONS = ["--no-defaults", "--innodb-log-file-size=4M",
                    "--innodb-buffer-pool-size=16M", "--skip-log-bin",
                    "--character-set-server=utf8mb4", "--collation-server=utf8mb4_unicode_ci"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# -- MariaDB ---------------------------------------------------------------------------------

@dataclass
class MariaDB:
    folder: Path
    port: int
    socket_path: Path
    process: subprocess.Popen[bytes]
    user: str
    password: str

    def url(self, database: str, password: str | None = None) -> str:
        return (f"mysql+pymysql://{self.user}:{password or self.password}@127.0.0.1:"
                f"{self.port}/{database}?charset=utf8mb4")

    def admin(self) -> Engine:
        """root over the server's socket (root has no password there; tests only)."""
        return create_engine(
            f"mysql+pymysql://root@localhost/?unix_socket={self.socket_path}&charset=utf8mb4",
            poolclass=NullPool)


def _mariadb_version() -> str:
    out = subprocess.run([MARIADBD, "--version"], capture_output=True, text=True,
                         check=True).stdout
    return out.split("Ver", 1)[1].split()[0]


def _initialised_datadir() -> Path:
    """The cached, freshly initialised data folder (made once per MariaDB version; made in
    a temp folder and renamed into place, so two test runs at once cannot see half of it)."""
    cached = CACHE / f"mariadb-{_mariadb_version()}" / "data"
    if cached.is_dir():
        return cached
    cached.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix="staging-", dir=cached.parent))
    done = subprocess.run([INSTALL_DB, *_MARIADB_OPTIONS, f"--datadir={staging / 'data'}",
                           "--user=root", "--auth-root-authentication-method=normal",
                           "--skip-test-db"], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        pytest.fail(f"mariadb-install-db failed: {done.stdout[-1500:]}{done.stderr[-1500:]}")
    try:
        (staging / "data").rename(cached)
    except OSError:
        pass  # another run cached it first: use theirs
    shutil.rmtree(staging, ignore_errors=True)
    return cached


def start_mariadb() -> MariaDB:
    """Start a MariaDB server of our own; `stop_mariadb` ends it by its PID."""
    if not (Path(MARIADBD).exists() and Path(INSTALL_DB).exists()):
        pytest.fail(f"{MARIADBD} is missing: install Debian's mariadb-server "
                    "(bash scripts/bootstrap.sh --system, as root)")
    # A short path: a unix socket's path may not exceed 107 bytes.
    folder = Path(tempfile.mkdtemp(prefix="pd-mariadb-"))
    shutil.copytree(_initialised_datadir(), folder / "data")
    port = free_port()
    sock = folder / "mysqld.sock"
    log = folder / "error.log"
    process = subprocess.Popen(
        [MARIADBD, *_MARIADB_OPTIONS, f"--datadir={folder / 'data'}", f"--socket={sock}",
         f"--port={port}", "--bind-address=127.0.0.1", "--user=root",
         f"--pid-file={folder / 'mysqld.pid'}", f"--log-error={log}", "--skip-name-resolve"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"mariadbd exited: {log.read_text(errors='replace')[-2000:]}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.05)
    else:
        process.kill()
        pytest.fail("mariadbd did not listen within 30 s")
    password = "crm-" + secrets.token_hex(8)
    server = MariaDB(folder, port, sock, process, "crm", password)
    admin = server.admin()
    with admin.begin() as conn:
        conn.execute(text("CREATE USER 'crm'@'127.0.0.1' IDENTIFIED BY :pw"), {"pw": password})
        conn.execute(text("GRANT ALL PRIVILEGES ON *.* TO 'crm'@'127.0.0.1'"))
    admin.dispose()
    return server


def stop_mariadb(server: MariaDB) -> None:
    server.process.terminate()
    try:
        server.process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        server.process.kill()
        server.process.wait(timeout=5)
    shutil.rmtree(server.folder, ignore_errors=True)


@pytest.fixture(scope="session", name="mariadb")
def mariadb_fixture() -> Iterator[MariaDB]:
    yield from shared("mariadb", _running_mariadb)


def _running_mariadb() -> Iterator[MariaDB]:
    server = start_mariadb()
    try:
        yield server
    finally:
        stop_mariadb(server)


# -- the CRM schema, the same on both engines ----------------------------------------------

def crm_schema() -> MetaData:
    """customers, contacts (a client's people), invoices (kept 7 years, R3), notes (free
    text) and orders (a table the dataset does not declare, referencing customers)."""
    metadata = MetaData()
    Table("customers", metadata,
          Column("id", Integer, primary_key=True, autoincrement=False),
          Column("customer_number", String(20), unique=True, nullable=True),
          Column("name", String(100), nullable=False),
          Column("email", String(200)),
          Column("phone", String(40)),
          Column("postcode", String(10)),
          Column("house_number", String(10)),
          Column("remarks", Text),
          Column("created_on", Date, nullable=False))
    Table("contacts", metadata,
          Column("id", Integer, primary_key=True, autoincrement=False),
          Column("customer_id", Integer, ForeignKey("customers.id")),
          Column("name", String(100), nullable=False),
          Column("email", String(200)),
          Column("phone", String(40)),
          Column("job_title", String(100)))
    Table("invoices", metadata,
          Column("id", Integer, primary_key=True, autoincrement=False),
          Column("customer_id", Integer, ForeignKey("customers.id"), nullable=False),
          Column("number", String(20), nullable=False, unique=True),
          Column("billing_name", String(100), nullable=False),
          Column("amount", Numeric(10, 2), nullable=False),
          Column("issued_on", Date, nullable=False))
    Table("notes", metadata,
          Column("id", Integer, primary_key=True, autoincrement=False),
          Column("customer_id", Integer, ForeignKey("customers.id")),
          Column("body", Text, nullable=False),
          Column("written_on", Date, nullable=False))
    Table("orders", metadata,
          Column("id", Integer, primary_key=True, autoincrement=False),
          Column("customer_id", Integer, ForeignKey("customers.id"), nullable=False),
          Column("product", String(100), nullable=False))
    return metadata


ANNA, BRAM, NOORD = 1, 2, 3

CRM_ROWS: dict[str, list[dict[str, Any]]] = {
    "customers": [
        {"id": ANNA, "customer_number": "K-1001", "name": "Anna de Vries",
         "email": "Anna@Example.nl", "phone": "06-12345678", "postcode": "9712 AB",
         "house_number": "12", "remarks": "Wil facturen per e-mail.",
         "created_on": date(2024, 3, 1)},
        {"id": BRAM, "customer_number": "K-1002", "name": "Bram Bakker",
         "email": "bram@example.nl", "phone": "+31 6 87654321", "postcode": "1011 AA",
         "house_number": "3", "remarks": None, "created_on": date(2025, 1, 15)},
        {"id": NOORD, "customer_number": "K-1003", "name": "Noord ICT BV",
         "email": "info@noordict.nl", "phone": "050-1234567", "postcode": "9723 ZS",
         "house_number": "40", "remarks": None, "created_on": date(2023, 6, 1)},
    ],
    "contacts": [
        {"id": 1, "customer_id": NOORD, "name": "Eva Visser", "email": "eva@noordict.nl",
         "phone": "06 11122233", "job_title": "inkoper"},
    ],
    "invoices": [
        {"id": 1, "customer_id": ANNA, "number": "F-2024-001", "billing_name": "Anna de Vries",
         "amount": Decimal("120.00"), "issued_on": date(2024, 4, 1)},
        {"id": 2, "customer_id": NOORD, "number": "F-2024-002", "billing_name": "Noord ICT BV",
         "amount": Decimal("990.00"), "issued_on": date(2024, 5, 1)},
    ],
    "notes": [
        {"id": 1, "customer_id": ANNA, "written_on": date(2024, 4, 2),
         "body": "Belde over factuur F-2024-001; terugbellen op 06 1234 5678."},
        {"id": 2, "customer_id": NOORD, "written_on": date(2024, 6, 3),
         "body": "Eva Visser vraagt of Anna de Vries (anna@example.nl) ook een offerte wil."},
        {"id": 3, "customer_id": BRAM, "written_on": date(2025, 1, 16),
         "body": "Bram Bakker wil een demo."},
        {"id": 4, "customer_id": None, "written_on": date(2025, 2, 1),
         "body": "Voicemail van +31 (0)6-12345678, naam onbekend."},
    ],
    "orders": [],
}


def accounting_schema() -> MetaData:
    """The accounting database the default policy declares
    (privacydesk/policy/default/systems/accounting.toml): customers and their invoices."""
    metadata = MetaData()
    Table("customers", metadata,
          Column("id", Integer, primary_key=True, autoincrement=False),
          Column("customer_number", String(20), unique=True),
          Column("name", String(100), nullable=False),
          Column("email", String(200)),
          Column("phone", String(40)),
          Column("street", String(200)),
          Column("iban", String(34)))
    Table("invoices", metadata,
          Column("id", Integer, primary_key=True, autoincrement=False),
          Column("customer_id", Integer, ForeignKey("customers.id"), nullable=False),
          Column("amount", Numeric(10, 2), nullable=False),
          Column("invoice_date", Date, nullable=False))
    return metadata


def seed_accounting(engine: Engine) -> None:
    metadata = accounting_schema()
    metadata.create_all(engine)
    tables = metadata.tables
    with engine.begin() as conn:
        conn.execute(tables["customers"].insert(), [
            {"id": ANNA, "customer_number": "K-1001", "name": "Anna de Vries",
             "email": "anna@example.nl", "phone": "06-12345678",
             "street": "Grote Markt 12, 9712 AB Groningen", "iban": "NL91ABNA0417164300"},
            {"id": BRAM, "customer_number": "K-1002", "name": "Bram Bakker",
             "email": "bram@example.nl", "phone": None, "street": None, "iban": None}])
        conn.execute(tables["invoices"].insert(), [
            {"id": 1, "customer_id": ANNA, "amount": Decimal("120.00"),
             "invoice_date": date(2024, 4, 1)},
            {"id": 2, "customer_id": BRAM, "amount": Decimal("80.00"),
             "invoice_date": date(2025, 2, 1)}])


def seed(engine: Engine) -> None:
    metadata = crm_schema()
    metadata.create_all(engine)
    with engine.begin() as conn:
        for table in metadata.sorted_tables:
            if CRM_ROWS[table.name]:
                conn.execute(table.insert(), CRM_ROWS[table.name])


# -- one fresh database per test -------------------------------------------------------------

@dataclass
class Crm:
    """A seeded CRM database on one engine: its connector URL (with a password), `engine`
    to look at the rows directly, and the schema the dataset must name ("" on MariaDB: the
    URL's database)."""

    engine_name: str
    url: str
    password: str
    engine: Engine
    schema: str = ""

    def dataset(self, dataset: Mapping[str, Any]) -> dict[str, Any]:
        """`dataset` for this database: on PostgreSQL naming the test's schema."""
        return {**dataset, "schema": self.schema} if self.schema else dict(dataset)

    def rows(self, table: str, order: str = "id") -> list[dict[str, Any]]:
        with self.engine.connect() as conn:
            return [dict(r) for r in conn.execute(
                text(f"SELECT * FROM {table} ORDER BY {order}")).mappings()]  # noqa: S608

    def row(self, table: str, key: int) -> dict[str, Any] | None:
        found = [r for r in self.rows(table) if r["id"] == key]
        return found[0] if found else None


@dataclass
class PostgresDatabase:
    """A database of this test session on the machine's PostgreSQL (unique name)."""

    name: str


@pytest.fixture(scope="session", name="postgres")
def postgres_fixture() -> Iterator[PostgresDatabase]:
    yield from shared("postgres", _crm_database)


def _crm_database() -> Iterator[PostgresDatabase]:
    name = "crm_" + uuid.uuid4().hex
    admin = create_engine(PG_ADMIN, poolclass=NullPool, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield PostgresDatabase(name)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@contextmanager
def postgres_crm(database: PostgresDatabase,
                 seeder: Callable[[Engine], None] = seed) -> Iterator[Crm]:
    """A fresh CRM in a schema of its own (creating a database per test takes a second; a
    schema, milliseconds). The dataset names the schema (`schema = ...`)."""
    schema = "crm_" + uuid.uuid4().hex[:16]
    password = "pg-" + secrets.token_hex(8)
    # Trust authentication here: the password is sent by nobody, but it is in the URL, so
    # every message is checked for it all the same.
    url = f"postgresql+psycopg://postgres:{password}@127.0.0.1:5432/{database.name}"
    engine = create_engine(url, poolclass=NullPool,
                           connect_args={"options": f"-c search_path={schema}"})
    with engine.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        seeder(engine)
        yield Crm("postgresql", url, password, engine, schema)
    finally:
        with engine.begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        engine.dispose()


@contextmanager
def mariadb_crm(server: MariaDB,
                seeder: Callable[[Engine], None] = seed) -> Iterator[Crm]:
    name = "crm_" + uuid.uuid4().hex[:16]
    admin = server.admin()
    with admin.begin() as conn:
        conn.execute(text(f"CREATE DATABASE `{name}`"))
    url = server.url(name)
    engine = create_engine(url, poolclass=NullPool)
    try:
        seeder(engine)
        yield Crm("mariadb", url, server.password, engine)
    finally:
        engine.dispose()
        with admin.begin() as conn:
            conn.execute(text(f"DROP DATABASE IF EXISTS `{name}`"))
        admin.dispose()


@pytest.fixture(params=["postgresql", "mariadb"], name="crm")
def crm_fixture(request: pytest.FixtureRequest) -> Iterator[Crm]:
    """A freshly seeded CRM database on each engine in turn. Test modules import
    `crm_fixture, mariadb_fixture, postgres_fixture` to register the fixtures."""
    if request.param == "postgresql":
        with postgres_crm(request.getfixturevalue("postgres")) as database:
            yield database
    else:
        with mariadb_crm(request.getfixturevalue("mariadb")) as database:
            yield database


@pytest.fixture(params=["postgresql", "mariadb"], name="accounting")
def accounting_fixture(request: pytest.FixtureRequest) -> Iterator[Crm]:
    """The default policy's accounting database, seeded, on each engine in turn."""
    if request.param == "postgresql":
        with postgres_crm(request.getfixturevalue("postgres"), seed_accounting) as database:
            yield database
    else:
        with mariadb_crm(request.getfixturevalue("mariadb"), seed_accounting) as database:
            yield database


# -- servers that misbehave ------------------------------------------------------------------

@contextmanager
def silent_server() -> Iterator[int]:
    """A port that accepts connections and never says a word (a hung server)."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(16)
        yield int(listener.getsockname()[1])


@contextmanager
def garbage_server(answer: bytes = b"HTTP/1.1 400 Bad Request\r\n\r\nnot a database\r\n"
                   ) -> Iterator[int]:
    """A port whose server answers every connection with `answer` (not a database)."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(16)
    listener.settimeout(0.2)
    stopping = threading.Event()

    def serve() -> None:
        while not stopping.is_set():
            try:
                peer, _ = listener.accept()
            except OSError:
                continue
            with peer:
                try:
                    peer.sendall(answer)
                    peer.settimeout(0.5)
                    peer.recv(1024)
                    peer.sendall(answer)
                except OSError:
                    pass

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield int(listener.getsockname()[1])
    finally:
        stopping.set()
        thread.join(timeout=5)
        listener.close()


def closed_port() -> int:
    """A port nobody listens on (a server that is down)."""
    return free_port()

