"""Call-queue test set-up: Bram's callback request as the contact form files it, signed-in
staff (password + MFA + protocol, as the middleware demands), and a real SMTP server."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from privacydesk.callbacks.models import CallbackRequest
from privacydesk.public import services as public
from privacydesk.register import services as register

BRAM = {"given_names": "Bram", "family_name": "Bakker", "phone": "+31612345678",
        "email": "bram.bakker@example.nl", "organisation": "",
        "message": "Bel mij over een onderhoudscontract."}


@pytest.fixture
def smtp(smtp_server: Any) -> Any:
    """A real SMTP server (aiosmtpd) on loopback that Django sends to (tests/conftest.py)."""
    return smtp_server


@pytest.fixture
def bram_callback(db: Any) -> CallbackRequest:
    """Bram asked on the Dutch contact form to be called back."""
    return public.file_contact(dict(BRAM), "nl")


@pytest.fixture
def with_address() -> Callable[[CallbackRequest], None]:
    def add(callback: CallbackRequest) -> None:
        register.add_datum(callback.person, "address",
                           {"street": "Herestraat", "house_number": "12",
                            "postcode": "9711 LM", "city": "Groningen", "country": "NL"},
                           source="staff", purpose="written_contact",
                           basis="legitimate_interests", actor="seed")
    return add
