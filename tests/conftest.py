"""Shared test set-up: hypothesis profiles and the test database for every package."""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import datetime
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


# One notion of today (#13.1): scripts/test.sh runs the tests marked `dates` again with the
# clock frozen at a moment where a UTC date and the policy's date differ (23:30 in Amsterdam)
# or a DST change is near. The clock ticks on from there, so timeouts still work.
def _test_clock() -> datetime | None:
    text = os.environ.get("PRIVACYDESK_TEST_CLOCK", "")
    if not text:
        return None
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        raise pytest.UsageError("PRIVACYDESK_TEST_CLOCK needs an offset, e.g. "
                                "2026-12-06T22:30:00+00:00")
    return moment


TEST_CLOCK = _test_clock()
_session_clock: Any = None
if TEST_CLOCK is not None:
    # Started on import: this file is imported before every other conftest and test module,
    # so a constant computed at import (a conftest's TODAY) names the frozen day too.
    import time_machine

    _session_clock = time_machine.travel(TEST_CLOCK, tick=True)
    _session_clock.start()


def pytest_unconfigure(config: pytest.Config) -> None:
    if _session_clock is not None:
        _session_clock.stop()


def pytest_report_header(config: pytest.Config) -> str | None:
    if TEST_CLOCK is None:
        return None
    return f"frozen clock: every test marked 'dates' starts at {TEST_CLOCK.isoformat()}"


@pytest.fixture(autouse=True)
def frozen_clock(request: pytest.FixtureRequest) -> Any:
    """Move the clock to PRIVACYDESK_TEST_CLOCK (an ISO moment with an offset) at the start of
    every test marked `dates`; without the variable, or for other tests, nothing changes."""
    if TEST_CLOCK is None or request.node.get_closest_marker("dates") is None:
        yield None
        return
    import time_machine

    with time_machine.travel(TEST_CLOCK, tick=True) as traveller:
        yield traveller


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
