"""W1: a server error is diagnosable from the log, which still names nothing of the visitor."""

from __future__ import annotations

import logging

import pytest
from django.test import RequestFactory

from privacydesk.diagnostics import ErrorReportMiddleware, describe


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
