"""An import's new persons are written in bulk, and nothing else changes (#16.4 "Speed").

A new row is checked rule by rule as the register's single services check it
(`services.NewPerson`), then written with the batch's other new persons, one insert per
table. What it stores is what the services, called one by one, store for the same input:
the same rows, values, sources, seals, blind indexes, deletion dates and audit trail.
"""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.db import DatabaseError, connection, transaction
from django.test.utils import CaptureQueriesContext

from privacydesk.policy import clock
from privacydesk.policy.errors import RuleViolation
from privacydesk.register import importing, services
from privacydesk.register.models import (
    DATUM_MODELS,
    AgreementParty,
    Email,
    ExternalId,
    Organisation,
    Person,
)
from privacydesk.register.services import external, newperson
from privacydesk.register.services.external import external_key
from privacydesk.vault import audit
from privacydesk.vault.models import AuditEntry

from .conftest import register_counts
from .test_import import MAP, _csv, _import

ACTOR = importing.ACTOR
ORIGIN = "boekhouding"
IBAN = "NL91ABNA0417164300"

# The example map, and Carla's kind of row: an employee.
EMPLOYEES = 'Contactpersoon = "contact", Medewerker = "employee" }'

ANNA = ("K-1001;Klant;;2023-05-01;SLA-2024-001;Anna;de;Vries;anna@example.nl;06-12345678;"
        f"Hoofdstraat;12;9712 AB;Groningen;{IBAN}")
CARLA = "K-1004;Medewerker;;2019-09-01;;Carla;;Jansen;carla@infactor.example;050 123 4567;;;;;"
EVA = "K-1003;Contactpersoon;Acme BV;;;Eva;;Visser;eva@acme.example;+31 20 123 4567;;;;;"


@pytest.fixture
def employees_map(tmp_path: Path) -> Path:
    path = tmp_path / "map.toml"
    path.write_text(MAP.read_text(encoding="utf-8").replace('Contactpersoon = "contact" }',
                                                             EMPLOYEES), encoding="utf-8")
    return path


@pytest.fixture
def sla(db):
    """The SLA Anna's row names (P3: her IBAN serves it), and Acme BV, Eva's employer."""
    services.create_organisation("Acme BV", actor="tester")
    return services.create_agreement("sla", "SLA-2024-001", "Beheer kantoornetwerk",
                                     clock.today() - timedelta(days=100), actor="tester")


def _through_the_services(sla) -> None:
    """Anna, Carla and Eva as the single services store them, one call after the other,
    with what the map says (source "import", written contact on legitimate interests, the
    IBAN for the agreement)."""
    acme = Organisation.objects.get(name="Acme BV")
    order = [plan.category for plan in importing.load_map(MAP).categories]
    rows: list[tuple[str, str, Any, date | None, Any, dict[str, dict[str, Any]]]] = [
        ("K-1001", "customer", None, date(2023, 5, 1), sla, {
            "names": {"given_names": "Anna", "infix": "de", "family_name": "Vries"},
            "email": {"address": "anna@example.nl"},
            "phone": {"number": "06-12345678"},
            "address": {"street": "Hoofdstraat", "house_number": "12",
                        "postcode": "9712 AB", "city": "Groningen", "country": "NL"},
            "financial": {"kind": "iban", "value": IBAN}}),
        ("K-1004", "employee", None, date(2019, 9, 1), None, {
            "names": {"given_names": "Carla", "infix": "", "family_name": "Jansen"},
            "email": {"address": "carla@infactor.example"},
            "phone": {"number": "050 123 4567"}}),
        ("K-1003", "contact", acme, None, None, {
            "names": {"given_names": "Eva", "infix": "", "family_name": "Visser"},
            "email": {"address": "eva@acme.example"},
            "phone": {"number": "+31 20 123 4567"}}),
    ]
    for key, kind, organisation, started, agreement, data in rows:
        person = services.create_person(actor=ACTOR, purpose="written_contact",
                                        source="import")
        services.add_role(person, kind, actor=ACTOR, organisation=organisation,
                          started_on=started)
        if agreement is not None:
            services.add_party(agreement, person, actor=ACTOR)
        ids = {}
        for category in order:   # the map's order of categories, as the import writes
            if category not in data:
                continue
            values = data[category]
            financial = category == "financial"
            ids[category] = services.add_datum(
                person, category, values, source="import",
                purpose="agreement" if financial else "written_contact",
                basis="contract" if financial else "legitimate_interests", actor=ACTOR,
                agreement=agreement if financial else None).pk
        external.link_external_id(person, ORIGIN, key, row_digest="-", data=ids, actor=ACTOR)


def _stored(email: str) -> dict[str, Any]:
    """Everything the register holds of the person found by `email` through its blind index
    (the staff's search), without the ids and refs that differ between two runs."""
    person = services.find_person_by_email(email)
    assert person is not None, f"search does not find {email}"
    person = Person.objects.get(pk=person.pk)
    data, owned = [], {("register.person", str(person.pk))}
    for model in DATUM_MODELS.values():
        for datum in model._default_manager.filter(person=person):
            owned.add((model._meta.label_lower, str(datum.pk)))
            data.append((datum.CATEGORY, datum.source, datum.purpose, datum.legal_basis,
                         datum.agreement.reference if datum.agreement else None,
                         datum.restricted, datum.delete_after,
                         sorted(datum.get_values().items()),  # opens: bound to her ref
                         getattr(datum, "address_index", None)))
    roles = []
    for role in person.roles.all():
        owned.add(("register.role", str(role.pk)))
        roles.append((role.kind, role.organisation.name if role.organisation else None,
                      role.started_on, role.ended_on))
    parties = []
    for party in AgreementParty.objects.filter(person=person):
        owned.add(("register.agreementparty", str(party.pk)))
        parties.append(party.agreement.reference)
    links = []
    for link in ExternalId.objects.filter(person=person):
        owned.add(("register.externalid", str(link.pk)))
        held = {category: DATUM_MODELS[category]._default_manager.filter(
            pk=pk, person=person).exists() for category, pk in link.data.items()}
        links.append((link.origin, link.key_index, held))
    trail = [(e.actor, e.action, e.object_type, (e.object_type, e.object_id) in owned,
              e.purpose, e.detail) for e in audit.history(str(person.ref))]
    return {"person": (person.restricted, person.restricted_reason), "roles": sorted(roles),
            "parties": parties, "data": sorted(data, key=str), "links": links,
            "audit": trail}


@pytest.mark.dates
@pytest.mark.parametrize("returning", [True, False], ids=["multi-row", "row-by-row"])
def test_anna_carla_and_eva_imported_are_stored_as_the_single_services_store_them(
        sla, tmp_path, employees_map, monkeypatch, returning):
    # A database that cannot give back the keys of a multi-row INSERT (SQLite before 3.35)
    # gets the new persons saved one by one: the same rows.
    monkeypatch.setattr(type(connection.features), "can_return_rows_from_bulk_insert",
                        returning)
    emails = ("anna@example.nl", "carla@infactor.example", "eva@acme.example")
    with transaction.atomic():
        _through_the_services(sla)
        one_by_one = {email: _stored(email) for email in emails}
        transaction.set_rollback(True)   # the same people again, now through the import
    path = _csv(tmp_path, ANNA, CARLA, EVA)

    outcome = _import(str(path), "--map", str(employees_map))

    assert "created 3, updated 0, unchanged 0, refused 0" in outcome.stdout, outcome.output
    imported = {email: _stored(email) for email in emails}
    assert imported == one_by_one
    # What the comparison stands on: Anna has a role, her data with their R1 dates, a
    # party, a link, and an audit entry for every row stored, each about a row of hers.
    anna = imported["anna@example.nl"]
    assert [kind for kind, *_ in anna["data"]] == ["address", "email", "financial", "names",
                                                   "phone"]
    dates = {category: delete_after for category, *_, delete_after, _values, _index
             in anna["data"]}
    assert dates.pop("financial") is None   # R1: it serves the running SLA (P3)
    assert all(day is not None for day in dates.values())
    assert anna["parties"] == ["SLA-2024-001"]
    assert len(anna["audit"]) == 1 + 1 + 1 + 5 + 1 and all(e[3] for e in anna["audit"])
    assert imported["eva@acme.example"]["roles"] == [("contact", "Acme BV", clock.today(),
                                                      None)]
    assert audit.verify().ok


def test_a_failure_in_the_bulk_write_leaves_nothing_of_the_batches_before(
        db, tmp_path, monkeypatch):
    monkeypatch.setattr(importing, "BATCH_ROWS", 2)  # 5 rows: three batches
    path = _csv(tmp_path, *(f"K-{n};Klant;;;;Anna{n};;Vries;anna{n}@example.nl;;;;;;"
                            for n in range(5)))
    write, writes = newperson.write, []

    def the_disk_fails_at_the_second_batch(pending):
        writes.append(len(pending))
        if len(writes) == 2:
            raise DatabaseError("disk I/O error")
        write(pending)

    monkeypatch.setattr(newperson, "write", the_disk_fails_at_the_second_batch)
    before = (register_counts(), Person.objects.count(), ExternalId.objects.count())

    with pytest.raises(DatabaseError):
        importing.import_persons(path, importing.load_map(MAP))

    assert writes == [2, 2]   # the first batch was written, then the second failed
    assert (register_counts(), Person.objects.count(), ExternalId.objects.count()) == before
    assert audit.verify().ok


def test_bram_twice_in_one_batch_is_written_before_his_later_row_changes_him(db, tmp_path):
    path = _csv(tmp_path, "K-1002;Prospect;;;;Bram;;Bakker;bram@example.nl;050 123 4567;;;;;",
                "K-1001;Klant;;;;Anna;de;Vries;anna@example.nl;;;;;;",
                "K-1002;Klant;;;;Bram;;Bakker;bram@example.nl;06 87654321;;;;;")

    report = importing.import_persons(path, importing.load_map(MAP))

    assert (report.created, report.updated, report.refused) == (2, 1, [])
    bram = services.find_person_by_email("bram@example.nl")
    assert bram is not None and bram.active_role_kinds() == {"prospect", "customer"}
    link = ExternalId.objects.get(key_index=external_key(ORIGIN, "K-1002"))
    assert link.person_id == bram.pk
    phone = DATUM_MODELS["phone"]._default_manager.get(person=bram)
    assert (phone.pk, phone.number) == (link.data["phone"], "+31687654321")
    assert audit.verify().ok


def test_every_rule_refuses_a_new_row_with_its_row_column_and_rule(sla, tmp_path):
    path = _csv(
        tmp_path,
        "K-1;Klant;;;;Anna;de;Vries;anna@example.nl;;;;;;",
        "K-2;Klant;;;SLA-9999;Bram;;Bakker;;;;;;;",                          # 3: P3 unknown
        f"K-3;Klant;;;;Carla;;Jansen;;;;;;;{IBAN}",                           # 4: P3 none
        f"K-4;Contactpersoon;Acme BV;;SLA-2024-001;Eva;;Visser;;;;;;;{IBAN}",  # 5: C3
        "K-5;Contactpersoon;;;;Eva;;Smit;;;;;;;",                            # 6: S1 no org
        "K-6;Buitenstaander;;;;Olaf;;Mulder;;;;;;;",                          # 7: S1 role
        "K-7;Klant;;;;Daan;;Smit;daan(at)example.nl;;;;;;",                   # 8: format
        "K-8;Klant;;;;Daan;;Smit;;12;;;;;",                                   # 9: format
        "K-9;Klant;;;;Daan;;Smit;;;;;9712 AB;;",                              # 10: required
        "K-10;Klant;;gisteren;;Daan;;Smit;;;;;;;",                            # 11: format
        f"{'K' * 201};Klant;;;;Daan;;Smit;;;;;;;",                            # 12: format
        "K-1;Klant;;;;Anna;de;Vries;anna@example.nl;;;;;;",                   # unchanged
    )
    entries = AuditEntry.objects.count()

    report = importing.import_persons(path, importing.load_map(MAP))

    assert [(r.row, r.column, r.rule) for r in report.refused] == [
        (3, "Contract", "P3"), (4, "Contract", "P3"), (5, "IBAN", "C3"),
        (6, "Bedrijf", "S1"), (7, "Soort", "S1"), (8, "E-mail", "format"),
        (9, "Telefoon", "format"), (10, "Straat", "required"), (11, "Klant sinds", "format"),
        (12, "Relatienummer", "format")]
    assert (report.created, report.unchanged) == (1, 1)
    # Anna alone came in: her person, role, name, e-mail and link; no refused row left
    # a person, a datum, a party, a link or an audit entry.
    assert Person.objects.count() == 1 and ExternalId.objects.count() == 1
    assert Email.objects.count() == 1 and AgreementParty.objects.count() == 0
    assert AuditEntry.objects.count() == entries + 5
    assert audit.verify().ok


@pytest.mark.django_db(transaction=True)  # as the command runs: its data keys committed
def test_fifty_new_people_take_fewer_statements_than_people(tmp_path):
    path = _csv(tmp_path, *(f"K-{n};Klant;;;;Anna{n};;Vries;anna{n}@example.nl;"
                            f"06 1234 56{n:02d};;;;;" for n in range(50)))

    with CaptureQueriesContext(connection) as queries:
        report = importing.import_persons(path, importing.load_map(MAP))

    assert report.created == 50
    statements = [q["sql"] for q in queries.captured_queries]
    # A multi-row INSERT per table, the audit chain's append, the deletion dates: no
    # statement per person, and no savepoint for a row that writes nothing itself (the
    # batch's savepoint and the deletion dates' recompute's are the two there are).
    assert len(statements) < 50, statements
    assert len([sql for sql in statements if sql.startswith("SAVEPOINT")]) == 2
    assert Person.objects.count() == 50 and audit.verify().ok


# -- the service ------------------------------------------------------------------------------


def test_a_new_person_is_refused_what_the_single_services_refuse(sla):
    olaf = services.NewPerson(actor=ACTOR, purpose="written_contact", source="import")
    with pytest.raises(RuleViolation) as c3:  # an outsider holds no IBAN
        olaf.add_datum("financial", {"kind": "iban", "value": IBAN}, source="import",
                       purpose="callback", basis="consent")
    with pytest.raises(RuleViolation) as p3:  # Olaf is no party to the SLA
        olaf.add_datum("names", {"given_names": "Olaf", "family_name": "Mulder"},
                       source="import", purpose="agreement", basis="contract",
                       agreement=sla)
    with pytest.raises(RuleViolation) as s1:
        olaf.add_role("contact")
    with pytest.raises(RuleViolation) as c1:
        services.NewPerson(actor=ACTOR, purpose="written_contact", source="rumour")
    eva = services.NewPerson(actor=ACTOR, purpose="written_contact", source="import")
    eva.add_role("customer", started_on=clock.today() + timedelta(days=1))
    with pytest.raises(RuleViolation) as tomorrow:  # C3 asks the roles active today
        eva.add_datum("financial", {"kind": "iban", "value": IBAN}, source="import",
                      purpose="callback", basis="consent")

    assert [e.value.rule for e in (c3, p3, s1, c1, tomorrow)] == ["C3", "P3", "S1", "C1",
                                                                   "C3"]
    assert Person.objects.count() == 0   # asking writes nothing


@pytest.mark.dates
def test_a_new_person_is_stored_once_and_outside_a_batch_at_once(db):
    anna = services.NewPerson(actor=ACTOR, purpose="written_contact", source="import")
    anna.add_role("customer")
    name = anna.add_datum("names", {"given_names": "Anna", "family_name": "de Vries"},
                          source="import", purpose="written_contact",
                          basis="legitimate_interests")

    person = services.create_new_person(anna)

    assert person.pk is not None and name.pk is not None
    assert Person.objects.get(pk=person.pk).name_set.get().full_name() == "Anna de Vries"
    assert DATUM_MODELS["names"]._default_manager.get(pk=name.pk).delete_after is not None
    with pytest.raises(RuntimeError):
        anna.add_role("prospect")
    with pytest.raises(RuntimeError):
        services.create_new_person(anna)


def test_the_new_persons_are_never_written_inside_a_row(db):
    with services.batch() as batch, batch.row(), pytest.raises(RuntimeError):
        batch.flush()
