"""D1–D3 on what actually left: the disclosure log written by the gate. Data shared on all
three roads pass; each test then breaks one promise behind the gate's back and expects its
check to fail."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.core import mail

from privacydesk.check import FAIL, IDLE, PASS
from privacydesk.disclosure import consent as consents
from privacydesk.disclosure.gate import disclose
from privacydesk.disclosure.models import ConsentRequest, ConsentStatus, Disclosure
from privacydesk.register.models import AgreementRecipient

from .conftest import ACTOR, SECRETS, details_of, status_of

PARTNER = "Partner BV"


@pytest.fixture
def shared(personas) -> SimpleNamespace:
    """Anna's SLA lets Hosting BV host her mail; Carla's IBAN goes to the tax authority by
    law; Anna consented to Partner BV calling her back."""
    on_agreement = disclose(personas.anna, "Hosting BV", ["names", "email"], "agreement",
                            actor=ACTOR)
    by_law = disclose(personas.carla, "Belastingdienst", ["financial"], "legal_obligation",
                      actor=ACTOR, legal_obligation="payroll_tax")
    consents.request_consent(personas.anna, PARTNER, ["names"], "callback",
                             "Partner BV belt u terug.", actor=ACTOR)
    token = mail.outbox[-1].body.split("/consent/nl/", 1)[1].split("/", 1)[0]
    consent, _ = consents.answer(token, grant=True)
    on_consent = disclose(personas.anna, PARTNER, ["names"], "callback", actor=ACTOR)
    return SimpleNamespace(on_agreement=on_agreement, by_law=by_law, consent=consent,
                           on_consent=on_consent)


def test_disclosures_on_all_three_roads_keep_d1_d2_d3(shared):
    assert [status_of(p) for p in ("D1", "D2", "D3")] == [PASS, PASS, PASS]
    text = " ".join(details_of(p) for p in ("D1", "D2", "D3"))
    assert not [s for s in SECRETS if s in text]


def test_d1_a_disclosure_on_a_basis_outside_agreement_law_and_consent_fails(shared):
    Disclosure.objects.filter(pk=shared.by_law.pk).update(legal_basis="legitimate_interests")
    assert status_of("D1") == FAIL


def test_d1_a_purpose_the_basis_does_not_allow_fails(shared):
    Disclosure.objects.filter(pk=shared.by_law.pk).update(purpose="callback")
    assert status_of("D1") == FAIL


def test_d2_a_recipient_the_agreement_does_not_name_fails(shared):
    Disclosure.objects.filter(pk=shared.on_agreement.pk).update(recipient="Marketing BV")
    assert status_of("D2") == FAIL


def test_d2_categories_beyond_what_the_agreement_names_fail(shared):
    AgreementRecipient.objects.update(categories=["names"])
    assert status_of("D2") == FAIL


def test_d3_a_consent_withdrawn_before_the_disclosure_fails(shared):
    ConsentRequest.objects.filter(pk=shared.consent.pk).update(
        status=ConsentStatus.WITHDRAWN,
        withdrawn_at=shared.on_consent.disclosed_at - timedelta(minutes=1))
    assert status_of("D3") == FAIL
    assert "withdrew" in details_of("D3")


def test_d3_a_withdrawal_after_the_disclosure_leaves_it_lawful(shared):
    consents.withdraw_by_staff(shared.consent, actor=ACTOR)
    assert status_of("D3") == PASS


def test_d3_a_consent_granted_only_after_the_disclosure_fails(shared):
    ConsentRequest.objects.filter(pk=shared.consent.pk).update(
        answered_at=shared.on_consent.disclosed_at + timedelta(minutes=1))
    assert status_of("D3") == FAIL


def test_d3_a_consent_for_another_recipient_fails(shared):
    ConsentRequest.objects.filter(pk=shared.consent.pk).update(recipient="Other BV")
    assert status_of("D3") == FAIL


def test_d3_categories_the_consent_does_not_cover_fail(shared):
    Disclosure.objects.filter(pk=shared.on_consent.pk).update(categories=["names", "email"])
    assert status_of("D3") == FAIL


def test_d3_a_refused_consent_fails(shared):
    ConsentRequest.objects.filter(pk=shared.consent.pk).update(status=ConsentStatus.REFUSED)
    assert status_of("D3") == FAIL


def test_d3_with_nothing_shared_on_consent_is_idle_not_proven(personas):
    # Nothing disclosed on consent: nothing proves D3 yet, and nothing contradicts it.
    assert status_of("D3") == IDLE
