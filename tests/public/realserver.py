"""Run the real `privacydesk serve` (gunicorn) in a subprocess for the tests that need one.

Loaded by this folder's conftest. The server gets its own data folder and SQLite database,
writes its stdout/stderr to files the test can search, and is stopped with SIGTERM.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for_port(port: int, process: subprocess.Popen[bytes], seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"nothing listens on port {port} after {seconds}s")


@dataclass
class Server:
    port: int
    data_dir: Path
    stdout: Path
    stderr: Path
    env: dict[str, str]


def server_env(data_dir: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("PRIVACYDESK_", "DJANGO_")) and k != "DATABASE_URL"}
    env.update(PRIVACYDESK_DATA_DIR=str(data_dir), PRIVACYDESK_LOG_LEVEL="DEBUG",
               DJANGO_SETTINGS_MODULE="privacydesk.project.settings", **extra)
    return env


_TEMPLATE: list[Path] = []


def _migrated_template() -> Path:
    """A data folder with a freshly migrated SQLite database, made once per test session
    (migrating takes seconds; copying it takes none)."""
    if not _TEMPLATE:
        folder = Path(tempfile.mkdtemp(prefix="privacydesk-template-"))
        subprocess.run([str(BIN / "privacydesk"), "migrate"], env=server_env(folder),
                       check=True, capture_output=True)
        _TEMPLATE.append(folder)
    return _TEMPLATE[0]


@contextmanager
def running(data_dir: Path, *args: str, **extra_env: str) -> Iterator[Server]:
    """Migrate a fresh SQLite database in `data_dir`, then serve until the block ends."""
    env = server_env(data_dir, **extra_env)
    shutil.copytree(_migrated_template(), data_dir, dirs_exist_ok=True)
    port = free_port()
    out = data_dir.parent / f"{data_dir.name}.stdout"
    err = data_dir.parent / f"{data_dir.name}.stderr"
    with open(out, "wb") as o, open(err, "wb") as e:
        process = subprocess.Popen(
            [str(BIN / "privacydesk"), "serve", "--host", "127.0.0.1", "--port", str(port),
             "--workers", "1", *args], env=env, stdout=o, stderr=e)
        try:
            wait_for_port(port, process)
            yield Server(port, data_dir, out, err, env)
        finally:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
