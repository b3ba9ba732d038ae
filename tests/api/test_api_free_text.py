"""What an API client searches for is free text, not an attack (#13.5.4, W2).

An integration looks up d'Andrea by e-mail address and the disclosure log by a recipient
whose name holds a quote; before, each such call was an SQL-injection signal for the
break-in guard and the fifth banned the integration's address from the whole site.
"""

from __future__ import annotations

from typing import Any

from django.test import Client

from privacydesk.guard.models import Offender

INTEGRATION = "198.51.100.9"


def test_searching_by_an_address_or_recipient_with_a_quote_is_not_an_attack(
        token_for: Any, personas: Any) -> None:
    sync = Client(REMOTE_ADDR=INTEGRATION,
                  headers={"Authorization": f"Bearer {token_for('privacy_officer')}"})
    for _ in range(5):  # the threshold is 5 signals
        assert sync.get("/api/v1/persons", {"email": "d'andrea' or '1'='1@example.nl"}) \
            .status_code == 200
        assert sync.get("/api/v1/disclosures", {"recipient": "O'Brien' or 'x"}) \
            .status_code == 200
    assert not Offender.objects.exists()
    assert Client(REMOTE_ADDR=INTEGRATION).get("/nl/").status_code == 200
