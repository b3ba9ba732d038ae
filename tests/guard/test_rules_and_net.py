"""Which requests are break-in signals, and whose address a request is (W2 items 1 and 4)."""

from __future__ import annotations

import pytest

from privacydesk.guard import net, rules


@pytest.mark.parametrize("path", ["/wp-login.php", "/.env", "/phpmyadmin/index.php",
                                  "/.git/config", "/cgi-bin/luci", "/xmlrpc.php"])
def test_well_known_attack_paths_are_signals(path):
    assert rules.inspect_request(path, path, []) == [rules.ATTACK_PATH]


@pytest.mark.parametrize("value, rule", [
    ("1' OR '1'='1", rules.SQL_INJECTION),
    ("1 UNION SELECT username, password FROM staff", rules.SQL_INJECTION),
    ("1 AND SLEEP(5)", rules.SQL_INJECTION),
    ("<script>alert(1)</script>", rules.SCRIPT_INJECTION),
    ('"><img src=x onerror=alert(1)>', rules.SCRIPT_INJECTION),
    ("../../../../etc/passwd", rules.TRAVERSAL),
    ("%2e%2e%2f%2e%2e%2fetc", rules.TRAVERSAL),
])
def test_injection_patterns_in_parameters_are_signals(value, rule):
    assert rule in rules.inspect_request("/contact/", "/contact/", [value])


@pytest.mark.parametrize("value", [
    "Anna de Vries", "anna@example.nl", "Eeldersingel 40, 9726 AS Groningen", "+31 50 123 4567",
    "Graag teruggebeld na 17:00 (niet op vrijdag).", "O'Brien", "Dit is 100% waar - echt!",
    "https://www.example.nl/pagina?id=3", "2026-11-25",
])
def test_what_people_really_type_is_not_a_signal(value):
    assert rules.inspect_request("/contact/", "/contact/", [value]) == []


def test_evidence_keeps_the_path_and_parameter_names_never_values():
    shown = rules.evidence_path("/staff/login/", ["password", "username"])
    assert shown == "/staff/login/?password=&username="


def test_ipv6_counts_per_64_and_ipv4_as_written():
    assert net.subject_of("2001:db8:1:2:aaaa::1") == "2001:db8:1:2::/64"
    assert net.subject_of("2001:db8:1:2:ffff::9") == "2001:db8:1:2::/64"
    assert net.subject_of("::ffff:192.0.2.9") == "192.0.2.9"
    assert net.subject_of("192.0.2.9") == "192.0.2.9"
    assert net.subject_of("not-an-address") is None


def test_forwarded_for_is_believed_only_from_a_trusted_proxy():
    resolver = net.ClientResolver(["10.0.0.1"])
    assert resolver.client_address("10.0.0.1", "198.51.100.7") == "198.51.100.7"
    # Olaf connects directly and claims to be someone else: nothing changes.
    assert resolver.client_address("203.0.113.66", "198.51.100.7") == "203.0.113.66"


def test_forwarded_for_is_read_right_to_left_past_trusted_hops():
    resolver = net.ClientResolver(["10.0.0.0/8"])
    # Olaf prepends a fake hop; the proxy appends the real peer it saw.
    chain = "198.51.100.7, 203.0.113.66, 10.0.0.2"
    assert resolver.client_address("10.0.0.1", chain) == "203.0.113.66"


def test_without_trusted_proxies_the_peer_is_the_client():
    assert net.ClientResolver().client_address("203.0.113.66", "1.2.3.4") == "203.0.113.66"
