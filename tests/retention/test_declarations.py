"""R1 for everything: every model of every app declares how long it lives; a new model
fails this test until it is declared in privacydesk/retention/declarations.py."""

from __future__ import annotations

import pytest
from django.apps import apps
from django.db import models

from privacydesk.policy import CONTACT_PERIOD, RetentionFacts
from privacydesk.policy.active import get_policy
from privacydesk.register.models import DATUM_MODELS, Person
from privacydesk.retention.declarations import DATUM, PERSON, RETENTION, SYSTEM

from .conftest import TODAY

# Date-sensitive: scripts/test.sh runs these again under frozen clocks (#13.1).
pytestmark = pytest.mark.dates


def test_every_model_has_a_retention_declaration():
    missing = [m._meta.label_lower for m in apps.get_models()
               if m._meta.label_lower not in RETENTION]
    assert missing == [], f"declare their retention in retention/declarations.py: {missing}"


def test_every_declaration_gives_a_reason():
    assert all(d.reason.strip() for d in RETENTION.values())


def test_register_data_are_exactly_the_swept_datum_models():
    dated = {label for label, d in RETENTION.items() if d.kind == DATUM}
    assert dated == {m._meta.label_lower for m in DATUM_MODELS.values()}


def _reaches_person(model: type[models.Model], seen: frozenset = frozenset()) -> bool:
    """True if deleting a Person cascades to `model` (directly or through a parent)."""
    if model is Person:
        return True
    for f in model._meta.get_fields():
        if isinstance(f, models.ForeignKey) and f.remote_field.on_delete is models.CASCADE \
                and f.related_model not in seen:
            if _reaches_person(f.related_model, seen | {model}):
                return True
    return False


def test_rows_that_go_with_the_person_really_cascade_from_the_person():
    for label, d in RETENTION.items():
        if d.kind == PERSON:
            assert _reaches_person(apps.get_model(label)), label


def test_system_records_have_their_own_rule_in_the_policy():
    policy = get_policy()
    for label, d in RETENTION.items():
        if d.kind == SYSTEM:
            decision = policy.retention_decision(None, d.purpose, d.basis,
                                                 RetentionFacts(collected_on=TODAY))
            assert decision.rule_id != CONTACT_PERIOD and decision.date is not None, label
