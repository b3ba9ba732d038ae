"""`privacydesk guard export|list|lift`: a firewall gets the current bans, staff see the register
and lift a ban from the shell, audited (W2)."""

from __future__ import annotations

import pytest
from django.utils import timezone

from privacydesk.guard import services
from privacydesk.guard.detector import Evidence
from privacydesk.guard.models import Offender
from privacydesk.vault.models import AuditEntry
from tests.console import run_privacydesk

pytestmark = pytest.mark.django_db
OLAF = "203.0.113.66"  # Olaf, the outsider who scanned for WordPress
OLAF_V6 = "2001:db8:1:2::/64"


def register(subject: str, rule: str = "attack_path") -> Offender:
    now = timezone.now().timestamp()
    offender = services.register_offender(
        subject, Evidence(rules={rule: 5}, first_seen=now - 60, last_seen=now,
                          paths=["/wp-login.php"]))
    assert offender is not None
    return offender


def run(*args: str):
    return run_privacydesk("guard", *args)


def test_export_prints_the_banned_addresses_one_per_line_by_default():
    register(OLAF)
    register(OLAF_V6)
    done = run("export")
    assert done.exit_code == 0
    assert done.output == f"{OLAF}\n{OLAF_V6}\n"


def test_export_writes_an_nftables_script_to_a_file_for_cron(tmp_path):
    register(OLAF)
    target = tmp_path / "privacydesk.nft"
    target.write_text("the previous list\n")
    done = run("export", "--format", "nft", "--output", str(target))
    assert done.exit_code == 0
    script = target.read_text()
    assert script == services.export_blocklist("nft")
    assert "elements = { 203.0.113.66 }" in script and "ip saddr @banned_v4 drop" in script
    assert [p.name for p in tmp_path.iterdir()] == ["privacydesk.nft"]  # no temporary left


def test_export_refuses_an_unknown_format():
    done = run_privacydesk("guard", "export", "--format", "csv")
    assert done.exit_code == 2 and "csv" in done.output


def test_list_shows_the_register_with_its_evidence():
    register(OLAF, "sql_injection")
    done = run("list")
    assert done.exit_code == 0
    line = done.output.splitlines()[1]
    assert line.startswith(OLAF) and "sql_injection 5" in line


def test_list_of_an_empty_register_says_so():
    assert run("list").output == "no registered offenders\n"


def test_lift_ends_the_ban_keeps_the_evidence_and_is_audited():
    register(OLAF)
    done = run("lift", OLAF, "--actor", "carla")
    assert done.exit_code == 0 and done.output == f"ban of {OLAF} lifted\n"
    olaf = Offender.objects.get()
    assert olaf.ban_until is None and olaf.lifted_by == "carla"
    assert olaf.evidence["rules"] == {"attack_path": 5}
    assert AuditEntry.objects.filter(object_type="guard.offender", actor="carla").exists()
    assert run("export").output == ""


def test_lift_of_an_ipv6_address_lifts_its_64():
    register(OLAF_V6)
    assert run("lift", "2001:db8:1:2:aaaa::7").exit_code == 0
    assert Offender.objects.get().ban_until is None


def test_lift_of_an_unknown_or_malformed_address_fails_and_changes_nothing():
    register(OLAF)
    unknown = run_privacydesk("guard", "lift", "198.51.100.7")
    assert unknown.exit_code == 1 and "not in the offender register" in unknown.output
    malformed = run_privacydesk("guard", "lift", "the office")
    assert malformed.exit_code == 2 and "ADDRESS" in malformed.output
    assert Offender.objects.get().ban_until is not None
