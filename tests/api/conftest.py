"""API test set-up: real staff accounts with real tokens, a real client, the personas.

`token_for("sales")` creates an active staff account with that staff role that accepted the
current staff protocol (Sec4), and returns a bearer token made by `staff.tokens`. `api`
sends JSON with the token and returns the response. The personas: Anna (customer, e-mail
and an SLA), Bram (prospect), Carla (employee, with a BSN), Eva (contact of Acme BV),
Olaf (outsider, no roles).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta
from itertools import count
from types import SimpleNamespace
from typing import Any

import pytest
from django.test import Client

from privacydesk.policy import clock
from privacydesk.register import services
from privacydesk.register.models import DATUM_MODELS, Person
from privacydesk.staff import protocol
from privacydesk.staff.models import StaffUser
from privacydesk.staff.tokens import create_token
from privacydesk.vault.models import AuditEntry

ACTOR = "seed"
ANNA_EMAIL = "Anna.de.Vries@Example.nl"
CARLA_BSN = "111222333"  # passes the 11-test; not a real person's number
_usernames = count(1)


@pytest.fixture
def token_for(db: Any) -> Callable[..., str]:
    def make(staff_role: str, *, accepted: bool = True) -> str:
        user = StaffUser.objects.create_user(
            username=f"{staff_role or 'none'}-{next(_usernames)}", password=None,
            staff_role=staff_role)
        if accepted:
            user.accept_protocol(protocol.PROTOCOL_VERSION)
        return create_token(user, "tests")

    return make


class Api:
    """A JSON client for /api/v1/ that carries one bearer token."""

    def __init__(self, token: str | None) -> None:
        self.client = Client()
        self.token = token

    def call(self, method: str, path: str, body: Any = None, *, raw: str | None = None,
             **query: Any) -> Any:
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        url = "/api/v1" + path
        data = raw if raw is not None else (json.dumps(body) if body is not None else None)
        kwargs: dict[str, Any] = {"headers": headers}
        if data is not None:
            kwargs.update(data=data, content_type="application/json")
        elif query:
            kwargs["data"] = query
        if query and data is not None:
            url += "?" + "&".join(f"{k}={v}" for k, v in query.items())
        return getattr(self.client, method.lower())(url, **kwargs)

    def get(self, path: str, **query: Any) -> Any:
        return self.call("GET", path, **query)

    def post(self, path: str, body: Any = None, **kw: Any) -> Any:
        return self.call("POST", path, body, **kw)

    def patch(self, path: str, body: Any = None, **kw: Any) -> Any:
        return self.call("PATCH", path, body, **kw)

    def delete(self, path: str, **query: Any) -> Any:
        return self.call("DELETE", path + ("?" + "&".join(f"{k}={v}" for k, v in query.items())
                                           if query else ""))


@pytest.fixture
def api_as(token_for: Callable[..., str]) -> Callable[[str], Api]:
    """`api_as("hr")`: a client with a fresh token of a staff member in that role."""
    return lambda staff_role: Api(token_for(staff_role))


def _person(kind: str | None, given: str, family: str, *, organisation: Any = None) -> Person:
    person = services.create_person(actor=ACTOR, purpose="agreement", source="service")
    if kind is None:
        return person  # Olaf: an outsider, so C2..C5 let us hold nothing about him
    services.add_role(person, kind, actor=ACTOR, organisation=organisation,
                      started_on=clock.today() - timedelta(days=400))
    services.add_datum(person, "names", {"given_names": given, "family_name": family},
                       source="service", purpose="callback", basis="consent", actor=ACTOR)
    return person


@pytest.fixture
def personas(db: Any) -> SimpleNamespace:
    acme = services.create_organisation("Acme BV", actor=ACTOR, coc_number="12345678")
    anna = _person("customer", "Anna", "de Vries")
    carla = _person("employee", "Carla", "Jansen")
    sla = services.create_agreement(
        "sla", "SLA-2024-001", "Beheer kantoornetwerk", clock.today() - timedelta(days=100),
        parties=[anna], actor=ACTOR)
    services.add_datum(anna, "email", {"address": ANNA_EMAIL}, source="contact_form",
                       purpose="agreement", basis="contract", actor=ACTOR, agreement=sla)
    # C5: identity data for an employee, kept for the legal obligation (payroll tax).
    services.add_datum(carla, "identity", {"kind": "bsn", "number": CARLA_BSN},
                       source="staff", purpose="legal_obligation", basis="legal_obligation",
                       actor=ACTOR)
    return SimpleNamespace(
        acme=acme, anna=anna, carla=carla, anna_sla=sla,
        bram=_person("prospect", "Bram", "Visser"),
        eva=_person("contact", "Eva", "Smit", organisation=acme),
        olaf=_person(None, "Olaf", "Mulder"),
    )


def stored_counts() -> tuple[int, int]:
    """(datum rows of every category, audit entries): proof that a refusal wrote nothing."""
    rows = sum(model._default_manager.count() for model in DATUM_MODELS.values())
    return rows, AuditEntry.objects.count()


def only_error(response: Any) -> dict[str, str]:
    """The single error of a refusal body."""
    body = response.json()
    assert set(body) == {"errors"}, body
    assert len(body["errors"]) == 1, body
    return dict(body["errors"][0])
