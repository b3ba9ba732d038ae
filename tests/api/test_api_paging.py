"""Every list of the API bounds its limit and offset (#13.5.5).

`GET /api/v1/persons?offset=9223372036854775808` reached the database as a number it cannot
hold and answered 500 (an IntegrityError in the log). Now each list route refuses a limit
or offset out of bounds with 422 naming the field, and no list route answers 5xx to any of
them. The routes are enumerated from the API itself, so a new list cannot escape.
"""

from __future__ import annotations

import logging
from typing import Any

import pytest
from django.test import Client

from privacydesk.api.paging import MAX_LIMIT, MAX_OFFSET
from privacydesk.project.api import api

from .conftest import only_error

TOO_BIG = 2**63  # one past the largest signed 64-bit integer

OUT_OF_BOUNDS = [
    ("offset", TOO_BIG), ("offset", MAX_OFFSET + 1), ("offset", -1),
    ("limit", TOO_BIG), ("limit", MAX_LIMIT + 1), ("limit", 0), ("limit", -1),
]


def _list_routes() -> dict[str, set[str]]:
    """Every GET route without path parameters -> the query parameters it declares."""
    paths = api.get_openapi_schema()["paths"]
    return {path: {p["name"] for p in operations["get"].get("parameters", [])
                   if p["in"] == "query"}
            for path, operations in paths.items() if "get" in operations and "{" not in path}


def test_the_lists_named_in_the_issue_are_paged():
    paged = {path for path, params in _list_routes().items() if {"limit", "offset"} <= params}
    assert {"/api/v1/persons", "/api/v1/organisations", "/api/v1/agreements",
            "/api/v1/disclosures", "/api/v1/disclosures/consents"} <= paged


@pytest.mark.parametrize(("field", "value"), OUT_OF_BOUNDS)
def test_every_list_refuses_a_limit_or_offset_out_of_bounds_naming_it(
        field: str, value: int, token_for: Any, personas: Any,
        caplog: pytest.LogCaptureFixture) -> None:
    client = Client(raise_request_exception=False,
                    headers={"Authorization": f"Bearer {token_for('privacy_officer')}"})
    caplog.set_level(logging.ERROR, logger="privacydesk")
    for path, params in _list_routes().items():
        response = client.get(path, {field: value})
        assert response.status_code < 500, (path, response.status_code)
        if field in params:
            assert response.status_code == 422, (path, response.content)
            assert (only_error(response)["field"], only_error(response)["rule"]) == (
                field, "schema"), path
    assert [r for r in caplog.records if r.levelno >= logging.ERROR] == []


def test_the_last_allowed_offset_and_limit_answer_an_empty_page(api_as: Any,
                                                                personas: Any) -> None:
    response = api_as("privacy_officer").get("/persons", offset=MAX_OFFSET, limit=MAX_LIMIT)
    assert response.status_code == 200
    assert response.json()["items"] == []
    assert response.json()["count"] == 5  # Anna, Bram, Carla, Eva, Olaf
