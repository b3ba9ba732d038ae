"""Shared test set-up: hypothesis profiles and the test database for every package."""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

# CI: enough examples to find real defects, bounded so the suite stays well under 20 minutes.
settings.register_profile(
    "ci",
    max_examples=int(os.environ.get("HYPOTHESIS_MAX_EXAMPLES", "60")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
settings.load_profile("ci")
