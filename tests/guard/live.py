"""A real gunicorn with several workers on loopback, and clients bound to chosen loopback
source addresses (127.0.0.2 attacks, 127.0.0.3 browses), for the guard's live tests."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent
#: How stale a worker's copy of the ban list may be in the live servers (seconds).
BAN_REFRESH_SECONDS = 0.5


def until_every_worker_refreshed_its_bans() -> None:
    """Wait until every worker's next request reloads its ban list (bans.py)."""
    time.sleep(BAN_REFRESH_SECONDS + 0.1)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Server:
    port: int
    data_dir: Path
    log: Path

    def query(self, sql: str) -> list[tuple]:
        """Rows of `sql` read straight from the server's SQLite database (no Django start)."""
        with contextlib.closing(sqlite3.connect(self.data_dir / "privacydesk.sqlite3",
                                                timeout=30)) as db:
            return db.execute(sql).fetchall()

    def offenders(self) -> dict[str, dict]:
        """The offender register: address -> the rules that fired, with counts."""
        return {address: json.loads(evidence)["rules"] for address, evidence
                in self.query("SELECT address, evidence FROM guard_offender")}

    def traces(self, needle: str) -> list[str]:
        """Every file of the server (database, WAL, log) that contains `needle`."""
        found = []
        for path in self.data_dir.rglob("*"):
            if path.is_file() and needle.encode() in path.read_bytes():
                found.append(path.name)
        if needle.encode() in self.log.read_bytes():
            found.append(self.log.name)
        return found


def server_env(data_dir: Path, **env_extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.update(PRIVACYDESK_DATA_DIR=str(data_dir), PYTHONPATH=str(ROOT),
               DJANGO_SETTINGS_MODULE="tests.guard.gunicorn_settings",
               GUARD_TEST_BAN_REFRESH=str(BAN_REFRESH_SECONDS), **env_extra)
    return env


def migrated_data_dir(folder: Path) -> Path:
    """A data directory with a freshly migrated SQLite database: made once per test session
    and copied for every server (migrating costs more than starting a server)."""
    data_dir = folder / "data"
    data_dir.mkdir()
    done = subprocess.run([sys.executable, "-m", "django", "migrate", "--noinput",
                           "--skip-checks"],
                          env=server_env(data_dir), cwd=ROOT, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    return data_dir


@contextlib.contextmanager
def gunicorns(template: Path, folder: Path, *envs: dict[str, str],
              workers: int = 3) -> Iterator[list[Server]]:
    """Serve one copy of the migrated database `template` per entry of `envs` (extra
    environment of that server), each with `workers` sync workers and no access log (W1);
    the servers start side by side and are all stopped afterwards.

    `--preload` imports the application (live_wsgi) once in each master and forks the workers;
    the guard itself is built per worker at its first request, so three workers start in the
    time of one without sharing any state but Redis and the database.
    """
    servers, processes = [], []
    try:
        for number, env_extra in enumerate(envs):
            home = folder / f"server{number}"
            home.mkdir()
            data_dir = home / "data"
            shutil.copytree(template, data_dir)
            server = Server(free_port(), data_dir, home / "gunicorn.log")
            with open(server.log, "wb") as out:
                processes.append(subprocess.Popen(
                    [str(VENV_BIN / "gunicorn"), "--workers", str(workers), "--preload",
                     "--bind", f"127.0.0.1:{server.port}",
                     "--logger-class", "privacydesk.server.serve.PrivateLogger", "--timeout", "60",
                     "tests.guard.live_wsgi:application"],
                    env=server_env(data_dir, **env_extra), cwd=ROOT, stdout=out,
                    stderr=subprocess.STDOUT, start_new_session=True))
            servers.append(server)
        for server, process in zip(servers, processes, strict=True):
            _until_answering(server, process)
        yield servers
    finally:
        for process in processes:
            # Every answer was sent (and committed) before a test looked at it: kill each
            # master and its workers at once rather than wait for Django processes to wind down.
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=30)


@contextlib.contextmanager
def gunicorn(template: Path, folder: Path, workers: int = 3,
             **env_extra: str) -> Iterator[Server]:
    """One server as in `gunicorns`."""
    with gunicorns(template, folder, env_extra, workers=workers) as servers:
        yield servers[0]


def _until_answering(server: Server, process: subprocess.Popen) -> None:
    deadline = time.time() + 90
    while True:
        try:
            if request("127.0.0.1", server.port, "/staff/login/"):
                return
        except OSError:
            pass
        assert process.poll() is None, server.log.read_text()[-2000:]
        assert time.time() < deadline, "gunicorn did not answer"
        time.sleep(0.1)


def _connect(source: str, port: int) -> socket.socket:
    sock = socket.socket()
    sock.bind((source, 0))
    sock.settimeout(30)
    sock.connect(("127.0.0.1", port))
    return sock


def _status(sock: socket.socket) -> int:
    data = b""
    while b"\r\n" not in data:
        chunk = sock.recv(4096)
        if not chunk:
            break
        data += chunk
    with contextlib.suppress(OSError):
        while sock.recv(65536):
            pass
    sock.close()
    return int(data.split(b" ", 2)[1]) if data else 0


def request(source: str, port: int, path: str) -> int:
    """GET `path` from `source` (a loopback address); return the HTTP status."""
    sock = _connect(source, port)
    sock.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
                 .encode())
    return _status(sock)


def requests_in_distinct_workers(source: str, port: int, paths: list[str]) -> list[int]:
    """Send len(paths) <= workers requests so that each is handled by a different worker: every
    connection first sends half a request, which keeps one sync worker waiting on it."""
    socks = []
    for path in paths:
        sock = _connect(source, port)
        sock.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n".encode())
        socks.append(sock)
    time.sleep(0.5)
    for sock in socks:
        sock.sendall(b"Connection: close\r\n\r\n")
    return [_status(sock) for sock in socks]


class Relay:
    """A TCP relay on 127.0.0.1 whose outgoing connections leave from `source`: tools that
    cannot choose their source address (hydra, sqlmap) then reach the server as `source`."""

    def __init__(self, source: str, port: int) -> None:
        import threading

        self.source, self.target = source, port
        self.listener = socket.socket()
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(64)
        self.port = int(self.listener.getsockname()[1])
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        import threading

        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            threading.Thread(target=self._pair, args=(client,), daemon=True).start()

    def _pair(self, client: socket.socket) -> None:
        import threading

        try:
            upstream = _connect(self.source, self.target)
        except OSError:
            client.close()
            return
        threading.Thread(target=_pipe, args=(upstream, client), daemon=True).start()
        _pipe(client, upstream)

    def close(self) -> None:
        self.listener.close()


def _pipe(src: socket.socket, dst: socket.socket) -> None:
    try:
        while data := src.recv(65536):
            dst.sendall(data)
    except OSError:
        pass
    finally:
        with contextlib.suppress(OSError):
            dst.shutdown(socket.SHUT_WR)
