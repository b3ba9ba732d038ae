"""A real gunicorn with several workers on loopback, and clients bound to chosen loopback
source addresses (127.0.0.2 attacks, 127.0.0.3 browses), for the guard's live tests."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
VENV_BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Server:
    port: int
    data_dir: Path
    log: Path
    env: dict[str, str]

    def django(self, *args: str) -> str:
        done = subprocess.run([sys.executable, "-m", "django", *args], env=self.env,
                              cwd=ROOT, capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr[-2000:]
        return done.stdout

    def shell(self, code: str) -> str:
        """Run `code` in `django shell` against the server's database; its last output line."""
        return self.django("shell", "--no-imports", "-c", code).strip().splitlines()[-1]

    def traces(self, needle: str) -> list[str]:
        """Every file of the server (database, WAL, log) that contains `needle`."""
        found = []
        for path in self.data_dir.rglob("*"):
            if path.is_file() and needle.encode() in path.read_bytes():
                found.append(path.name)
        if needle.encode() in self.log.read_bytes():
            found.append(self.log.name)
        return found


@contextlib.contextmanager
def gunicorn(tmp_path: Path, workers: int = 3, **env_extra: str) -> Iterator[Server]:
    """Migrate a fresh SQLite database in `tmp_path` and serve it with `workers` workers,
    without an access log (W1); stop the server afterwards."""
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.update(PRIVACYDESK_DATA_DIR=str(data_dir), PYTHONPATH=str(ROOT),
               DJANGO_SETTINGS_MODULE="tests.guard.gunicorn_settings", **env_extra)
    port = free_port()
    log = tmp_path / "gunicorn.log"
    server = Server(port, data_dir, log, env)
    server.django("migrate", "--noinput")
    with open(log, "wb") as out:
        process = subprocess.Popen(
            [str(VENV_BIN / "gunicorn"), "--workers", str(workers), "--bind",
             f"127.0.0.1:{port}", "--logger-class", "privacydesk.serve.PrivateLogger",
             "--timeout", "60", "privacydesk.wsgi:application"],
            env=env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)
    try:
        deadline = time.time() + 60
        while True:
            try:
                status = request("127.0.0.1", port, "/staff/login/")
                if status:
                    break
            except OSError:
                pass
            assert process.poll() is None, log.read_text()[-2000:]
            assert time.time() < deadline, "gunicorn did not answer"
            time.sleep(0.3)
        yield server
    finally:
        process.terminate()
        process.wait(timeout=30)


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
