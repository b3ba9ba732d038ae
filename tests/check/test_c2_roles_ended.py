"""C2 for people whose roles have all ended (#15): Eva stopped being Acme's contact and Bram
stopped being a prospect; they are no outsiders, and the retention rules keep their names
and phone number to a date (R1..R3). C2 passes while that date is ahead and fails, naming
the person by ref, once a row outlived it (the sweep did not run); an outsider's datum
fails as before (test_register_promises.py::test_c2_a_datum_of_an_outsider_fails).
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from privacydesk.check import FAIL, PASS
from privacydesk.policy import clock
from privacydesk.register import services
from privacydesk.register.models import Name, Role

from .conftest import ACTOR, SECRETS, details_of, status_of

pytestmark = pytest.mark.dates


def _end_every_role(person, days_ago: int) -> None:  # type: ignore[no-untyped-def]
    for role in Role.objects.filter(person=person):
        services.end_role(role, clock.today() - timedelta(days=days_ago), actor=ACTOR)


def test_c2_passes_for_people_whose_roles_ended_while_their_data_are_kept(personas):
    _end_every_role(personas.eva, days_ago=1)
    _end_every_role(personas.bram, days_ago=1)
    assert status_of("C2") == PASS


def test_c2_fails_for_a_row_kept_past_its_retention_date(personas):
    """Eva's contact role ended a year ago and her name was collected two years ago: the
    contact period (R2, six months) is over and the sweep did not delete it."""
    _end_every_role(personas.eva, days_ago=365)
    Name.objects.filter(person=personas.eva).update(
        created_at=clock.now() - timedelta(days=2 * 365))
    assert status_of("C2") == FAIL
    text = details_of("C2")
    assert "names: 1 row held past the retention date for a person whose roles" in text
    assert f"person {personas.eva.ref}: 1 names row(s) past their date" in text
    assert not [secret for secret in SECRETS if secret in text]
