"""The audited read shows a person's roles in the model's order: started_on then id, ties
included."""

from __future__ import annotations

from datetime import timedelta

import pytest

from privacydesk.policy import clock
from privacydesk.register import services
from privacydesk.register.models import Role

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
    view = services.read_person(anna, actor=ACTOR, purpose="agreement")
    assert [[r.kind, r.organisation_id, r.started_on, r.ended_on, r.organisation]
            for r in view.roles] == expected
