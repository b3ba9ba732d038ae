"""R1 for the log and the consents: evidence of lawful sharing outlives the person only as a
pseudonymous ref, for the policy's accountability period, and then goes with a receipt."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.apps import apps

from privacydesk.disclosure import consent as consents
from privacydesk.disclosure.gate import disclose
from privacydesk.disclosure.models import ConsentRequest, Disclosure
from privacydesk.disclosure.retention import DECLARATIONS, due_on, prune_expired
from privacydesk.policy import CONTACT_PERIOD, RetentionFacts, clock
from privacydesk.policy.active import get_policy
from privacydesk.register import services
from privacydesk.register.models import Person
from privacydesk.retention.declarations import SYSTEM
from privacydesk.retention.erasure import erase_person
from privacydesk.retention.models import DeletionReceipt

from .conftest import ACTOR, PARTNER, ask, token_of

# Date-sensitive: scripts/test.sh runs these again under frozen clocks (#13.1).
pytestmark = pytest.mark.dates


def _granted_and_used(person, smtp):
    ask(person)
    consent, withdraw_token = consents.answer(token_of(smtp.link()), grant=True)
    disclose(person, PARTNER, ["names", "phone"], "callback", actor=ACTOR)
    return consent, withdraw_token


def test_every_model_of_the_app_declares_a_policy_rule():
    labels = {m._meta.label_lower for m in apps.get_app_config("disclosure").get_models()}
    assert set(DECLARATIONS) == labels
    for label, declaration in DECLARATIONS.items():
        assert declaration.kind == SYSTEM and declaration.reason.strip(), label
        decision = get_policy().retention_decision(
            None, declaration.purpose, declaration.basis,
            RetentionFacts(collected_on=clock.today()))
        assert decision.rule_id != CONTACT_PERIOD and decision.date is not None, label


def test_erasure_leaves_only_pseudonymous_evidence_then_the_prune_removes_it(personas, smtp):
    consent, _ = _granted_and_used(personas.bram, smtp)
    ref = personas.bram.ref
    receipt = erase_person(personas.bram, actor=ACTOR)
    assert receipt.person_deleted and not Person.objects.filter(ref=ref).exists()
    row = Disclosure.objects.get()
    assert row.person_id is None and row.person_ref == ref
    assert ConsentRequest.objects.get().person_id is None

    today = clock.today()
    assert prune_expired(today) == 0                       # the period starts now
    assert Disclosure.objects.get().person_gone_on == today
    last_kept = due_on(today) - timedelta(days=1)
    assert prune_expired(last_kept) == 0
    assert prune_expired(due_on(today)) == 2               # disclosure, then its consent
    assert not Disclosure.objects.exists() and not ConsentRequest.objects.exists()
    models = set(DeletionReceipt.objects.filter(kind=DeletionReceipt.SYSTEM)
                 .values_list("model", flat=True))
    assert models == {"disclosure.disclosure", "disclosure.consentrequest"}
    assert str(ref) not in str(list(DeletionReceipt.objects.filter(
        kind=DeletionReceipt.SYSTEM).values()))


def test_a_living_persons_disclosures_stay(personas):
    disclose(personas.anna, "Hosting BV", ["names"], "agreement", actor=ACTOR)
    far = clock.today() + timedelta(days=365 * 20)
    assert prune_expired(far) == 0 and Disclosure.objects.count() == 1


def test_a_withdrawn_consent_goes_after_the_proof_period_unless_evidence_rests_on_it(
        personas, smtp):
    used, used_withdraw = _granted_and_used(personas.bram, smtp)
    consents.withdraw(used_withdraw)
    ask(personas.bram, recipient="Other BV")
    unused, unused_withdraw = consents.answer(token_of(smtp.link()), grant=True)
    consents.withdraw(unused_withdraw)
    today = clock.today()
    assert prune_expired(today) == 0
    assert prune_expired(due_on(today)) == 1
    assert list(ConsentRequest.objects.values_list("pk", flat=True)) == [used.pk]


def test_a_person_kept_by_law_can_still_be_erased(personas, smtp):
    # Carla's IBAN is kept under the fiscal duty: erasure restricts her instead of deleting
    # the person, and deletes every other row that refers to her, model by model.
    services.add_datum(personas.carla, "email", {"address": "carla@example.nl"},
                       source="staff", purpose="callback", basis="consent", actor=ACTOR)
    disclose(personas.carla, "Belastingdienst", ["financial"], "legal_obligation",
             actor=ACTOR, legal_obligation="payroll_tax")
    _granted_and_used(personas.carla, smtp)
    receipt = erase_person(personas.carla, actor=ACTOR)
    assert not receipt.person_deleted
    # Either gone or detached from the person: never a row that still uses her data.
    assert not Disclosure.objects.filter(person=personas.carla).exists()
    assert not ConsentRequest.objects.filter(person=personas.carla).exists()
    # The evidence of lawful sharing stays, by ref only, as if the person had gone.
    assert Disclosure.objects.filter(person_ref=personas.carla.ref).count() == 2
    assert ConsentRequest.objects.filter(person_ref=personas.carla.ref).count() == 1


def test_the_daily_prune_runs_the_disclosure_and_access_prunes(personas, smtp):
    from privacydesk.retention.prune import prune_system

    consent, _ = _granted_and_used(personas.bram, smtp)
    erase_person(personas.bram, actor=ACTOR)
    today = clock.today()
    assert prune_system(today)["disclosure records"] == 0   # the period starts now
    counts = prune_system(due_on(today))
    assert counts["disclosure records"] == 2 and counts["access records"] == 0
    assert not Disclosure.objects.exists()
