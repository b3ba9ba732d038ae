"""The back office's menu shows each staff member the capabilities their role may use."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse


@pytest.mark.parametrize(("staff_role", "shown", "hidden"), [
    ("privacy_officer", ["Disclosures", "Server access", "Incidents"], []),
    ("service_engineer", ["Disclosures", "Server access"], ["Incidents"]),
    ("hr", [], ["Disclosures", "Server access"]),
])
def test_the_menu_follows_the_policy_permissions(staff_client: Any, staff_role: str,
                                                 shown: list[str], hidden: list[str]) -> None:
    page = staff_client(staff_role).get(reverse("staff:dashboard"), HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    text = page.content.decode()
    for label in shown:
        assert f">{label}</a>" in text, label
    for label in hidden:
        assert f">{label}</a>" not in text, label
