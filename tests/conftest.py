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
