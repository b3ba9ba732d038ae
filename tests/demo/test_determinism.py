"""The same seed gives the same people: a demo (and a benchmark) can be reproduced."""

from __future__ import annotations

from datetime import date

from privacydesk.demo import population
from privacydesk.register.models import DATUM_MODELS, Agreement, Organisation, Person, Role

DAY = date(2025, 3, 1)


def _snapshot() -> list[object]:
    """Everything generated, as plain values (sealed values opened; ids included)."""
    rows: list[object] = [
        list(Person.objects.order_by("id").values_list("id", "ref")),
        list(Organisation.objects.order_by("id").values_list("id", "name", "coc_number")),
        list(Agreement.objects.order_by("id").values_list("reference", "kind", "starts_on",
                                                          "ends_on")),
        list(Role.objects.order_by("person_id", "kind", "started_on").values_list(
            "person_id", "kind", "organisation_id", "started_on", "ended_on")),
    ]
    for model in DATUM_MODELS.values():
        rows.append([(d.person_id, d.purpose, d.legal_basis, d.agreement_id, d.get_values())
                     for d in model.objects.select_related("person").order_by("id")])
    return rows


def _wipe() -> None:
    Person.objects.all().delete()
    Agreement.objects.all().delete()
    Organisation.objects.all().delete()


def test_the_same_seed_gives_the_same_population(db):
    population.generate(120, progress=False, seed=7, today=DAY)
    first = _snapshot()
    _wipe()
    population.generate(120, progress=False, seed=7, today=DAY)
    assert _snapshot() == first


def test_another_seed_gives_other_people(db):
    population.generate(60, progress=False, seed=7, today=DAY)
    first = _snapshot()
    _wipe()
    population.generate(60, progress=False, seed=8, today=DAY)
    assert _snapshot() != first

