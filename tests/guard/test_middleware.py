"""The guard in the request path: signals from real requests, 403 for offenders, proxies, and
no trace of an ordinary visitor (W1, W2)."""

from __future__ import annotations

import pytest
from django.test import Client, override_settings

from privacydesk.guard.models import Counter, Offender
from privacydesk.staff.signals import report_auth_failure

from .conftest import request_from

pytestmark = pytest.mark.django_db
OLAF = "203.0.113.66"
ANNA = "198.51.100.7"
PROXY = "10.0.0.1"


def test_olaf_scanning_for_wordpress_is_registered_and_then_blocked():
    olaf = Client(REMOTE_ADDR=OLAF)
    for path in ["/wp-login.php", "/.env", "/phpmyadmin/", "/.git/config"]:
        assert olaf.get(path).status_code == 404
    assert olaf.get("/xmlrpc.php").status_code == 403
    assert olaf.get("/").status_code == 403
    offender = Offender.objects.get()
    assert offender.address == OLAF
    assert offender.evidence["rules"] == {"attack_path": 5}
    assert Client(REMOTE_ADDR=ANNA).get("/").status_code != 403


def test_sql_injection_in_a_parameter_leaves_the_value_out_of_the_evidence():
    olaf = Client(REMOTE_ADDR=OLAF)
    for _ in range(5):
        olaf.get("/", {"q": "1' OR '1'='1 -- secret-value"})
    offender = Offender.objects.get()
    assert offender.evidence["rules"] == {"sql_injection": 5}
    assert offender.evidence["paths"] == ["/?q="]
    assert "secret-value" not in str(offender.evidence)


def test_csrf_failures_count_as_break_in_signals():
    olaf = Client(REMOTE_ADDR=OLAF, enforce_csrf_checks=True)
    for _ in range(5):
        assert olaf.post("/staff/login/", {"username": "admin", "password": "x"}) \
            .status_code == 403
    assert Offender.objects.get().evidence["rules"] == {"csrf_failed": 5}


def test_refused_staff_passwords_and_codes_count_via_the_staff_signal():
    for kind in ["login", "login", "mfa", "login", "mfa"]:
        report_auth_failure(request_from(OLAF, "/staff/login/"), kind)
    assert Offender.objects.get().evidence["rules"] == {"login_failed": 3, "mfa_failed": 2}


@override_settings(GUARD_FLOOD_POSTS=10, GUARD_FLOOD_SECONDS=60)
def test_a_flood_of_form_posts_is_a_signal():
    olaf = Client(REMOTE_ADDR=OLAF)
    for _ in range(50):
        olaf.post("/", {"message": "buy now"})
    assert Offender.objects.get().evidence["rules"] == {"form_flood": 5}


@override_settings(PRIVACYDESK_TRUSTED_PROXIES=(PROXY,))
def test_behind_a_trusted_proxy_the_forwarded_client_is_blocked_not_the_proxy():
    olaf = Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=OLAF)
    for _ in range(5):
        olaf.get("/.env")
    assert Offender.objects.get().address == OLAF
    anna = Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=ANNA)
    assert anna.get("/").status_code != 403


@override_settings(PRIVACYDESK_TRUSTED_PROXIES=())
def test_a_spoofed_forwarded_for_from_an_untrusted_peer_changes_nothing():
    olaf = Client(REMOTE_ADDR=OLAF, HTTP_X_FORWARDED_FOR=ANNA)
    for _ in range(5):
        olaf.get("/.env")
    assert Offender.objects.get().address == OLAF


def test_an_ordinary_visit_writes_nothing():
    anna = Client(REMOTE_ADDR=ANNA)
    for path in ["/", "/en/", "/staff/login/"]:
        anna.get(path)
    anna.post("/", {"message": "Bel me terug"})
    assert not Offender.objects.exists()
    assert not Counter.objects.exists()


def test_a_few_signals_leave_only_a_keyed_hash_that_names_nobody():
    Client(REMOTE_ADDR=ANNA).get("/wp-login.php")  # Anna followed a bad link, once
    counter = Counter.objects.get()
    assert ANNA not in str(counter.__dict__)
    assert not Offender.objects.exists()


def test_staff_see_the_register_lift_bans_and_export(staff_client):
    olaf = Client(REMOTE_ADDR=OLAF)
    for _ in range(5):
        olaf.get("/.env")
    officer = staff_client("privacy_officer")
    page = officer.get("/staff/guard/")
    assert page.status_code == 200 and OLAF in page.content.decode()
    assert officer.get("/staff/guard/export/").content.decode() == f"{OLAF}\n"
    offender = Offender.objects.get()
    # #15: lifting a ban is confirmed on its own page first (tests/guard/test_lift_confirmation.py)
    assert officer.post(f"/staff/guard/{offender.pk}/lift/",
                        {"confirmed": "1"}).status_code == 302
    assert olaf.get("/").status_code != 403
    officer.post("/staff/guard/allow/", {"network": "192.0.2.0/24", "note": "office"})
    assert "192.0.2.0/24" in officer.get("/staff/guard/").content.decode()


def test_other_staff_roles_do_not_see_the_register(staff_client):
    assert staff_client("sales").get("/staff/guard/").status_code == 403
