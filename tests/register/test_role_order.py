"""The raw role read (`raw_read.role_rows`, the audited reads' roles) sorts in Python what
the SELECT no longer orders: the model's order, started_on then id, ties included."""

from __future__ import annotations

from datetime import timedelta

import pytest

from privacydesk.policy import clock
from privacydesk.register import services
from privacydesk.register.models import Role
from privacydesk.register.services import raw_read

from .conftest import ACTOR

# Date-sensitive: scripts/test.sh runs these again under frozen clocks (#13.1).
pytestmark = pytest.mark.dates


def test_roles_come_in_the_models_order(personas):
    anna, today = personas.anna, clock.today()
    for kind, days in (("prospect", 10), ("customer", 900), ("prospect", 900),
                       ("customer", 10), ("prospect", 400)):
        services.add_role(anna, kind, actor=ACTOR, started_on=today - timedelta(days=days))
    expected = [[r.kind, r.organisation_id, r.started_on, r.ended_on,
                 r.organisation.name if r.organisation else None]
                for r in Role.objects.filter(person=anna).order_by("started_on", "id")]
    assert len(expected) >= 6
    assert raw_read.role_rows(anna.pk) == expected
    view = services.read_person(anna, actor=ACTOR, purpose="agreement")
    assert [[r.kind, r.organisation_id, r.started_on, r.ended_on, r.organisation]
            for r in view.roles] == expected
