"""Server-access fixtures: Acme BV with a running SLA and a server, Anna (a private client)
with a one-off assignment, a service engineer with an ed25519 key, a service lead and a
privacy officer. Every test gets its own data folder, so its own CA and KRL."""

from __future__ import annotations

import subprocess
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest

from privacydesk.access import requests as access
from privacydesk.policy import clock
from privacydesk.register import services
from privacydesk.staff import protocol
from privacydesk.staff.models import StaffUser

ACTOR = "tester"
TODAY = clock.today()


def keypair(folder: Path, name: str, kind: str = "ed25519", *bits: str) -> Path:
    """A fresh key pair made by the real ssh-keygen; returns the private key's path."""
    key = folder / name
    subprocess.run(["ssh-keygen", "-q", "-t", kind, *bits, "-N", "", "-C",
                    f"{name}@example.nl", "-f", str(key)], check=True)
    return key


def make_staff(role: str, username: str) -> StaffUser:
    user = StaffUser.objects.create_user(username=username, password=None, staff_role=role)
    user.mfa_enabled = True
    user.save()
    user.accept_protocol(protocol.PROTOCOL_VERSION)
    return user


@pytest.fixture(autouse=True)
def own_data_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path / "data"
    settings.DATA_DIR.mkdir()
    settings.PRIVACYDESK_ACCESS_CA_KEY = ""
    return settings.DATA_DIR


@pytest.fixture
def world(db, tmp_path) -> SimpleNamespace:
    acme = services.create_organisation("Acme BV", actor=ACTOR, coc_number="12345678")
    sla = services.create_agreement("sla", "SLA-ACME", "Beheer servers", TODAY - timedelta(days=30),
                                    TODAY + timedelta(days=300), organisation=acme, actor=ACTOR)
    ended = services.create_agreement("one_off", "OO-ACME-OLD", "Migratie",
                                      TODAY - timedelta(days=400), TODAY - timedelta(days=100),
                                      organisation=acme, actor=ACTOR)
    anna = services.create_person(actor=ACTOR, purpose="callback", source="contact_form")
    services.add_role(anna, "customer", actor=ACTOR, started_on=TODAY - timedelta(days=30))
    oneoff = services.create_agreement("one_off", "OO-ANNA", "Nieuwe router",
                                       TODAY - timedelta(days=1), TODAY, parties=[anna],
                                       actor=ACTOR)
    engineer = make_staff("service_engineer", "jan")
    lead = make_staff("service_lead", "lies")
    officer = make_staff("privacy_officer", "olga")
    key = keypair(tmp_path, "jan_ed25519")
    access.upload_key(engineer, key.with_suffix(".pub").read_text())
    server = access.add_server("srv1.acme.example", organisation=acme, actor=lead)
    router = access.add_server("router.anna.example", agreement=oneoff, actor=lead)
    return SimpleNamespace(acme=acme, sla=sla, ended=ended, anna=anna, oneoff=oneoff,
                           engineer=engineer, lead=lead, officer=officer, key=key,
                           server=server, router=router)


def ask(world: SimpleNamespace, **overrides):
    """A request by the engineer for srv1 under Acme's SLA, with `overrides`."""
    fields = {"server": world.server, "principal": "root", "action": "Update the kernel",
              "minutes": 30, "agreement": world.sla, **overrides}
    return access.request_access(world.engineer, **fields)


def named_person(given: str, family: str, role: str, **where) -> object:
    """A person with a name and a running role (a "contact" names its organisation)."""
    person = services.create_person(actor=ACTOR, purpose="callback", source="contact_form")
    services.add_role(person, role, actor=ACTOR, started_on=TODAY - timedelta(days=60), **where)
    services.add_datum(person, "names", {"given_names": given, "family_name": family},
                       source="contact_form", purpose="callback", basis="consent", actor=ACTOR)
    return person


@pytest.fixture
def client_contacts(world) -> SimpleNamespace:
    """Acme's contacts Eva Smit and Erik Smits (whose role has ended), and Piet Jansen, a
    contact of another client, Globex BV."""
    globex = services.create_organisation("Globex BV", actor=ACTOR)
    eva = named_person("Eva", "Smit", "contact", organisation=world.acme)
    erik = named_person("Erik", "Smits", "contact", organisation=world.acme)
    services.end_role(erik.roles.get(), TODAY - timedelta(days=1), actor=ACTOR)
    piet = named_person("Piet", "Jansen", "contact", organisation=globex)
    return SimpleNamespace(eva=eva, erik=erik, piet=piet, globex=globex)
