"""W1: gunicorn as privacydesk runs it keeps no access log and names no client."""

from __future__ import annotations

import logging

import pytest
from gunicorn.config import Config

from privacydesk.server.serve import PrivateLogger, gunicorn_options, scrub


@pytest.mark.parametrize(
    "line",
    [
        "Invalid request from ip=203.0.113.7: Invalid HTTP method",
        "Invalid request from ip=2001:db8::1: bad",
        "peer fe80::1ff:fe23:4567:890a closed",
        "upstream ::ffff:192.0.2.1 reset",
    ],
)
def test_client_addresses_are_scrubbed_from_error_lines(line: str) -> None:
    cleaned = scrub(line)
    for address in ("203.0.113.7", "2001:db8::1", "fe80::1ff:fe23:4567:890a", "192.0.2.1"):
        assert address not in cleaned
    assert "[address]" in cleaned


def test_times_and_versions_are_not_mistaken_for_addresses() -> None:
    assert scrub("worker booted at 12:30:01 with gunicorn 23.0") == (
        "worker booted at 12:30:01 with gunicorn 23.0"
    )


def test_the_access_log_is_off_in_every_configuration() -> None:
    options = gunicorn_options(["127.0.0.1:8000"], 2)
    assert options["accesslog"] is None
    assert options["logger_class"] == "privacydesk.server.serve.PrivateLogger"


def test_private_logger_writes_no_access_line_and_no_address(
    caplog: pytest.LogCaptureFixture,
) -> None:
    cfg = Config()
    cfg.set("accesslog", "-")  # even if someone turns it on
    log = PrivateLogger(cfg)
    log.access(object(), object(), {"REMOTE_ADDR": "198.51.100.9"}, 0.1)
    log.error_log.propagate = True
    with caplog.at_level(logging.WARNING, logger="gunicorn.error"):
        log.warning("Invalid request from ip=198.51.100.9: nope")
    assert "198.51.100.9" not in caplog.text
