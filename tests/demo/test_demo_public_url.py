"""Issue #15: the links in the demo's and a local server's e-mails (request confirmation,
downloads, consents) point at the address actually served — its `--port` — unless the
operator set PRIVACYDESK_PUBLIC_URL, which always wins."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.conf import settings

from privacydesk.jobs import worker
from privacydesk.requests import intake
from privacydesk.server import public_url
from privacydesk.server import serve as serving
from tests.console import run_privacydesk


@pytest.fixture
def no_server(monkeypatch: Any) -> list[tuple[Any, ...]]:
    """Serving is recorded instead of started; PRIVACYDESK_PUBLIC_URL starts unset."""
    calls: list[tuple[Any, ...]] = []
    monkeypatch.setattr(serving, "run", lambda *args: calls.append(args))
    monkeypatch.setattr(worker, "start_beside_server", lambda: None)
    monkeypatch.setenv(public_url.NAME, "")  # unset for `adopt`; restored afterwards
    monkeypatch.setattr(settings, "PRIVACYDESK_PUBLIC_URL", "http://127.0.0.1:8000")
    return calls


def test_the_demo_on_port_8123_mails_links_to_port_8123(db, no_server, smtp_server):
    result = run_privacydesk("demo", "--people", "0", "--port", "8123")
    assert result.exit_code == 0, result.output
    assert no_server and no_server[0][1] == 8123
    assert "links in e-mails use http://127.0.0.1:8123/" in result.output
    assert settings.PRIVACYDESK_PUBLIC_URL == "http://127.0.0.1:8123"
    # A request's confirmation link, as the demo visitor gets it.
    from privacydesk.register import services as register

    person = register.create_person(actor="test", purpose="callback", source="contact_form")
    register.add_role(person, "prospect", actor="test")
    register.add_datum(person, "email", {"address": "lisa@example.nl"}, source="contact_form",
                       purpose="callback", basis="consent", actor="test")
    intake.file_web_request(kind="access", name="Lisa", email="lisa@example.nl")
    link = re.search(r"https?://\S+/requests/confirm/",
                     smtp_server.messages[-1].get_content())
    assert link and link.group(0).startswith("http://127.0.0.1:8123/")


def test_serve_adopts_its_scheme_and_port(db, no_server):
    result = run_privacydesk("serve", "--port", "9001", "--host", "0.0.0.0")  # noqa: S104
    assert result.exit_code == 0, result.output
    assert settings.PRIVACYDESK_PUBLIC_URL == "http://127.0.0.1:9001"


def test_a_public_url_the_operator_set_always_wins(db, no_server, monkeypatch):
    monkeypatch.setenv(public_url.NAME, "https://privacy.example.nl")
    monkeypatch.setattr(settings, "PRIVACYDESK_PUBLIC_URL", "https://privacy.example.nl")
    result = run_privacydesk("serve", "--port", "9002")
    assert result.exit_code == 0, result.output
    assert settings.PRIVACYDESK_PUBLIC_URL == "https://privacy.example.nl"
    assert "links in e-mails use https://privacy.example.nl/" in result.output


@pytest.mark.parametrize(("scheme", "host", "port", "url"), [
    ("http", "127.0.0.1", 8000, "http://127.0.0.1:8000"),
    ("https", "0.0.0.0", 8443, "https://127.0.0.1:8443"),  # noqa: S104
    ("http", "::", 8080, "http://[::1]:8080"),
    ("http", "::1", 8080, "http://[::1]:8080"),
    ("http", "privacy.local", 80, "http://privacy.local:80"),
])
def test_the_served_address_for_each_binding(scheme, host, port, url):
    assert public_url.served_url(scheme, host, port) == url
