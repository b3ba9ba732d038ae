"""W2 item 6: real attack tools against a real gunicorn (three workers) on loopback.

hydra brute-forces the staff login from 127.0.0.2 while sqlmap attacks a query parameter of
the public contact page from 127.0.0.4, both at once. (Not the form's `message`: what a person
writes in a form is never evidence of an attack, #13.5.4 — tests/guard/test_free_text.py.) Both
attackers end up registered and blocked; sqlmap finds no injection. Anna browses from
127.0.0.3 all the while: she is never blocked and no file of the server (database, WAL, log)
contains her address (W1).

The tools are Debian packages `hydra` and `sqlmap`; this test fails when they are missing.
The counters live in the database here (no REDIS_URL), the store without Redis.
"""

from __future__ import annotations

import shutil
import subprocess
import threading
import time

import pytest

from .live import (
    Relay,
    gunicorn,
    request,
    requests_in_distinct_workers,
    until_every_worker_refreshed_its_bans,
)

pytestmark = [pytest.mark.slow, pytest.mark.live]
HYDRA_SOURCE = "127.0.0.2"
ANNA = "127.0.0.3"
SQLMAP_SOURCE = "127.0.0.4"


class Browsing(threading.Thread):
    """Anna reads a few pages every fifth of a second until told to stop."""

    def __init__(self, port: int) -> None:
        super().__init__(daemon=True)
        self.port, self.statuses, self.done = port, [], threading.Event()

    def run(self) -> None:
        while not self.done.is_set():
            for path in ("/", "/nl/contact/", "/staff/login/"):
                self.statuses.append(request(ANNA, self.port, path))
            time.sleep(0.2)


def hydra(port: int, words) -> subprocess.Popen:
    return subprocess.Popen(
        ["hydra", "-l", "admin", "-P", str(words), "-s", str(port), "-t", "4", "-I",
         "127.0.0.1", "http-post-form", "/staff/login/:username=^USER^&password=^PASS^:F=403"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def sqlmap(port: int, output_dir) -> subprocess.Popen:
    # Bounded: one parameter, boolean/error/UNION techniques at level 1 and risk 1, one
    # thread, short timeouts, no retries; fresh session every run.
    url = f"http://127.0.0.1:{port}/en/contact/?id=1"
    return subprocess.Popen(
        ["sqlmap", "-u", url, "-p", "id",
         "--batch", "--flush-session", "--output-dir", str(output_dir), "--disable-coloring",
         "--level", "1", "--risk", "1", "--technique", "BEU", "--threads", "1",
         "--timeout", "5", "--retries", "0"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def test_hydra_and_sqlmap_are_registered_and_blocked_and_anna_leaves_no_trace(live_template,
                                                                             tmp_path):
    for tool in ("hydra", "sqlmap"):
        assert shutil.which(tool), f"install the Debian package {tool!r} to run this check"
    words = tmp_path / "passwords.txt"
    words.write_text("\n".join(f"guess{i}" for i in range(40)) + "\n")
    with gunicorn(live_template, tmp_path) as server:
        anna = Browsing(server.port)
        anna.start()
        relays = [Relay(HYDRA_SOURCE, server.port), Relay(SQLMAP_SOURCE, server.port)]
        attacks = [hydra(relays[0].port, words), sqlmap(relays[1].port, tmp_path / "sqlmap")]
        hydra_out, sqlmap_out = (attack.communicate(timeout=120)[0] for attack in attacks)
        until_every_worker_refreshed_its_bans()
        for attacker in (HYDRA_SOURCE, SQLMAP_SOURCE):
            assert requests_in_distinct_workers(attacker, server.port, ["/"] * 3) == [403] * 3
        anna.done.set()
        anna.join(timeout=30)
        offenders = server.offenders()
        traces = server.traces(ANNA)
        for relay in relays:
            relay.close()
    assert "valid password found" not in hydra_out.replace("0 valid password", "")
    assert "identified the following injection point" not in sqlmap_out
    assert "is vulnerable" not in sqlmap_out and "might be injectable" not in sqlmap_out
    assert set(offenders) == {HYDRA_SOURCE, SQLMAP_SOURCE}
    assert set(offenders[HYDRA_SOURCE]) == {"csrf_failed"}  # hydra cannot send a CSRF token
    # sqlmap is caught by its payloads in a parameter that is no free text.
    assert "sql_injection" in offenders[SQLMAP_SOURCE]
    assert "csrf_failed" not in offenders[SQLMAP_SOURCE]
    assert anna.statuses and 403 not in anna.statuses
    assert traces == []
