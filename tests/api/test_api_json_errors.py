"""Under /api/ every answer is JSON, the refusals of Django and ninja included (#13.5.11).

A non-UUID where a UUID belongs matched no route and answered Django's HTML 404; a method a
path does not take answered ninja's bare 405; an unhandled error Django's HTML 500. An API
client now always receives `{"errors": [{"field", "rule", "message"}]}`, and only a real
failure is logged — as type, view and code lines, nothing of the request (W1).
"""

from __future__ import annotations

import logging
from typing import Any

import pytest
from django.test import Client, override_settings

from privacydesk.register.api import organisations

from .conftest import only_error


@pytest.fixture
def officer(token_for: Any) -> Client:
    return Client(raise_request_exception=False,
                  headers={"Authorization": f"Bearer {token_for('privacy_officer')}"})


@pytest.mark.parametrize("path", [
    "/api/v1/requests/not-a-uuid", "/api/v1/persons/anna/roles", "/api/v1/agreements/x",
    "/api/v1/access/requests/abc/approve", "/api/v1/no-such-thing", "/api/v2/persons",
])
def test_a_path_no_route_matches_answers_json_404(officer: Client, path: str) -> None:
    response = officer.get(path)
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
    assert only_error(response) == {"field": "path", "rule": "exists",
                                    "message": "no such resource"}


def test_a_method_the_path_does_not_take_answers_json_405_with_allow(officer: Client,
                                                                     db: Any) -> None:
    response = officer.delete("/api/v1/organisations")
    assert response.status_code == 405
    assert response["Content-Type"].startswith("application/json")
    assert only_error(response)["field"] == "method"
    assert "GET" in response["Allow"] and "POST" in response["Allow"]


def test_an_unhandled_error_answers_json_500_and_logs_no_request_data(
        officer: Client, personas: Any, monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture) -> None:
    def broken(organisation_id: int) -> Any:
        raise RuntimeError("Anna de Vries, anna.de.vries@example.nl")  # a fault, injected

    monkeypatch.setattr(organisations.lookup, "organisation", broken)
    with caplog.at_level(logging.INFO, logger="privacydesk"):
        response = officer.get(f"/api/v1/organisations/{personas.acme.pk}",
                               REMOTE_ADDR="198.51.100.7", HTTP_USER_AGENT="Anna-Browser/1")
    assert response.status_code == 500
    assert only_error(response)["rule"] == "server"
    (line,) = [r.getMessage() for r in caplog.records if r.name == "privacydesk.errors"]
    assert line.startswith("unhandled builtins.RuntimeError in view api:")
    for trace in ("Anna", "anna.de.vries", "198.51.100.7", "/api/v1/organisations"):
        assert trace not in line


def test_a_refusal_of_the_api_is_json_and_not_logged(
        token_for: Any, db: Any, caplog: pytest.LogCaptureFixture) -> None:
    sales = Client(headers={"Authorization": f"Bearer {token_for('sales')}"})
    with caplog.at_level(logging.DEBUG, logger="privacydesk"):
        response = sales.get("/api/v1/access/requests")  # needs grant_access
    assert response.status_code == 403
    assert only_error(response)["rule"] == "Sec3"
    assert [r for r in caplog.records if r.name == "privacydesk.errors"] == []


@override_settings(GUARD_STORE="memory")
def test_a_banned_address_gets_json_403_from_the_api(officer: Client, db: Any) -> None:
    olaf = Client(REMOTE_ADDR="203.0.113.66")
    for _ in range(5):
        olaf.get("/wp-login.php")
    response = olaf.get("/api/v1/persons")
    assert response.status_code == 403
    assert only_error(response)["rule"] == "W2"
    # Anna's integration, from another address, is not affected.
    assert officer.get("/api/v1/persons").status_code == 200
