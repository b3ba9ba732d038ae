"""W2 item 6: real attack tools against a real gunicorn (three workers) on loopback.

hydra brute-forces the staff login from 127.0.0.2 and sqlmap probes the `next` parameter of
the staff login page from 127.0.0.4 (the public contact form comes later; the login page is a
real form with a parameter that reaches the application). Both attackers end up registered
and blocked; sqlmap finds no injection. Anna browses from 127.0.0.3 all the while: she is never
blocked and no file of the server (database, WAL, log) contains her address (W1).

The tools are Debian packages `hydra` and `sqlmap`; this test fails when they are missing.
The counters live in the database here (no REDIS_URL), the store without Redis.
"""

from __future__ import annotations

import shutil
import subprocess
import threading
import time

import pytest

from .live import Relay, gunicorn, request

pytestmark = pytest.mark.slow
HYDRA_SOURCE = "127.0.0.2"
ANNA = "127.0.0.3"
SQLMAP_SOURCE = "127.0.0.4"


def registered(server) -> dict[str, dict]:
    import json

    return json.loads(server.shell(
        "from privacydesk.guard.models import Offender; import json; print(json.dumps("
        "{o.address: o.evidence['rules'] for o in Offender.objects.all()}))"))


class Browsing(threading.Thread):
    """Anna reads a few pages every fifth of a second until told to stop."""

    def __init__(self, port: int) -> None:
        super().__init__(daemon=True)
        self.port, self.statuses, self.done = port, [], threading.Event()

    def run(self) -> None:
        while not self.done.is_set():
            for path in ("/", "/staff/login/", "/en/"):
                self.statuses.append(request(ANNA, self.port, path))
            time.sleep(0.2)


def test_hydra_and_sqlmap_are_registered_and_blocked_and_anna_leaves_no_trace(tmp_path):
    for tool in ("hydra", "sqlmap"):
        assert shutil.which(tool), f"install the Debian package {tool!r} to run this check"
    words = tmp_path / "passwords.txt"
    words.write_text("\n".join(f"guess{i}" for i in range(40)) + "\n")
    with gunicorn(tmp_path) as server:
        anna = Browsing(server.port)
        anna.start()
        hydra_relay = Relay(HYDRA_SOURCE, server.port)
        hydra = subprocess.run(
            ["hydra", "-l", "admin", "-P", str(words), "-s", str(hydra_relay.port), "-t", "4",
             "-I", "127.0.0.1", "http-post-form",
             "/staff/login/:username=^USER^&password=^PASS^:F=403"],
            capture_output=True, text=True, timeout=300)
        assert "valid password found" not in hydra.stdout.replace("0 valid password", "")
        sqlmap_relay = Relay(SQLMAP_SOURCE, server.port)
        sqlmap = subprocess.run(
            ["sqlmap", "-u", f"http://127.0.0.1:{sqlmap_relay.port}/staff/login/?next=%2Fstaff%2F",
             "-p", "next", "--batch", "--flush-session", "--output-dir", str(tmp_path / "sqlmap"),
             "--timeout", "5", "--retries", "0", "--time-sec", "1"],
            capture_output=True, text=True, timeout=600)
        assert "is vulnerable" not in sqlmap.stdout
        assert "sqlmap identified the following injection point" not in sqlmap.stdout
        time.sleep(1.5)  # every worker's ban list is refreshed
        assert request(HYDRA_SOURCE, server.port, "/") == 403
        assert request(SQLMAP_SOURCE, server.port, "/") == 403
        anna.done.set()
        anna.join(timeout=30)
        offenders = registered(server)
        hydra_relay.close()
        sqlmap_relay.close()
    assert set(offenders) == {HYDRA_SOURCE, SQLMAP_SOURCE}
    assert "csrf_failed" in offenders[HYDRA_SOURCE]  # hydra cannot send a CSRF token
    assert "sql_injection" in offenders[SQLMAP_SOURCE]
    assert anna.statuses and 403 not in anna.statuses
    assert server.traces(ANNA) == []
