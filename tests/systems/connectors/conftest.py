"""The directory's fixtures of the LDAP connector's tests: a fresh subtree of slapd per test,
and the personas seeded in it (tests/systems/connectors/ldap_people.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.systems.connectors.ldap_people import seed
from tests.systems.servers.ldap import Slapd, Tree


@pytest.fixture
def tree(slapd_server: Slapd) -> Iterator[Tree]:
    """A fresh subtree of the module's slapd (`slapd_server`, imported by the test module)."""
    yield slapd_server.tree()


@pytest.fixture
def people(tree: Tree) -> dict[str, str]:
    """The personas seeded in that subtree: DN by persona."""
    return seed(tree)
