"""P3: an agreements register (one-off and SLA); D2: recipients stated in the agreement."""

from __future__ import annotations

from datetime import date

import pytest

from privacydesk.policy import clock
from privacydesk.policy.errors import RuleViolation
from privacydesk.register import services
from privacydesk.register.models import Agreement, AgreementRecipient

from .conftest import ACTOR

# Date-sensitive: scripts/test.sh runs these again under frozen clocks (#13.1).
pytestmark = pytest.mark.dates

ACCOUNTANT = {"recipient": "Accountantskantoor Noord", "categories": ["names", "financial"],
              "legal_basis": "legal_obligation", "purpose": "Jaarrekening (fiscale plicht)"}


def test_p3_agreement_with_parties_and_d2_recipients(personas):
    agreement = services.create_agreement(
        "one_off", "OO-2025-012", "Migratie mailserver", date(2025, 1, 6), date(2025, 3, 31),
        parties=[personas.eva], recipients=[ACCOUNTANT], organisation=personas.acme,
        actor=ACTOR)
    assert agreement.has_party(personas.eva) and not agreement.has_party(personas.anna)
    (recipient,) = agreement.recipients.all()
    assert recipient.categories == ["financial", "names"]
    assert recipient.legal_basis == "legal_obligation"
    assert agreement.is_running_on(date(2025, 2, 1))
    assert not agreement.is_running_on(date(2025, 4, 1))


def test_an_sla_runs_until_it_is_ended(personas):
    sla = personas.anna_sla
    assert sla.is_running_on(date(2099, 1, 1))
    services.end_agreement(sla, clock.today(), actor=ACTOR)
    assert not Agreement.objects.get(pk=sla.pk).is_running_on(date(2099, 1, 1))
    services.extend_agreement(sla, None, actor=ACTOR)
    assert Agreement.objects.get(pk=sla.pk).ends_on is None


def test_d1_recipients_only_for_the_contract_or_a_legal_obligation(personas):
    marketing = {**ACCOUNTANT, "legal_basis": "legitimate_interests"}
    with pytest.raises(RuleViolation) as caught:
        services.create_agreement("sla", "SLA-X", "x", date(2025, 1, 1), parties=[personas.anna],
                                  recipients=[marketing], actor=ACTOR)
    assert (caught.value.field, caught.value.rule) == ("recipients[0].legal_basis", "D1")
    assert not Agreement.objects.filter(reference="SLA-X").exists()


def test_recipient_categories_must_be_policy_categories(personas):
    with pytest.raises(RuleViolation) as caught:
        services.create_agreement("sla", "SLA-Y", "y", date(2025, 1, 1),
                                  recipients=[{**ACCOUNTANT, "categories": ["health"]}],
                                  actor=ACTOR)
    assert caught.value.rule == "C2"
    assert not AgreementRecipient.objects.exists()


def test_bad_kind_reference_and_dates_are_refused(personas):
    cases = [
        (dict(kind="lease"), "kind"),
        (dict(reference="SLA-2024-001"), "reference"),  # already exists
        (dict(ends_on=date(2024, 12, 31)), "ends_on"),
        (dict(title="\x07"), "title"),
    ]
    for change, field in cases:
        args = {"kind": "sla", "reference": "SLA-NEW", "title": "t",
                "starts_on": date(2025, 1, 1), **change}
        with pytest.raises(RuleViolation) as caught:
            services.create_agreement(**args, actor=ACTOR)
        assert caught.value.field == field
    assert not Agreement.objects.filter(reference="SLA-NEW").exists()


def test_a_party_is_added_once(personas):
    services.add_party(personas.anna_sla, personas.eva, actor=ACTOR)
    with pytest.raises(RuleViolation) as caught:
        services.add_party(personas.anna_sla, personas.eva, actor=ACTOR)
    assert caught.value.rule == "unique"
    assert personas.anna_sla.parties.count() == 2


# --- #13 5.9: one agreement once accepted 10,000 identical recipients -----------------------

def test_the_same_recipient_twice_on_one_basis_is_refused_and_nothing_is_stored(personas):
    twice = [ACCOUNTANT, {**ACCOUNTANT, "recipient": "  accountantskantoor   NOORD "}]
    with pytest.raises(RuleViolation) as caught:
        services.create_agreement("sla", "SLA-DUP", "d", date(2025, 1, 1),
                                  parties=[personas.anna], recipients=twice, actor=ACTOR)
    assert (caught.value.field, caught.value.rule) == ("recipients[1].recipient", "unique")
    assert "recipients[0]" in caught.value.message
    assert not Agreement.objects.filter(reference="SLA-DUP").exists()
    assert not AgreementRecipient.objects.exists()


def test_one_recipient_on_two_bases_is_two_rows(personas):
    hosting = {**ACCOUNTANT, "legal_basis": "contract", "categories": ["names"]}
    agreement = services.create_agreement("sla", "SLA-TWO", "t", date(2025, 1, 1),
                                          recipients=[ACCOUNTANT, hosting], actor=ACTOR)
    assert agreement.recipients.count() == 2


def test_ten_thousand_identical_recipients_are_refused_by_the_limit(personas):
    from privacydesk.register.services.agreements import MAX_RECIPIENTS

    many = ({**ACCOUNTANT, "recipient": f"Leverancier {i}"} for i in range(10_000))
    with pytest.raises(RuleViolation) as caught:
        services.create_agreement("sla", "SLA-MANY", "m", date(2025, 1, 1), recipients=many,
                                  actor=ACTOR)
    assert (caught.value.field, caught.value.rule) == ("recipients", "limit")
    assert str(MAX_RECIPIENTS) in caught.value.message
    assert not AgreementRecipient.objects.exists()


def test_a_category_named_twice_in_a_recipient_row_is_refused(personas):
    row = {**ACCOUNTANT, "categories": ["names", "financial", "names"]}
    with pytest.raises(RuleViolation) as caught:
        services.create_agreement("sla", "SLA-CAT", "c", date(2025, 1, 1), recipients=[row],
                                  actor=ACTOR)
    assert (caught.value.field, caught.value.rule) == ("recipients[0].categories", "unique")
    assert not Agreement.objects.filter(reference="SLA-CAT").exists()
