"""A small demo population, generated into the test database for each test that asks."""

from __future__ import annotations

import pytest

from privacydesk.demo import population

DEMO_PEOPLE = 300


@pytest.fixture
def demo_population(db: None) -> population.Population:
    """Generate 300 people with the default seed; return what the register then holds."""
    return population.generate(DEMO_PEOPLE, progress=False)
