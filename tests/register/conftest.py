"""Personas for register tests (reusable; the lead may move them up to tests/conftest.py).

`personas` returns a namespace: anna (customer), bram (prospect), carla (employee), daan
(former employee), eva (contact of Acme BV), olaf (outsider, no roles), acme (Organisation),
and anna_sla (an SLA Anna is a party to). Each person except Olaf has a name datum; Anna
also has an e-mail address.
"""

from __future__ import annotations

from datetime import date, timedelta
from types import SimpleNamespace

import pytest

from privacydesk.policy import clock
from privacydesk.register import services
from privacydesk.register.models import DATUM_MODELS, Person
from privacydesk.vault.models import AuditEntry

ACTOR = "tester"
ANNA_EMAIL = "Anna.de.Vries@Example.nl"


def _person(kind: str | None, given: str, family: str, *, organisation=None,
            ended: bool = False) -> Person:
    person = services.create_person(actor=ACTOR, purpose="agreement", source="service")
    if kind is None:
        return person
    start = clock.today() - timedelta(days=400)
    role = services.add_role(person, kind, actor=ACTOR, organisation=organisation,
                             started_on=start)
    if ended:
        services.end_role(role, clock.today() - timedelta(days=30), actor=ACTOR)
    services.add_datum(person, "names", {"given_names": given, "family_name": family},
                       source="service", purpose="callback", basis="consent", actor=ACTOR)
    return person


@pytest.fixture
def personas(db) -> SimpleNamespace:
    acme = services.create_organisation("Acme BV", actor=ACTOR, coc_number="12345678")
    anna = _person("customer", "Anna", "de Vries")
    carla = _person("employee", "Carla", "Jansen")
    daan = _person("former_employee", "Daan", "Bakker")
    # Daan's employee role ended; he is a former employee now.
    services.add_role(daan, "employee", actor=ACTOR, started_on=date(2015, 1, 1))
    services.end_role(daan.roles.get(kind="employee"), clock.today() - timedelta(days=400),
                      actor=ACTOR)
    sla = services.create_agreement(
        "sla", "SLA-2024-001", "Beheer kantoornetwerk", clock.today() - timedelta(days=100),
        parties=[anna], actor=ACTOR)
    ns = SimpleNamespace(
        acme=acme,
        anna=anna,
        bram=_person("prospect", "Bram", "Visser"),
        carla=carla,
        daan=daan,
        eva=_person("contact", "Eva", "Smit", organisation=acme),
        olaf=_person(None, "Olaf", "Mulder"),
        anna_sla=sla,
        anna_email=ANNA_EMAIL,
    )
    services.add_datum(anna, "email", {"address": ANNA_EMAIL}, source="contact_form",
                       purpose="agreement", basis="contract", actor=ACTOR, agreement=sla)
    return ns


def register_counts() -> tuple[int, int]:
    """Return (datum rows in every category, audit entries): proof that nothing was written."""
    rows = sum(model._default_manager.count() for model in DATUM_MODELS.values())
    return rows, AuditEntry.objects.count()
