"""The public website under load: wrk against gunicorn on loopback, on PostgreSQL.

    .venv/bin/python bench/bench_web.py [--seconds 10] [--workers 2] [--connections 16]

Measures requests per second for
- GET /nl/            the privacy statement rendered from the policy (goal >= 0.8x baseline)
- POST /nl/contact/   a valid contact form: person, role, three data, callback, audit
                      entries and a confirmation mail queued (reported, no goal)
each as a ratio to a trivial Django view served by the same gunicorn in the same run
(bench/bench_urls.py). Prints a markdown table and, last, one JSON line.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_lookup import _free_port, _wait_for  # noqa: E402
from common import PG_SERVER, ROOT, Row, markdown_table  # noqa: E402

STATEMENT_GOAL = 0.8
CONTACT = {"given_names": "Bram", "family_name": "Bakker", "phone": "06 12345678",
           "email": "bram.bench@example.nl", "organisation": "",
           "message": "Bel mij over een onderhoudscontract.", "callback": "on", "website": ""}


def _wrk(url: str, seconds: int, connections: int, script: Path | None = None) -> float:
    """Run wrk and return its requests per second."""
    args = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency"]
    if script is not None:
        args += ["-s", str(script)]
    out = subprocess.run([*args, url], check=True, capture_output=True, text=True).stdout
    match = re.search(r"Requests/sec:\s+([\d.]+)", out)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if errors:
        raise RuntimeError(f"{url}: {errors.group(1)} failed responses\n{out}")
    assert match, out
    return float(match.group(1))


def _contact_script(base: str, folder: Path) -> Path:
    """A wrk Lua script that POSTs the contact form with a valid CSRF cookie and token."""
    with urllib.request.urlopen(base + "/nl/contact/") as response:  # noqa: S310
        html = response.read().decode()
        cookie = response.headers["Set-Cookie"].split(";", 1)[0]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    assert token, "no CSRF token on the contact page"
    body = urllib.parse.urlencode({**CONTACT, "csrfmiddlewaretoken": token.group(1)})
    script = folder / "contact.lua"
    script.write_text(
        'wrk.method = "POST"\n'
        f"wrk.body = {json.dumps(body)}\n"
        'wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"\n'
        f'wrk.headers["Cookie"] = {json.dumps(cookie)}\n'
        'wrk.headers["Accept"] = "text/html"\n')
    return script


def run(seconds: int, workers: int, connections: int) -> dict[str, Any]:
    import psycopg

    data_dir = Path(tempfile.mkdtemp(prefix="bench-web-"))
    db = f"bench_web_{os.getpid()}"
    env = {k: v for k, v in os.environ.items() if not k.startswith("PRIVACYDESK_")}
    env.update(PRIVACYDESK_DATA_DIR=str(data_dir), DATABASE_URL=f"{PG_SERVER}/{db}",
               DJANGO_SETTINGS_MODULE="bench_settings",
               PYTHONPATH=os.pathsep.join([str(ROOT / "bench"), str(ROOT)]))
    with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{db}"')
    server = None
    try:
        subprocess.run([sys.executable, "-m", "django", "migrate", "-v0"], env=env, check=True,
                       cwd=ROOT)
        port = _free_port()
        code = ("from privacydesk.server.serve import run; "
                f"run('127.0.0.1', {port}, {workers})")
        server = subprocess.Popen([sys.executable, "-c", code], env=env, cwd=ROOT,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _wait_for(port, server)
        base = f"http://127.0.0.1:{port}"
        for path in ("/bench/trivial/", "/nl/", "/nl/contact/"):  # warm every worker
            for _ in range(workers * 4):
                urllib.request.urlopen(base + path).read()  # noqa: S310
        trivial = _wrk(base + "/bench/trivial/", seconds, connections)
        statement = _wrk(base + "/nl/", seconds, connections)
        contact = _wrk(base + "/nl/contact/", seconds, connections,
                       _contact_script(base, data_dir))
        trivial_after = _wrk(base + "/bench/trivial/", seconds, connections)
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')
        shutil.rmtree(data_dir, ignore_errors=True)
    baseline = (trivial + trivial_after) / 2  # the baseline before and after, averaged
    return {"trivial": baseline, "statement": statement, "contact_post": contact,
            "workers": workers, "connections": connections, "seconds": seconds}


def rows(result: dict[str, Any]) -> list[Row]:
    base = result["trivial"]
    ratio = result["statement"] / base
    return [
        Row("postgres", "GET /nl/ (statement) req/s", f"{result['statement']:.0f}",
            f"{base:.0f}", f"{ratio:.2f}x", f">= {STATEMENT_GOAL}x", ratio >= STATEMENT_GOAL),
        Row("postgres", "POST /nl/contact/ req/s", f"{result['contact_post']:.0f}",
            f"{base:.0f}", f"{result['contact_post'] / base:.2f}x", "(reported)", None),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description="wrk benchmark of the public website")
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--connections", type=int, default=16)
    args = parser.parse_args()
    result = run(args.seconds, args.workers, args.connections)
    print(markdown_table(rows(result)))
    print(json.dumps(result))


if __name__ == "__main__":
    main()
