"""W1: a server error is diagnosable from the log, which still names nothing of the visitor."""

from __future__ import annotations

import logging

import pytest
from django.test import RequestFactory

from privacydesk.project.diagnostics import ErrorReportMiddleware, describe


def _raise_with_typed_data() -> None:
    raise ValueError("duplicate key value (anna@example.nl)")


def test_the_log_line_names_type_view_and_code_but_not_the_message() -> None:
    try:
        _raise_with_typed_data()
    except ValueError as exc:
        line = describe(exc, "public:contact")
    assert "builtins.ValueError" in line and "public:contact" in line
    assert "test_diagnostics.py:" in line
    assert "anna@example.nl" not in line


def test_the_middleware_logs_no_address_no_agent_no_path(
    caplog: pytest.LogCaptureFixture,
) -> None:
    request = RequestFactory().post(
        "/nl/contact/?email=anna@example.nl", REMOTE_ADDR="203.0.113.99",
        HTTP_USER_AGENT="Persona-Browser/9.9")
    middleware = ErrorReportMiddleware(lambda r: None)  # type: ignore[arg-type,return-value]
    try:
        _raise_with_typed_data()
    except ValueError as exc:
        with caplog.at_level(logging.ERROR, logger="privacydesk.errors"):
            middleware.process_exception(request, exc)
    assert "ValueError" in caplog.text
    for trace in ("203.0.113.99", "Persona-Browser", "anna@example.nl", "/nl/contact/"):
        assert trace not in caplog.text


@pytest.mark.django_db
def test_a_refusal_is_not_logged_as_an_unhandled_error(
    staff_client, caplog: pytest.LogCaptureFixture,
) -> None:
    """#13.5.11: a 403 (PermissionDenied) is an answer, not a failure; and a line per refusal
    would be a trace of the visit (W1)."""
    carla = staff_client("sales")  # a salesperson has no business in the guard's register
    with caplog.at_level(logging.DEBUG, logger="privacydesk"):
        assert carla.get("/staff/guard/").status_code == 403
        assert carla.get("/staff/persons/00000000-0000-0000-0000-000000000000/") \
            .status_code == 404
    assert [r.getMessage() for r in caplog.records if r.name == "privacydesk.errors"] == []


def test_the_middleware_still_logs_a_real_failure(caplog: pytest.LogCaptureFixture) -> None:
    middleware = ErrorReportMiddleware(lambda r: None)  # type: ignore[arg-type,return-value]
    try:
        _raise_with_typed_data()
    except ValueError as exc:
        with caplog.at_level(logging.ERROR, logger="privacydesk.errors"):
            middleware.process_exception(RequestFactory().get("/"), exc)
    assert [r.levelno for r in caplog.records] == [logging.ERROR]
