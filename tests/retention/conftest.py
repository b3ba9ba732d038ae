"""Retention test set-up: a keyring and backup folder per test, personas, and a clock.

The clock is moved by passing `today=` to sweep / erasure / plan: data are stored today,
and the sweep is asked what is due on a later day.

Personas (all made through the register services, so the signals date every datum):
Anna (customer, SLA "SLA-ANNA" running, contact data and agreement data), Bram (prospect,
callback consent only), Carla (employee, payroll financial + BSN under legal obligation),
Daan (former employee), Eva (contact of Acme BV), Olaf (outsider: a person row without
any datum).
"""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

import pytest

from privacydesk.policy import clock
from privacydesk.register import services
from privacydesk.register.models import Person
from privacydesk.vault import keyring

ACTOR = "tester"
TODAY = clock.today()
LONG_AGO = date(TODAY.year - 3, 1, 1)


@pytest.fixture(autouse=True)
def isolated_files(settings, tmp_path):
    """Own key file and backup folder: no test touches var/ or another test's files."""
    settings.PRIVACYDESK_ENV = "development"
    settings.PRIVACYDESK_KEYS = ""
    settings.PRIVACYDESK_KEY_FILE = str(tmp_path / "keys.json")
    settings.PRIVACYDESK_BACKUP_DIR = tmp_path / "backups"
    keyring.reset()
    yield tmp_path
    keyring.reset()


def person(kind: str | None, given: str, family: str, **role: object) -> Person:
    p = services.create_person(actor=ACTOR, purpose="callback", source="contact_form")
    if kind is None:   # an outsider: the register may hold no datum of them (C2)
        return p
    services.add_role(p, kind, actor=ACTOR, started_on=LONG_AGO, **role)  # type: ignore
    services.add_datum(p, "names", {"given_names": given, "family_name": family},
                       source="contact_form", purpose="callback", basis="consent",
                       actor=ACTOR)
    return p


def add(p: Person, category: str, values: dict, purpose: str, basis: str, **kw: object):
    return services.add_datum(p, category, values, source="staff", purpose=purpose,
                              basis=basis, actor=ACTOR, **kw)  # type: ignore[arg-type]


IBAN = {"kind": "iban", "value": "NL91ABNA0417164300"}
BSN = {"kind": "bsn", "number": "111222333"}
PHONE = {"number": "+31505259060"}
ADDRESS = {"street": "Eeldersingel", "house_number": "40", "postcode": "9726 AS",
           "city": "Groningen"}


@pytest.fixture
def personas(db) -> SimpleNamespace:
    acme = services.create_organisation("Acme BV", actor=ACTOR, coc_number="12345678")
    anna = person("customer", "Anna", "de Vries")
    sla = services.create_agreement("sla", "SLA-ANNA", "Beheer kantoornetwerk", LONG_AGO,
                                    parties=[anna], actor=ACTOR)
    add(anna, "address", ADDRESS, "agreement", "contract", agreement=sla)
    add(anna, "email", {"address": "anna@example.nl"}, "agreement", "contract",
        agreement=sla)
    add(anna, "financial", IBAN, "legal_obligation", "legal_obligation")
    bram = person("prospect", "Bram", "Visser")
    add(bram, "phone", PHONE, "callback", "consent")
    carla = person("employee", "Carla", "Jansen")
    add(carla, "identity", BSN, "legal_obligation", "legal_obligation")
    add(carla, "financial", IBAN, "legal_obligation", "legal_obligation")
    daan = person("employee", "Daan", "Bakker")
    add(daan, "identity", BSN, "legal_obligation", "legal_obligation")
    services.end_role(daan.roles.get(kind="employee"), date(TODAY.year - 1, 6, 30),
                      actor=ACTOR)
    services.add_role(daan, "former_employee", actor=ACTOR,
                      started_on=date(TODAY.year - 1, 7, 1))
    eva = person("contact", "Eva", "Smit", organisation=acme)
    olaf = person(None, "Olaf", "Mulder")
    return SimpleNamespace(anna=anna, anna_sla=sla, bram=bram, carla=carla, daan=daan,
                           eva=eva, olaf=olaf, acme=acme)
