"""Guard test helpers: a Redis prefix of its own, request factories, the live servers' database
(the fresh guard per test is the autouse fixture of tests/conftest.py)."""

from __future__ import annotations

import uuid

import pytest
import redis
from django.test import RequestFactory

REDIS_URL = "redis://127.0.0.1:6379/0"


@pytest.fixture
def redis_prefix():
    """A key prefix used by this test only; every key under it is deleted afterwards."""
    prefix = f"pdtest:guard:{uuid.uuid4().hex}"
    yield prefix
    client = redis.Redis.from_url(REDIS_URL)
    for key in client.scan_iter(match=f"{prefix}:*", count=1000):
        client.delete(key)


@pytest.fixture(scope="session")
def live_template(tmp_path_factory):
    """A migrated SQLite data directory for the live servers, made once per session."""
    from .live import migrated_data_dir

    return migrated_data_dir(tmp_path_factory.mktemp("guard-live-template"))


def request_from(address: str, path: str = "/", forwarded_for: str | None = None, **params):
    extra = {"REMOTE_ADDR": address}
    if forwarded_for:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded_for
    return RequestFactory().get(path, params, **extra)


# Signed-in staff for the register pages: the staff package's own helpers.
from tests.staff.conftest import cheap_argon2, make_staff, staff_client  # noqa: E402,F401
