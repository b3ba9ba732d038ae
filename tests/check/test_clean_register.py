"""On a clean register every promise that can be verified passes, and nothing that was
not verified is ever reported as passing."""

from __future__ import annotations

import pytest

from privacydesk.check import FAIL, IDLE, NOT_VERIFIABLE, PASS, PROMISES, WARN, run_checks
from privacydesk.check.registry import REGISTRY
from privacydesk.check.runner import load_checks
from privacydesk.policy import render_statement
from privacydesk.policy.active import get_policy

# Not verifiable here, each for a stated reason (see docs/check.md). D3 is verified on the
# disclosure log (tests/check/test_disclosure_log.py).
UNVERIFIABLE = {"Sec2"}
# The personas' register has nothing yet for these to examine: no written contact (P2), no
# ended agreement (R3), no disclosure on consent (D3), no answered access, rectification,
# erasure or portability request (Rt1-Rt4), no server access (A1, A2). Idle, never "pass".
IDLE_ON_PERSONAS = {"P2", "R3", "D3", "Rt1", "Rt2", "Rt3", "Rt4", "A1", "A2"}


def test_every_promise_of_the_statement_has_a_check():
    load_checks()
    assert set(REGISTRY) == set(PROMISES)


def test_every_promise_the_statement_tags_is_a_checked_promise():
    html = render_statement(get_policy(), lang="nl", fmt="html")
    tagged = {pid for chunk in html.split('data-promise="')[1:]
              for pid in chunk.split('"', 1)[0].split()}
    assert tagged and tagged <= set(PROMISES)


def test_a_clean_register_passes_every_promise_it_has_something_to_check_for(personas):
    results = {r.promise: r for r in run_checks()}
    assert list(results) == list(PROMISES)
    failing = {p: (r.summary, r.details) for p, r in results.items() if r.status == FAIL}
    assert failing == {}
    for promise, found in results.items():
        if promise in UNVERIFIABLE:
            assert found.status == NOT_VERIFIABLE, promise
            assert found.summary  # the reason
        elif promise == "Rt5":  # no mailbox configured in the test settings
            assert found.status == WARN
        elif promise in IDLE_ON_PERSONAS:
            assert found.status == IDLE, (promise, found.summary)
            assert found.summary.startswith("nothing to check yet"), promise
        else:
            assert found.status == PASS, (promise, found.summary, found.details)


def test_the_checks_look_at_the_register_they_pass(personas):
    by = {r.promise: r for r in run_checks(["C3", "C5", "P2", "W2", "Rt6", "Sec5"])}
    assert by["C3"].summary.startswith("2 rows of financial data")  # Anna's and Carla's
    assert by["C5"].summary.startswith("2 rows of identity data")   # Carla's and Daan's
    assert "1 registered offender" in by["W2"].summary
    assert "1 open request" in by["Rt6"].details
    assert "1 breach" in by["Sec5"].details[0]


def test_a_mailbox_makes_rt5_pass(personas, settings):
    settings.PRIVACYDESK_IMAP_URL = "imaps://requests:secret@127.0.0.1/INBOX"
    assert run_checks(["Rt5"])[0].status == PASS


def test_a_production_configuration_is_checked_for_tls(personas, settings):
    settings.PRIVACYDESK_ENV = "production"
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = True
    settings.SECURE_HSTS_SECONDS = 31536000
    assert run_checks(["Sec2"])[0].status == PASS


def test_an_unknown_promise_id_is_refused():
    with pytest.raises(ValueError, match="unknown promise id 'C9'"):
        run_checks(["C9"])
