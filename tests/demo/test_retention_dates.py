"""R1: the demo population is dated like real data — by the policy, as it is generated."""

from __future__ import annotations

import pytest

from privacydesk.register.models import DATUM_MODELS
from privacydesk.retention import services as retention
from privacydesk.retention.facts import decide, person_facts

# Date-sensitive: scripts/test.sh runs these again under frozen clocks (#13.1).
pytestmark = pytest.mark.dates


def test_every_generated_datum_carries_the_date_the_retention_app_would_give(
    demo_population: object,
) -> None:
    checked = dated = 0
    for model in DATUM_MODELS.values():
        for datum in model.objects.select_related("person").order_by("pk")[:60]:
            expected = decide(datum, person_facts(datum.person_id)).date
            assert datum.delete_after == expected, (model.CATEGORY, datum.purpose)
            checked += 1
            dated += datum.delete_after is not None
    assert checked > 100 and dated > 0


def test_recomputing_a_generated_register_changes_nothing(demo_population: object) -> None:
    assert retention.recompute_all() == 0


def test_after_the_first_sweep_privacydesk_check_finds_nothing_kept_too_long(
    demo_population: object,
) -> None:
    from privacydesk.check import run_checks
    from privacydesk.retention import sweep

    # Agreements the generator ended years ago are due at once, as in a real register.
    sweep.run(progress=False)
    results = {r.promise: r for r in run_checks(only=["R1"])}
    assert results["R1"].status != "fail", results["R1"].summary
