"""Shared test set-up: hypothesis profiles and the test database for every package."""

from __future__ import annotations

import os

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
