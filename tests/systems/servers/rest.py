"""A real Redmine 5 (Debian `redmine`, `redmine-sqlite`, `puma`) for the REST connector's tests.

The session starts one Redmine on a free port with its own instance folder (database,
log, tmp, files) under a temp dir and stops it by the PID it started. The one-time part
(migrating the database, loading the default data, enabling the REST API, the admin's API
key: about half a minute) is cached under
/var/tmp/privacydesk-test-cache/redmine-<version>/ and copied per session; a clean machine
builds it in the first session.

Redmine's Debian multi-tenancy (`REDMINE_INSTANCE`) puts an instance at
/usr/share/redmine/instances/<name>; the name here climbs to the root and back down into
the temp dir, so nothing is written under /etc, /var/lib or /var/log.
"""

from __future__ import annotations

import fcntl
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest

from tests.systems.servers import shared

REDMINE_ROOT = Path("/usr/share/redmine")
CACHE_ROOT = Path("/var/tmp/privacydesk-test-cache")
#: Seconds Redmine may take to answer after puma starts (two shared cores).
START_TIMEOUT = 180.0


def redmine_version() -> str:
    """Return the installed Redmine's version, e.g. "5.0.4"."""
    text = (REDMINE_ROOT / "lib/redmine/version.rb").read_text()
    parts = [re.search(rf"{name}\s*=\s*(\d+)", text) for name in ("MAJOR", "MINOR", "TINY")]
    return ".".join(m.group(1) if m else "0" for m in parts)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _instance_name(folder: Path) -> str:
    # Redmine joins Rails.root/instances/<name>; "instances" is a symlink to /var/lib/redmine.
    # Enough ".." reach "/" both lexically and through the symlink, then the absolute path.
    return "../" * 8 + str(folder.resolve()).lstrip("/")


def _make_instance(folder: Path, database: Path) -> dict[str, str]:
    for sub in ("config", "log", "tmp/cache", "files", "public"):
        (folder / sub).mkdir(parents=True, exist_ok=True)
    (folder / "config/database.yml").write_text(
        "production:\n  adapter: sqlite3\n"
        f"  database: {database}\n  encoding: utf8\n  timeout: 5000\n")
    (folder / "config/secret_key.txt").write_text(secrets.token_hex(32))
    # Rails prefers DATABASE_URL to database.yml: privacydesk's own (the PostgreSQL pass)
    # would point Redmine at privacydesk's database, so it never reaches Redmine.
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"
           and not k.startswith(("RAILS_", "REDMINE_", "BUNDLE_", "GEM_"))}
    env.update(REDMINE_INSTANCE=_instance_name(folder), X_DEBIAN_SITEID=_instance_name(folder),
               RAILS_ENV="production", REDMINE_LANG="en")
    return env


def _run(args: list[str], env: dict[str, str], log: Path) -> str:
    with log.open("a") as out:
        result = subprocess.run(args, cwd=REDMINE_ROOT, env=env, stdout=subprocess.PIPE,
                                stderr=out, text=True, timeout=600, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} failed ({result.returncode}); see {log}")
    return result.stdout


def _build_cache(cache: Path) -> None:
    """Migrate a fresh database, load the default data (English), enable the REST API and
    give the admin an API key; store the database file and the key in `cache`."""
    cache.parent.mkdir(parents=True, exist_ok=True)
    build = Path(tempfile.mkdtemp(prefix="build-", dir=cache.parent))
    try:
        database = build / "redmine.sqlite3"
        env = _make_instance(build / "instance", database)
        log = build / "build.log"
        _run(["bundle", "exec", "rake", "db:migrate"], env, log)
        # A separate process: the migration's process has stale column information and
        # refuses the default data ("unknown attribute 'issues_visibility' for Role").
        _run(["bundle", "exec", "rake", "redmine:load_default_data"], env, log)
        out = _run(["bundle", "exec", "rails", "runner",
                    'Setting.rest_api_enabled = "1"; '
                    'puts "KEY=" + User.find_by_login("admin").api_key'], env, log)
        key = re.search(r"^KEY=([0-9a-f]+)$", out, re.M)
        if key is None:
            raise RuntimeError(f"no admin API key from Redmine; see {log}")
        final = build / "final"
        final.mkdir()
        shutil.copy2(database, final / "redmine.sqlite3")
        (final / "api_key.txt").write_text(key.group(1))
        os.replace(final, cache)  # atomic: a concurrent session sees all of it or nothing
    finally:
        shutil.rmtree(build, ignore_errors=True)


def cached_database() -> Path:
    """Return the cache folder (redmine.sqlite3, api_key.txt), building it once."""
    cache = CACHE_ROOT / f"redmine-{redmine_version()}"
    if (cache / "api_key.txt").exists():
        return cache
    CACHE_ROOT.mkdir(parents=True, exist_ok=True)
    # Two CI chains may start at once: one builds, the other waits for it.
    with (CACHE_ROOT / f"redmine-{redmine_version()}.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (cache / "api_key.txt").exists():
            _build_cache(cache)
    return cache


@dataclass(frozen=True)
class Redmine:
    """A running Redmine: where it answers and the admin's API key."""

    port: int
    api_key: str
    pid: int
    startup_seconds: float
    #: Its SQLite database: what an administrator changes there by hand (a ticket's history,
    #: which the API cannot change) and dates the API will not set (a ticket's closing time).
    database: Path | None = None
    #: The zone of its clock: Redmine stores moments in its process's local time (TZ, which
    #: Django's setup sets in the tests' process, and puma inherits).
    zone: str = "UTC"

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    @property
    def url(self) -> str:
        """The connection URL, as PRIVACYDESK_SYSTEM_TICKETING_URL would hold it."""
        return f"http://{self.api_key}@127.0.0.1:{self.port}/"

    def admin(self) -> httpx.Client:
        """An HTTP client acting as Redmine's admin (for seeding and checking)."""
        return httpx.Client(base_url=self.base, timeout=30.0,
                            headers={"X-Redmine-API-Key": self.api_key})


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        os.kill(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.kill(process.pid, signal.SIGKILL)
            process.wait(timeout=20)


@pytest.fixture(scope="session")
def redmine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Redmine]:
    """One Redmine for the session (whichever modules import this fixture), on its own copy
    of the cached database."""
    yield from shared("redmine", lambda: _running_redmine(tmp_path_factory))


def _running_redmine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Redmine]:
    started = time.monotonic()
    cache = cached_database()
    folder = tmp_path_factory.mktemp("redmine")
    database = folder / "redmine.sqlite3"
    shutil.copy2(cache / "redmine.sqlite3", database)
    env = _make_instance(folder / "instance", database)
    port = free_port()
    log = (folder / "puma.log").open("wb")
    process = subprocess.Popen(
        ["puma", "-e", "production", "-b", f"tcp://127.0.0.1:{port}", "-t", "2:4",
         "config.ru"], cwd=REDMINE_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    api_key = (cache / "api_key.txt").read_text().strip()
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"puma ended ({process.returncode}); see {log.name}")
            try:
                answer = httpx.get(f"http://127.0.0.1:{port}/users/current.json",
                                   headers={"X-Redmine-API-Key": api_key}, timeout=5.0)
                if answer.status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"Redmine did not answer within {START_TIMEOUT:.0f} s")
            time.sleep(0.25)
        yield Redmine(port=port, api_key=api_key, pid=process.pid,
                      startup_seconds=time.monotonic() - started, database=database,
                      zone=env.get("TZ") or "UTC")
    finally:
        _stop(process)
        log.close()


def reset(server: Redmine) -> None:
    """Leave only the admin and no project: each test seeds its own people and tickets."""
    with server.admin() as client:
        for project in client.get("/projects.json", params={"limit": 100}).json()["projects"]:
            client.delete(f"/projects/{project['id']}.json").raise_for_status()
        users = client.get("/users.json", params={"status": "", "limit": 100}).json()["users"]
        for user in users:
            if user["login"] != "admin":
                client.delete(f"/users/{user['id']}.json").raise_for_status()


# InFactor's service desk with the personas, for the connector's tests and the walks.

@dataclass
class Desk:
    """The seeded service desk: Redmine ids by persona and ticket."""

    server: Redmine
    users: dict[str, int]
    tickets: dict[str, int]

    def issue(self, name: str) -> dict[str, Any] | None:
        with self.server.admin() as client:
            answer = client.get(f"/issues/{self.tickets[name]}.json",
                                params={"include": "journals"})
        return None if answer.status_code == 404 else dict(answer.json()["issue"])

    def issue_by_id(self, ticket: int) -> dict[str, Any]:
        with self.server.admin() as client:
            answer = client.get(f"/issues/{ticket}.json", params={"include": "journals"})
        answer.raise_for_status()
        return dict(answer.json()["issue"])

    def by_hand(self, sql: str, *args: Any) -> None:
        """Change Redmine's database directly, as its administrator would by hand."""
        import sqlite3

        assert self.server.database is not None
        with sqlite3.connect(self.server.database, timeout=30) as database:
            database.execute(sql, args)
        database.close()

    def stored(self, moment: datetime) -> str:
        """`moment` as Redmine's database holds it (its local time, to the microsecond)."""
        return moment.astimezone(ZoneInfo(self.server.zone)).strftime("%Y-%m-%d %H:%M:%S.%f")

    def user(self, name: str) -> dict[str, Any] | None:
        with self.server.admin() as client:
            answer = client.get(f"/users/{self.users[name]}.json")
        return None if answer.status_code == 404 else dict(answer.json()["user"])


def post(client: httpx.Client, path: str, body: dict[str, Any], *, as_user: str = "") -> Any:
    headers = {"X-Redmine-Switch-User": as_user} if as_user else {}
    answer = client.post(path, json=body, headers=headers)
    assert answer.status_code in (200, 201, 204), answer.text
    return answer.json() if answer.content.strip() else None


def note(client: httpx.Client, ticket: int, text: str, *, as_user: str) -> None:
    answer = client.put(f"/issues/{ticket}.json", json={"issue": {"notes": text}},
                        headers={"X-Redmine-Switch-User": as_user})
    assert answer.status_code == 204, answer.text


def seed(redmine: Redmine) -> Desk:
    """A fresh service desk: Anna (customer), Bram (prospect), Eva (contact at a client) and
    Carla (employee, the service desk) in one project, with their tickets."""
    reset(redmine)
    users: dict[str, int] = {}
    tickets: dict[str, int] = {}
    with redmine.admin() as client:
        post(client, "/projects.json", {"project": {"name": "Servicedesk",
                                                     "identifier": "servicedesk"}})
        roles = {r["name"]: r["id"] for r in client.get("/roles.json").json()["roles"]}
        for login, first, last, mail in (
                ("anna", "Anna", "de Vries", "anna@example.nl"),
                ("bram", "Bram", "Bakker", "bram@bakker.example"),
                ("eva", "Eva", "Visser", "eva.visser@klant.example"),
                ("carla", "Carla", "Jansen", "carla@infactor.example")):
            user = post(client, "/users.json", {"user": {
                "login": login, "firstname": first, "lastname": last, "mail": mail,
                "password": "a-long-password-1"}})["user"]
            users[login] = user["id"]
            post(client, "/projects/servicedesk/memberships.json", {"membership": {
                "user_id": user["id"], "role_ids": [roles["Developer"]]}})

        def ticket(name: str, author: str, subject: str, description: str) -> None:
            tickets[name] = post(client, "/issues.json", {"issue": {
                "project_id": "servicedesk", "subject": subject,
                "description": description}}, as_user=author)["issue"]["id"]

        ticket("anna_printer", "anna", "Printer kapot",
               "De printer op kantoor doet het niet. Bel me op +31 6 12345678.\n"
               "Anna de Vries, Herestraat 12, 9712 AB Groningen")
        ticket("anna_mail", "anna", "Mail komt niet aan",
               "Sinds maandag komt mail aan anna@example.nl niet meer binnen.")
        ticket("eva_vpn", "eva", "VPN valt weg",
               "Bij Visser BV valt de VPN elke middag weg.")
        note(client, tickets["eva_vpn"], "Anna de Vries van De Vries Advies belde ook over "
              "de VPN, terugbellen op 06-12345678.", as_user="carla")
        note(client, tickets["anna_printer"], "Printer vervangen, Anna gebeld.",
              as_user="carla")
        ticket("bram_offer", "bram", "Offerte werkplekken",
               "Graag een offerte voor vijf werkplekken. Bram Bakker, 06-98765432")
    return Desk(redmine, users, tickets)


# The failure modes: servers that are not a REST system at all.

@dataclass
class _Socket:
    port: int
    stop: threading.Event


def _serve(answer: bytes | None) -> Iterator[_Socket]:
    """A listening socket that reads a request and answers `answer` (None: never answers)."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(8)
    server.settimeout(0.2)
    stop = threading.Event()
    held: list[socket.socket] = []

    def loop() -> None:
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            held.append(conn)
            if answer is not None:
                conn.settimeout(2.0)
                try:
                    conn.recv(65536)
                    conn.sendall(answer)
                except OSError:
                    pass
                conn.close()

    thread = threading.Thread(target=loop, daemon=True)
    thread.start()
    try:
        yield _Socket(port=int(server.getsockname()[1]), stop=stop)
    finally:
        stop.set()
        thread.join(timeout=5)
        server.close()
        for conn in held:
            conn.close()


@pytest.fixture
def silent_port() -> Iterator[int]:
    """A port that accepts connections and never answers (the slow system)."""
    for sock in _serve(None):
        yield sock.port


@pytest.fixture
def nonsense_port() -> Iterator[int]:
    """A port that answers a request with bytes that are not HTTP."""
    for sock in _serve(b"220 mail.example.nl ESMTP ready\r\n"):
        yield sock.port


@pytest.fixture
def garbage_json_port() -> Iterator[int]:
    """A port that answers HTTP 200 with a body that is not the JSON it claims to be."""
    body = b"{\"users\": [ <html>oops"
    for sock in _serve(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                       b"Content-Length: " + str(len(body)).encode() + b"\r\n"
                       b"Connection: close\r\n\r\n" + body):
        yield sock.port


# A "next link" REST system. Redmine pages by offset, and no real system on this machine
# pages by links, so this small server stands in for one (a CRM's contact list): it serves
# only what the "next_link" paging style needs, and one list whose next link leaves the host.

_CONTACTS = [
    {"id": 1, "name": "Bram Bakker", "email": "bram@bakker.example", "phone": "06-98765432"},
    {"id": 2, "name": "Eva Visser", "email": "eva.visser@klant.example", "phone": ""},
    {"id": 3, "name": "Anna de Vries", "email": "anna@example.nl", "phone": "+31 6 12345678"},
]


def _contacts_handler() -> type:
    import json
    from http.server import BaseHTTPRequestHandler
    from urllib.parse import parse_qs, urlsplit

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:  # W1: no access log, not even here
            pass

        def do_GET(self) -> None:  # noqa: N802 - http.server's name
            parts = urlsplit(self.path)
            query = parse_qs(parts.query)
            if self.headers.get("Authorization") != "Bearer crm-token":
                self._send(401, {"error": "unauthorised"})
            elif parts.path in ("/api/contacts", "/api/hostile"):
                page = int(query.get("page", ["1"])[0])
                size = int(query.get("per_page", ["1"])[0])
                rows = _CONTACTS[(page - 1) * size:page * size]
                more = page * size < len(_CONTACTS)
                host = ("elsewhere.example" if parts.path == "/api/hostile"
                        else f"127.0.0.1:{self.server.server_address[1]}")
                following = (f"http://{host}{parts.path}?page={page + 1}&per_page={size}"
                             if more else None)
                self._send(200, {"data": rows, "links": {"next": following}})
            elif parts.path.startswith("/api/contacts/"):
                wanted = parts.path.rsplit("/", 1)[1]
                rows = [c for c in _CONTACTS if str(c["id"]) == wanted]
                self._send(200 if rows else 404, {"data": rows[0]} if rows else {})
            else:
                self._send(404, {})

        def _send(self, status: int, body: object) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    return Handler


@pytest.fixture
def linked_pages() -> Iterator[int]:
    """The port of a contact list that pages by next links (Bearer token "crm-token")."""
    from http.server import ThreadingHTTPServer

    server = ThreadingHTTPServer(("127.0.0.1", 0), _contacts_handler())
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield int(server.server_address[1])
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
