"""`services.batch()`: the register's one write path, faster, with nothing left out (#16.4).

Inside a batch every service asks every rule per call, exactly as outside it; the audit
entries go onto the chain together at the end (Sec1: the chain still verifies), the deletion
dates are computed once per person at the end (R1: the same dates as without a batch), and
a refused unit of work (`Batch.row()`) leaves nothing, not even an audit entry.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from privacydesk.policy.errors import RuleViolation
from privacydesk.register import services
from privacydesk.register.models import DATUM_MODELS, Financial, Person, Role
from privacydesk.register.signals import persons_changed
from privacydesk.retention.services import recompute_for_person
from privacydesk.vault import audit
from privacydesk.vault.models import AuditEntry
from tests.console import run_privacydesk

from .conftest import ACTOR, register_counts

IBAN = {"kind": "iban", "value": "NL91ABNA0417164300"}


def _new_customer(given: str, family: str, email: str) -> Person:
    """Anna's kind of row as the import writes it: person, role, name, address."""
    person = services.create_person(actor=ACTOR, purpose="agreement", source="service")
    services.add_role(person, "customer", actor=ACTOR)
    for category, values in (("names", {"given_names": given, "family_name": family}),
                             ("email", {"address": email})):
        services.add_datum(person, category, values, source="service",
                           purpose="written_contact", basis="legitimate_interests",
                           actor=ACTOR)
    return person


def _dates(person: Person) -> list[tuple[str, object]]:
    return sorted((model.CATEGORY, datum.delete_after) for model in DATUM_MODELS.values()
                  for datum in model._default_manager.filter(person=person))


def _trail(person: Person) -> list[tuple[str, str, str]]:
    return [(e.action, e.object_type, e.purpose) for e in audit.history(str(person.ref))]


def test_anna_written_in_a_batch_has_the_same_dates_and_audit_trail_as_without(db):
    alone = _new_customer("Anna", "de Vries", "anna@example.nl")
    with services.batch():
        batched = _new_customer("Anna", "de Vries", "anna.2@example.nl")

    assert _dates(batched) == _dates(alone)
    assert any(day is not None for _, day in _dates(batched)), "R1: the dates were computed"
    assert _trail(batched) == _trail(alone)
    assert recompute_for_person(batched) == 0, "nothing left for a later recompute to fix"
    assert audit.verify().ok


def test_the_audit_entries_and_the_dates_wait_for_the_end_of_the_batch(db):
    before = AuditEntry.objects.count()
    told: list[frozenset[int]] = []

    def receiver(sender, person_ids, **_):
        told.append(person_ids)

    persons_changed.connect(receiver, dispatch_uid="test-batch")
    try:
        with services.batch():
            anna = _new_customer("Anna", "de Vries", "anna@example.nl")
            bram = _new_customer("Bram", "Visser", "bram@example.nl")
            assert AuditEntry.objects.count() == before
            assert told == []
    finally:
        persons_changed.disconnect(dispatch_uid="test-batch")

    assert told == [frozenset({anna.pk, bram.pk})]
    assert AuditEntry.objects.count() == before + 2 * 4
    assert run_privacydesk("audit", "verify").exit_code == 0


def test_a_refused_row_leaves_nothing_not_even_its_audit_entries(db):
    before, people = register_counts(), Person.objects.count()
    with services.batch() as batch:
        with pytest.raises(RuleViolation) as caught, batch.row():
            olaf = services.create_person(actor=ACTOR, purpose="agreement", source="service")
            # C3: an outsider may not have financial data: refused inside the batch too.
            services.add_datum(olaf, "financial", IBAN, source="service",
                               purpose="callback", basis="consent", actor=ACTOR)
        with batch.row():
            anna = _new_customer("Anna", "de Vries", "anna@example.nl")

    assert caught.value.rule == "C3"
    # Anna's row only: her person, 2 data; 4 entries (person, role, 2 data), none of Olaf's.
    assert Person.objects.count() == people + 1 and Person.objects.filter(pk=anna.pk).exists()
    assert register_counts() == (before[0] + 2, before[1] + 4)
    assert audit.verify().ok


def test_a_role_given_in_the_batch_counts_for_the_next_datum(db):
    acme = services.create_organisation("Acme BV", actor=ACTOR)
    with services.batch() as batch, batch.row():
        eva = services.create_person(actor=ACTOR, purpose="agreement", source="service")
        services.add_role(eva, "contact", actor=ACTOR, organisation=acme)
        # C2 asks Eva's roles here (a contact): the batch keeps them for the row.
        services.add_datum(eva, "names", {"given_names": "Eva", "family_name": "Smit"},
                           source="service", purpose="callback", basis="consent",
                           actor=ACTOR)
        # C3: a contact may not hold an IBAN; a customer may. The kept roles are forgotten
        # when she becomes a customer, so the IBAN is allowed.
        services.add_role(eva, "customer", actor=ACTOR)
        services.add_datum(eva, "financial", IBAN, source="service", purpose="callback",
                           basis="consent", actor=ACTOR)

    assert Financial.objects.get(person=eva).get_values() == IBAN


def test_a_persons_roles_are_read_once_per_row_not_once_per_datum(db):
    anna = _new_customer("Anna", "de Vries", "anna@example.nl")
    role_table = Role._meta.db_table
    with services.batch() as batch, batch.row(), \
            CaptureQueriesContext(connection) as queries:
        for category, values in (("phone", {"number": "0612345678"}),
                                 ("address", {"street": "Hoofdstraat", "house_number": "1",
                                              "postcode": "9711 AB", "city": "Groningen"}),
                                 ("financial", IBAN)):
            services.add_datum(anna, category, values, source="service",
                               purpose="callback", basis="consent", actor=ACTOR)

    role_reads = [q for q in queries.captured_queries
                  if q["sql"].startswith("SELECT") and role_table in q["sql"]]
    assert len(role_reads) == 1


def test_a_batch_that_fails_stores_nothing_and_tells_nobody(db):
    before = register_counts()
    told: list[frozenset[int]] = []
    persons_changed.connect(lambda sender, person_ids, **_: told.append(person_ids),
                            dispatch_uid="test-batch-fails", weak=False)
    try:
        with pytest.raises(KeyboardInterrupt), services.batch():
            _new_customer("Anna", "de Vries", "anna@example.nl")
            raise KeyboardInterrupt
    finally:
        persons_changed.disconnect(dispatch_uid="test-batch-fails")

    assert register_counts() == before
    assert told == []
    assert services.batching.current() is None


# -- the import writes in batches ------------------------------------------------------------


def test_an_import_over_several_batches_refuses_one_row_and_the_chain_still_verifies(
        db, tmp_path, monkeypatch):
    from privacydesk.register import importing

    from .test_import import MAP, _csv, _import

    monkeypatch.setattr(importing, "BATCH_ROWS", 2)  # 5 rows: three batches
    path = _csv(tmp_path,
                "K-1;Klant;;;;Anna;de;Vries;anna@example.nl;;;;;;",
                "K-2;Prospect;;;;Bram;;Visser;bram@example.nl;;;;;;",
                "K-3;Prospect;;;;Olaf;;Mulder;olaf-at-example.nl;;;;;;",  # refused: format
                "K-4;Klant;;;;Carla;;Jansen;carla@example.nl;;;;;;",
                "K-5;Prospect;;;;Daan;;Bakker;daan@example.nl;;;;;;")
    entries = AuditEntry.objects.count()

    outcome = _import(str(path), "--map", str(MAP))

    assert "5 rows; created 4, updated 0, unchanged 0, refused 1" in outcome.stdout, \
        outcome.output
    assert "row 4, column E-mail" in outcome.stdout
    # Each created row: person, role, name, e-mail, link; the refused row: nothing at all.
    assert AuditEntry.objects.count() == entries + 4 * 5
    assert run_privacydesk("audit", "verify").exit_code == 0
    people = list(Person.objects.all())
    assert len(people) == 4
    # R1: every imported datum has the date the rules give it, computed at its batch's end.
    assert sum(recompute_for_person(person) for person in people) == 0
    assert all(day is not None for person in people for _, day in _dates(person))
