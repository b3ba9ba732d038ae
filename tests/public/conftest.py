"""Public-site test set-up: a real SMTP server (aiosmtpd) on loopback, the mail settings
pointed at it, and a browser-like client with CSRF checks switched on."""

from __future__ import annotations

import socket
import sys
from collections.abc import Iterator
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from django.test import Client


class Mailbox:
    """Collects every message the SMTP server receives, parsed."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def smtp(settings: Any) -> Iterator[Mailbox]:
    """A real SMTP server on 127.0.0.1; Django sends to it over SMTP."""
    box = Mailbox()
    controller = Controller(box, hostname="127.0.0.1", port=_free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", controller.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    yield box
    controller.stop()


@pytest.fixture
def browser_client() -> Client:
    """A client that, like a browser, must carry the CSRF token."""
    return Client(enforce_csrf_checks=True)


def csrf_post(client: Client, url: str, data: dict[str, Any]) -> Any:
    """GET the form page, then POST `data` with its CSRF token, as a browser does."""
    page = client.get(url)
    token = page.context["csrf_token"] if page.context else client.cookies["csrftoken"].value
    return client.post(url, {**data, "csrfmiddlewaretoken": str(token)})


@pytest.fixture
def post_form() -> Any:
    return csrf_post


@pytest.fixture(scope="session")
def realserver() -> Any:
    """The helpers that run the real `privacydesk serve` (see realserver.py)."""
    import importlib.util
    from pathlib import Path

    spec = importlib.util.spec_from_file_location(
        "privacydesk_tests_realserver", Path(__file__).with_name("realserver.py"))
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module
