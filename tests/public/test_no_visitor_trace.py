"""W1: a visit leaves no trace. A real gunicorn (`privacydesk serve`) is visited from a
distinctive loopback address with a distinctive browser string; every public page is opened
and every form submitted (valid, invalid, bot). Afterwards neither the address nor the
browser string is anywhere: not in the SQLite database or its WAL, not in any file of the
data folder, not in the server's output. What the person typed is stored (the control).

The server always runs on SQLite here, whatever DATABASE_URL says, so the database is one
file that can be searched byte for byte.
"""

from __future__ import annotations

import http.client
import re
import socket
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest

from privacydesk.policy.active import get_policy

VISITOR_ADDRESS = "127.0.0.7"
USER_AGENT = "W1ProbeBrowser/7.7 (distinctive-agent-5f2b9c)"
PAGES = ["/", "/nl/", "/en/", "/nl/contact/", "/en/contact/", "/nl/request/",
         "/en/request/", "/nl/concern/", "/en/concern/", "/nl/thanks/contact/",
         "/en/thanks/concern/", "/static/public/site.css", "/no-such-page/", "/staff/"]
TYPED_NAME = "Wolkenkrabber"  # Bram's (made-up) family name: this must be stored


class Visitor:
    """A browser from 127.0.0.7 that keeps its cookies, like a person's browser would."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: dict[str, str] | None = None) -> Any:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30,
                                          source_address=(VISITOR_ADDRESS, 0))
        headers = {"User-Agent": USER_AGENT, "Accept": "text/html",
                   "Accept-Language": "en-GB,en;q=0.8"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        data = None
        if body is not None:
            data = urlencode(body)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"http://127.0.0.1:{self.port}{path}"
        conn.request(method, path, body=data, headers=headers)
        response = conn.getresponse()
        content = response.read()
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        conn.close()
        return response.status, content.decode("utf-8", "replace")

    def submit(self, path: str, fields: dict[str, str]) -> int:
        status, html = self.request("GET", path)
        assert status == 200
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
        assert token is not None
        status, _ = self.request("POST", path, {**fields,
                                                "csrfmiddlewaretoken": token.group(1)})
        return int(status)


def _raw_bad_request(port: int) -> None:
    # A malformed request makes gunicorn log "Invalid request from ip=...": it must not.
    with socket.create_connection(("127.0.0.1", port), source_address=(VISITOR_ADDRESS, 0),
                                  timeout=10) as s:
        s.sendall(b"BREW /coffee HTCPCP/1.0\r\nUser-Agent: " + USER_AGENT.encode() +
                  b"\r\n\r\n")
        s.recv(1024)


def _every_file(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file()]


def _hits(paths: list[Path], needle: str) -> list[str]:
    found = []
    variants = {needle.encode(), needle.encode("utf-16-le")}
    for path in paths:
        data = path.read_bytes()
        if any(v in data for v in variants):
            found.append(str(path))
    return found


@pytest.mark.slow
@pytest.mark.live
def test_visits_and_form_posts_leave_no_address_and_no_browser_string(
        tmp_path: Path, realserver: Any) -> None:
    try:  # the loopback alias must exist for the test to mean anything
        with socket.socket() as probe:
            probe.bind((VISITOR_ADDRESS, 0))
    except OSError as exc:  # pragma: no cover - Linux routes all of 127/8 to lo
        raise AssertionError(f"cannot bind {VISITOR_ADDRESS}: {exc}")

    from aiosmtpd.controller import Controller

    mails: list[bytes] = []

    class Sink:
        async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
            mails.append(envelope.content)
            return "250 OK"

    smtp = Controller(Sink(), hostname="127.0.0.1", port=realserver.free_port())
    smtp.start()
    data_dir = tmp_path / "data"
    try:
        with realserver.running(data_dir, PRIVACYDESK_SMTP_URL=f"smtp://127.0.0.1:{smtp.port}"
                                ) as server:
            _visit_everything(server.port)
    finally:
        smtp.stop()
    assert len(mails) == 2  # the callback and the request were confirmed over SMTP
    (tmp_path / "mails.eml").write_bytes(b"\n".join(mails))

    files = _every_file(data_dir) + [server.stdout, server.stderr, tmp_path / "mails.eml"]
    assert any(p.name.startswith("privacydesk.sqlite3") for p in files)
    assert _hits(files, TYPED_NAME), "control: what Bram typed must be stored"
    assert _hits(files, VISITOR_ADDRESS) == []
    assert _hits(files, USER_AGENT) == []
    assert _hits(files, "distinctive-agent") == []


def _visit_everything(port: int) -> None:
    """Open every public page and send every form, as one visitor from 127.0.0.7."""
    visitor = Visitor(port)
    for page in PAGES:
        status, _ = visitor.request("GET", page)
        assert status in (200, 302, 404), page
    assert visitor.submit("/nl/contact/", {
        "given_names": "Bram", "family_name": TYPED_NAME, "phone": "06 12345678",
        "email": "bram@example.nl", "organisation": "", "message": "Bel mij",
        "callback": "on", "website": ""}) == 302
    assert visitor.submit("/en/contact/", {  # invalid: shown again, nothing stored
        "given_names": "", "family_name": "", "phone": "x", "email": "x",
        "message": "", "website": ""}) == 400
    assert visitor.submit("/nl/request/", {
        "kind": "access", "name": "Anna de Vries", "email": "anna@example.nl",
        "message": "", "website": ""}) == 302
    assert visitor.submit("/en/concern/", {
        "description": "Strange e-mail", "name": "", "email": "", "website": ""}) == 302
    assert visitor.submit("/nl/contact/", {  # a bot
        "given_names": "Bot", "family_name": "Bot", "phone": "0612345678",
        "email": "bot@example.nl", "message": "spam", "callback": "on",
        "website": "http://spam.example"}) == 302
    status, _ = visitor.request("POST", "/nl/contact/", {"given_names": "no csrf"})
    assert status == 403
    _raw_bad_request(port)


def test_the_example_proxy_configs_keep_no_access_log() -> None:
    deploy = Path(__file__).resolve().parents[2] / "deploy"
    nginx = (deploy / "nginx.conf").read_text()
    assert re.search(r"^\s*access_log\s+off;", nginx, re.M)
    assert "$remote_addr" not in nginx and "$http_user_agent" not in nginx
    caddy = (deploy / "Caddyfile").read_text()
    assert "log" not in re.sub(r"#.*", "", caddy)  # Caddy logs no requests unless told to
    gunicorn = (deploy / "gunicorn.conf.py").read_text()
    assert re.search(r"^accesslog\s*=\s*None", gunicorn, re.M)
    assert get_policy().controller.name  # the configs serve this controller's site
