"""`privacydesk demo` serves like `privacydesk serve`: with one background worker beside the
web server (#14.4), so the demo's retention sweep, request clocks and audit anchor run as
in production, and the worker stops with the demo."""

from __future__ import annotations

import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _ok_jobs(db: Path) -> list[tuple[str, ...]]:
    if not db.exists():
        return []
    try:
        with sqlite3.connect(db) as conn:
            return conn.execute("SELECT job FROM jobs_periodicrun WHERE outcome = 'ok' "
                                "ORDER BY job").fetchall()
    except sqlite3.OperationalError:   # not migrated yet
        return []


def test_the_served_demo_runs_the_background_jobs(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("PRIVACYDESK_", "DJANGO_")) and k != "DATABASE_URL"}
    env.update(PRIVACYDESK_DATA_DIR=str(tmp_path),
               DJANGO_SETTINGS_MODULE="privacydesk.project.settings")
    demo = subprocess.Popen(
        [sys.executable, "-c", "from privacydesk.cli import main; main()", "demo",
         "--people", "20", "--port", str(_free_port())], env=env,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 240
        while _ok_jobs(tmp_path / "privacydesk.sqlite3") != [
                ("audit-anchor",), ("requests-tick",), ("retention-sweep",)]:
            assert demo.poll() is None, f"the demo exited with {demo.returncode}"
            assert time.monotonic() < deadline, "no background job ran beside the demo"
            time.sleep(0.3)
    finally:
        demo.send_signal(signal.SIGTERM)
        demo.wait(timeout=30)
