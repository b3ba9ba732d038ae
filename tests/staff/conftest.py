"""Staff test helpers (the lead may move them up to tests/conftest.py).

`make_staff(role, ...)` creates a StaffUser with a known password, and by default an enrolled
second factor and the current protocol accepted; its TOTP secret is on `.totp_secret_plain`.
`staff_client(role, ...)` returns a Django test Client signed in as such a user with MFA done
(the session carries the MFA mark), so every back-office page is open to it as far as its
role allows; the user is on `client.staff_user`.
`people` holds personas made through the register service: Anna (customer, with e-mail),
Carla (employee, with a BSN), Eva (contact of Acme BV).
"""

from __future__ import annotations

import itertools
from types import SimpleNamespace

import pyotp
import pytest
from django.contrib.auth.hashers import Argon2PasswordHasher
from django.test import Client

from privacydesk.register import services
from privacydesk.staff import mfa
from privacydesk.staff.models import StaffUser
from privacydesk.staff.protocol import PROTOCOL_VERSION

PASSWORD = "correct horse battery staple 42"
ACTOR = "tester"
CARLA_BSN = "111222333"  # passes the 11-test
_numbers = itertools.count(1)


def current_code(user: StaffUser) -> str:
    return pyotp.TOTP(user.totp_secret_plain).now()  # type: ignore[attr-defined]


@pytest.fixture
def cheap_argon2(monkeypatch):
    """Argon2 with tiny costs, to keep the suite fast on two cores. Hashes still start with
    "argon2"; test_staff_accounts checks a real hash with the production costs."""
    monkeypatch.setattr(Argon2PasswordHasher, "time_cost", 1)
    monkeypatch.setattr(Argon2PasswordHasher, "memory_cost", 64)
    monkeypatch.setattr(Argon2PasswordHasher, "parallelism", 1)


@pytest.fixture
def make_staff(db, cheap_argon2):
    def make(role: str, *, username: str | None = None, mfa_enrolled: bool = True,
             protocol: bool = True, active: bool = True) -> StaffUser:
        user = StaffUser(username=username or f"{role}{next(_numbers)}", staff_role=role,
                         is_active=active)
        user.set_password(PASSWORD)
        user.save()
        user.totp_secret_plain = None  # type: ignore[attr-defined]
        if mfa_enrolled:
            secret = mfa.new_secret()
            user.set_totp_secret(secret)
            user.mfa_enabled = True
            user.save()
            user.totp_secret_plain = secret  # type: ignore[attr-defined]
        if protocol:
            user.accept_protocol(PROTOCOL_VERSION)
        return user

    return make


def sign_in_with_mfa(client: Client, user: StaffUser) -> Client:
    """Log `user` in as the two sign-in steps would, without spending argon2 time."""
    client.force_login(user)
    session = client.session
    session[mfa.MFA_VERIFIED] = user.pk
    session.save()
    client.staff_user = user  # type: ignore[attr-defined]
    return client


@pytest.fixture
def staff_client(make_staff):
    def factory(role: str, **kwargs: object) -> Client:
        return sign_in_with_mfa(Client(), make_staff(role, **kwargs))

    return factory


@pytest.fixture
def people(db) -> SimpleNamespace:
    acme = services.create_organisation("Acme BV", actor=ACTOR, coc_number="12345678")
    anna = services.create_person(actor=ACTOR, purpose="callback", source="contact_form")
    services.add_role(anna, "customer", actor=ACTOR)
    services.add_datum(anna, "names", {"given_names": "Anna", "family_name": "de Vries"},
                       source="contact_form", purpose="callback", basis="consent", actor=ACTOR)
    services.add_datum(anna, "email", {"address": "anna@example.nl"}, source="contact_form",
                       purpose="callback", basis="consent", actor=ACTOR)
    carla = services.create_person(actor=ACTOR, purpose="legal_obligation", source="staff")
    services.add_role(carla, "employee", actor=ACTOR)
    services.add_datum(carla, "names", {"given_names": "Carla", "family_name": "Jansen"},
                       source="staff", purpose="legal_obligation", basis="legal_obligation",
                       actor=ACTOR)
    services.add_datum(carla, "identity", {"kind": "bsn", "number": CARLA_BSN},
                       source="staff", purpose="legal_obligation", basis="legal_obligation",
                       actor=ACTOR)
    eva = services.create_person(actor=ACTOR, purpose="callback", source="email")
    services.add_role(eva, "contact", actor=ACTOR, organisation=acme)
    services.add_datum(eva, "names", {"given_names": "Eva", "family_name": "Smit"},
                       source="email", purpose="callback", basis="consent", actor=ACTOR)
    return SimpleNamespace(acme=acme, anna=anna, carla=carla, eva=eva)
