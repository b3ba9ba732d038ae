"""Shared test set-up: hypothesis profiles and the test database for every package."""

from __future__ import annotations

import os
from collections.abc import Callable
from itertools import count
from typing import Any

import pytest
from hypothesis import HealthCheck, settings

# CI: enough examples to find real defects, bounded so the suite stays well under 20 minutes.
settings.register_profile(
    "ci",
    max_examples=int(os.environ.get("HYPOTHESIS_MAX_EXAMPLES", "60")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
settings.load_profile("ci")


@pytest.fixture(autouse=True)
def fresh_guard():
    """Every test starts with no break-in guard state of this process (counters, ban list,
    hashing secrets) and leaves none behind: the guard is rebuilt from the settings."""
    from privacydesk.guard import runtime

    runtime.reset()
    yield
    runtime.reset()


_anchor_files = count(1)


@pytest.fixture(autouse=True)
def own_audit_anchors(settings: Any, tmp_path_factory: Any) -> None:
    """Every test has its own audit anchor file and no anchor sinks (Sec1, vault/anchor.py):
    an anchor written in one test must never be compared with another test's database."""
    base = tmp_path_factory.getbasetemp()
    settings.PRIVACYDESK_AUDIT_ANCHOR_FILE = base / f"audit-anchors-{next(_anchor_files)}.jsonl"
    settings.PRIVACYDESK_AUDIT_ANCHOR_DIR = None
    settings.PRIVACYDESK_AUDIT_ANCHOR_EMAIL = ""
    settings.PRIVACYDESK_AUDIT_ANCHOR_SYSLOG = ""


_staff_numbers = count(1)


@pytest.fixture
def staff_client(db: Any) -> Callable[[str], Any]:
    """A test client signed in as a new staff member of `staff_role` who has done MFA and
    accepted the current protocol (packages with richer needs override this fixture)."""
    from django.test import Client

    from privacydesk.staff import mfa, protocol
    from privacydesk.staff.models import StaffUser

    def make(staff_role: str = "sales") -> Client:
        user = StaffUser.objects.create_user(
            username=f"{staff_role}-{next(_staff_numbers)}", password=None,
            staff_role=staff_role)
        user.mfa_enabled = True
        user.save()
        user.accept_protocol(protocol.PROTOCOL_VERSION)
        client = Client()
        client.force_login(user)
        session = client.session
        session[mfa.MFA_VERIFIED] = user.pk
        session.save()
        return client

    return make


class Inbox:
    """Every message a test's SMTP server received, parsed (newest last)."""

    def __init__(self) -> None:
        from email.message import EmailMessage

        self.messages: list[EmailMessage] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        from email import message_from_bytes, policy

        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"


@pytest.fixture
def smtp_server(settings: Any) -> Any:
    """A real SMTP server (aiosmtpd) on 127.0.0.1 that Django sends to over SMTP; yields
    its Inbox. Packages wrap it in their own `smtp` fixture with helpers for their mails."""
    import socket

    from aiosmtpd.controller import Controller

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    yield inbox
    controller.stop()
