"""`privacydesk demo --no-serve` end to end, in-process against the test database."""

from __future__ import annotations

import re

from privacydesk.register.models import Person
from privacydesk.staff.models import StaffUser
from tests.console import run_privacydesk


def test_demo_fills_the_register_and_prints_a_login_once(db):
    result = run_privacydesk("demo", "--no-serve", "--people", "50")
    assert result.exit_code == 0, result.output
    assert "demo register: 50 people" in result.output
    password = re.search(r"user demo\s+password (\S+)", result.output)
    assert password is not None
    assert StaffUser.objects.get(username="demo").check_password(password.group(1))
    assert "otpauth://totp/" in result.output
    # The demo's first sweep removes the people whose every datum was already due (R1).
    gone = int(re.search(r"\((\d+) people entirely\)", result.output).group(1))
    assert Person.objects.count() == 50 - gone

    again = run_privacydesk("demo", "--no-serve", "--people", "50")
    assert again.exit_code == 0, again.output
    assert "demo register: 50 people" in again.output
    assert password.group(1) not in again.output  # shown once, never again
    assert "already exists" in again.output
    # Topped up to 50 again, then the new people's past-due histories are swept too.
    gone = int(re.search(r"\((\d+) people entirely\)", again.output).group(1))
    assert Person.objects.count() == 50 - gone
