"""Schemathesis over the published OpenAPI document: no input makes the API fail (#13.5.10).

The attack of issue #13 ran schemathesis (18,337 requests) against `/api/v1/openapi.json`
with a privacy officer's token and found server errors. This test does the same in the
suite, bounded: every operation of the document, a few generated cases each (valid and
invalid input), sent through the WSGI application with a privacy officer's token on the
real test database, with the personas in it. Each answer must not be a server error (5xx),
and no unhandled error may be logged.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, settings

from privacydesk.project.api import api

schema = schemathesis.openapi.from_dict(api.get_openapi_schema())
schema.app = WSGIHandler()


@pytest.fixture
def officer_headers(token_for: Any, personas: Any) -> Iterator[dict[str, str]]:
    """A privacy officer's token; the WSGI handler keeps the test's database connection
    (as Django's test client does), so the cases see the personas and roll back after."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield {"Authorization": f"Bearer {token_for('privacy_officer')}",
               "Host": "testserver"}
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(max_examples=2, deadline=None, derandomize=True, database=None,
          phases=[Phase.explicit, Phase.generate],
          suppress_health_check=list(HealthCheck))
def test_no_generated_request_makes_the_api_fail(case: Any, officer_headers: dict[str, str],
                                                 caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.ERROR, logger="privacydesk"):
        response = case.call(headers=officer_headers)
    assert response.status_code < 500, (case.method, case.formatted_path, case.query,
                                        case.body, response.text[:500])
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == []
