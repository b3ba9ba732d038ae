"""The demo invents people as a register holds them (#15): data collected today serve an
agreement that runs today. A running customer's access report never says their data are
kept until a day long past (it said "kept until 2021-06-14" for a customer whose one-off
job ended years before, while the customer role ran on).
"""

from __future__ import annotations

import pytest
from django.db.models import Q

from privacydesk.policy import clock
from privacydesk.register.models import DATUM_MODELS, Agreement, Person, Role
from privacydesk.requests import report

# Date-sensitive: scripts/test.sh runs these again under frozen clocks (#13.1).
pytestmark = pytest.mark.dates


def test_no_generated_datum_serves_an_agreement_that_has_ended(demo_population: object):
    today = clock.today()
    ended = set(Agreement.objects.filter(ends_on__lt=today).values_list("pk", flat=True))
    assert ended, "the demo still has agreements that ended (the first sweep's work)"
    for model in DATUM_MODELS.values():
        assert not model.objects.filter(agreement_id__in=ended).exists(), model.CATEGORY


def test_a_running_customers_report_dates_nothing_in_the_past(demo_population: object):
    today = clock.today()
    running = Role.objects.filter(kind="customer").filter(
        Q(ended_on__isnull=True) | Q(ended_on__gte=today))
    customers = Person.objects.filter(pk__in=running.values("person_id")).order_by("pk")[:40]
    assert len(customers) >= 20
    for person in customers:
        built = report.build(person, actor="test", lang="en")
        past = [(d["category"], d["retention"]["until"]) for d in built["data"]
                if d["retention"]["until"] and d["retention"]["until"] < today.isoformat()]
        assert past == [], person.ref
