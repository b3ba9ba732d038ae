"""A clean, lived-in register for the check tests, built only through the services.

Personas: Anna (customer; SLA with a recipient; e-mail, IBAN and an admin account under the
agreement), Bram (prospect; phone for a callback that reached him), Carla (employee; BSN and
payroll IBAN under legal obligation), Daan (former employee; BSN kept under legal
obligation), Eva (representative of Acme BV; name only), Olaf (outsider: a person row without
any datum). Plus a privacy officer with MFA and the current protocol, a marked breach, an open
data-subject request, one registered offender and a backup taken today. Each test then
breaks one promise behind the services' back and expects its check to fail.
"""

from __future__ import annotations

from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from django.utils import timezone

from privacydesk.check import run_checks
from privacydesk.policy import clock
from privacydesk.register import services
from privacydesk.register.models import Person
from privacydesk.vault import keyring

ACTOR = "tester"
TODAY = clock.today()
LONG_AGO = date(TODAY.year - 3, 1, 1)
IBAN = {"kind": "iban", "value": "NL91ABNA0417164300"}
BSN = {"kind": "bsn", "number": "111222333"}
ANNA_EMAIL = "anna.de.vries@example.nl"
SECRETS = ("Anna", "Vries", "Bram", "Carla", "Daan", "Eva", "Smit", "Olaf", "Mulder",
           "NL91ABNA0417164300", "111222333", ANNA_EMAIL, "+31612345678")


@pytest.fixture(autouse=True)
def isolated_files(settings, tmp_path):
    """Own key file and backup folder per test; development mode, no mailbox."""
    settings.PRIVACYDESK_ENV = "development"
    settings.PRIVACYDESK_KEYS = ""
    settings.PRIVACYDESK_KEY_FILE = str(tmp_path / "keys.json")
    settings.PRIVACYDESK_BACKUP_DIR = tmp_path / "backups"
    settings.PRIVACYDESK_IMAP_URL = ""
    keyring.reset()
    yield tmp_path
    keyring.reset()


def _person(kind: str | None, given: str, family: str, **role: object) -> Person:
    p = services.create_person(actor=ACTOR, purpose="callback", source="contact_form")
    if kind is None:
        return p
    services.add_role(p, kind, actor=ACTOR, started_on=LONG_AGO, **role)  # type: ignore
    services.add_datum(p, "names", {"given_names": given, "family_name": family},
                       source="contact_form", purpose="callback", basis="consent", actor=ACTOR)
    return p


def _add(p: Person, category: str, values: dict, purpose: str, basis: str, **kw: object):
    return services.add_datum(p, category, values, source="staff", purpose=purpose,
                              basis=basis, actor=ACTOR, **kw)  # type: ignore[arg-type]


def _staff():
    from privacydesk.staff import protocol
    from privacydesk.staff.models import StaffUser

    user = StaffUser.objects.create_user(username="officer", password=None,
                                         staff_role="privacy_officer")
    user.mfa_enabled = True
    user.last_login = timezone.now()
    user.save()
    user.accept_protocol(protocol.PROTOCOL_VERSION)
    return user


def _callback(bram: Person, phone):
    from privacydesk.callbacks import services as callbacks

    callback = callbacks.request_callback(bram, phone=phone, message="", language="nl")
    callbacks.log_attempt(callback, "no_answer", actor=ACTOR)
    callbacks.log_attempt(callback, "reached", actor=ACTOR)
    return callback


def _incident():
    from privacydesk.incidents import services as incidents

    incident = incidents.file_concern("A laptop was left on the train.", source="staff")
    return incidents.mark_breach(incident, actor=ACTOR)


def _request():
    from privacydesk.requests.intake import file_staff_request

    return file_staff_request(kind="access", name="Anna de Vries", email=ANNA_EMAIL,
                              message="", language="nl", actor=ACTOR)


def _offender():
    from privacydesk.guard import services as guard
    from privacydesk.guard.detector import Evidence

    now = timezone.now().timestamp()
    return guard.register_offender("203.0.113.9", Evidence(
        rules={"login_failed": 12}, first_seen=now - 60, last_seen=now, paths=["/staff/login/"]))


def _backup():
    from privacydesk.retention import backup

    # Sec1: the policy asks for a backup every day; a lived-in register has taken one.
    return backup.create()


@pytest.fixture
def personas(db) -> SimpleNamespace:
    acme = services.create_organisation("Acme BV", actor=ACTOR, coc_number="12345678")
    anna = _person("customer", "Anna", "de Vries")
    sla = services.create_agreement(
        "sla", "SLA-ANNA", "Beheer kantoornetwerk", TODAY - timedelta(days=100),
        parties=[anna], recipients=[{"recipient": "Hosting BV", "categories": ["names", "email"],
                                     "legal_basis": "contract", "purpose": "hosting"}],
        actor=ACTOR)
    _add(anna, "email", {"address": ANNA_EMAIL}, "agreement", "contract", agreement=sla)
    _add(anna, "financial", IBAN, "agreement", "contract", agreement=sla)
    _add(anna, "account", {"system": "router", "is_admin_account": True, "username": "anna"},
         "agreement", "contract", agreement=sla)
    bram = _person("prospect", "Bram", "Visser")
    phone = _add(bram, "phone", {"number": "+31612345678"}, "callback", "consent")
    carla = _person("employee", "Carla", "Jansen")
    _add(carla, "identity", BSN, "legal_obligation", "legal_obligation")
    _add(carla, "financial", IBAN, "legal_obligation", "legal_obligation")
    daan = _person("former_employee", "Daan", "Bakker")
    employee = services.add_role(daan, "employee", actor=ACTOR, started_on=date(2015, 1, 1))
    services.end_role(employee, LONG_AGO - timedelta(days=1), actor=ACTOR)
    _add(daan, "identity", BSN, "legal_obligation", "legal_obligation")
    eva = _person("contact", "Eva", "Smit", organisation=acme)
    olaf = _person(None, "Olaf", "Mulder")
    return SimpleNamespace(
        acme=acme, anna=anna, anna_sla=sla, bram=bram, bram_phone=phone, carla=carla,
        daan=daan, eva=eva, olaf=olaf, officer=_staff(), callback=_callback(bram, phone),
        breach=_incident(), request=_request(), offender=_offender(), backup=_backup())


def status_of(promise: str) -> str:
    """The status the check of `promise` reports now."""
    (found,) = run_checks([promise])
    return found.status


def details_of(promise: str) -> str:
    (found,) = run_checks([promise])
    return found.summary + "\n" + "\n".join(found.details)
