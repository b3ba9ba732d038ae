"""D3: any other sharing only after the person's consent. The request goes to the person;
nothing is shared until they grant it; a refusal or a withdrawal is honoured at once."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from privacydesk.disclosure import consent as consents
from privacydesk.disclosure.gate import disclose
from privacydesk.disclosure.models import Basis, ConsentRequest, ConsentStatus, Disclosure
from privacydesk.policy.errors import RestrictedError, RuleViolation
from privacydesk.register import services
from privacydesk.vault.models import AuditEntry

from .conftest import ACTOR, ANNA_EMAIL, BRAM_EMAIL, PARTNER, ask, token_of

# Date-sensitive: scripts/test.sh runs these again under frozen clocks (#13.1).
pytestmark = pytest.mark.dates


def _share(person, consent=None, **kw):
    args = {"recipient": PARTNER, "categories": ["names", "phone"], "purpose": "callback",
            **kw}
    return disclose(person, args["recipient"], args["categories"], args["purpose"],
                    actor=ACTOR, consent=consent)


def _granted(person, smtp, **kw):
    ask(person, **kw)
    consent, withdraw_token = consents.answer(token_of(smtp.link()), grant=True)
    return consent, withdraw_token


def test_the_request_is_mailed_to_the_registered_address_in_the_persons_language(
        personas, smtp):
    asked = ask(personas.bram, language="nl")
    (message,) = smtp.messages
    assert message["To"] == BRAM_EMAIL
    assert "toestemming" in message["Subject"]
    assert PARTNER in smtp.body() and "Telefoonnummers" in smtp.body()
    assert smtp.link().startswith("/consent/nl/")
    assert asked.status == ConsentStatus.PENDING and asked.answer_hash
    assert token_of(smtp.link()) not in str(asked.__dict__)   # only the hash is stored
    ask(personas.anna, categories=("names",), language="en")
    assert smtp.messages[-1]["To"] == ANNA_EMAIL
    assert "consent" in smtp.messages[-1]["Subject"] and smtp.link().startswith("/consent/en/")


def test_nothing_is_shared_before_the_person_grants(personas, smtp):
    asked = ask(personas.bram)
    with pytest.raises(RuleViolation) as caught:
        _share(personas.bram, asked.uid)
    assert (caught.value.field, caught.value.rule) == ("consent", "D3")
    with pytest.raises(RuleViolation) as caught:
        _share(personas.bram)
    assert (caught.value.field, caught.value.rule) == ("basis", "D1")
    assert not Disclosure.objects.exists()


def test_a_granted_consent_lets_exactly_what_it_covers_through(personas, smtp):
    consent, _ = _granted(personas.bram, smtp)
    row = _share(personas.bram, consent.uid)
    assert (row.basis, row.legal_basis, row.consent_id) == (Basis.CONSENT, "consent",
                                                            consent.pk)
    assert _share(personas.bram).consent_id == consent.pk   # found without naming it
    for kw, why in (({"recipient": "Other BV"}, "not for Other BV"),
                    ({"categories": ["names", "email"]}, "does not cover email"),
                    ({"purpose": "written_contact"}, "purpose")):
        with pytest.raises(RuleViolation) as caught:
            _share(personas.bram, consent.uid, **kw)
        assert caught.value.rule == "D3" and why in caught.value.message


def test_someone_elses_consent_covers_nothing(personas, smtp):
    consent, _ = _granted(personas.bram, smtp)
    with pytest.raises(RuleViolation) as caught:
        _share(personas.anna, consent.uid, categories=["names"])
    assert caught.value.rule == "D3" and "another person" in caught.value.message


def test_a_refusal_is_final_and_shares_nothing(personas, smtp):
    ask(personas.bram)
    token = token_of(smtp.link())
    consent, withdraw_token = consents.answer(token, grant=False)
    assert consent.status == ConsentStatus.REFUSED and withdraw_token == ""
    assert consents.answer(token, grant=True) is None          # single use
    with pytest.raises(RuleViolation) as caught:
        _share(personas.bram, consent.uid)
    assert "refused" in caught.value.message


def test_a_withdrawal_is_honoured_at_once(personas, smtp):
    consent, withdraw_token = _granted(personas.bram, smtp)
    _share(personas.bram, consent.uid)
    assert consents.withdraw(withdraw_token).status == ConsentStatus.WITHDRAWN
    with pytest.raises(RuleViolation) as caught:
        _share(personas.bram, consent.uid)
    assert caught.value.rule == "D3" and "withdrew" in caught.value.message
    with pytest.raises(RuleViolation):
        _share(personas.bram)
    assert consents.withdraw(withdraw_token) is None           # the link is spent
    assert Disclosure.objects.count() == 1                     # the earlier one stays logged


def test_staff_record_a_withdrawal_made_by_phone(personas, smtp):
    consent, _ = _granted(personas.bram, smtp)
    consents.withdraw_by_staff(consent, actor="officer")
    consent.refresh_from_db()
    assert consent.withdrawn_by == "officer" and consent.withdrawn_at is not None
    with pytest.raises(RuleViolation):
        consents.withdraw_by_staff(consent, actor="officer")


def test_a_consent_expires_after_the_default_period(personas, smtp):
    consent, _ = _granted(personas.bram, smtp)
    assert consent.expires_at - consent.answered_at >= timedelta(days=365)
    ConsentRequest.objects.filter(pk=consent.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1))
    with pytest.raises(RuleViolation) as caught:
        _share(personas.bram, consent.uid)
    assert "expired" in caught.value.message


def test_an_unanswered_link_lapses(personas, smtp):
    asked = ask(personas.bram)
    ConsentRequest.objects.filter(pk=asked.pk).update(
        link_expires_at=timezone.now() - timedelta(seconds=1))
    assert consents.answer(token_of(smtp.link()), grant=True) is None


def test_olaf_has_no_address_so_no_request_is_stored(personas, smtp):
    entries = AuditEntry.objects.count()
    with pytest.raises(RuleViolation) as caught:
        ask(personas.olaf)
    assert (caught.value.field, caught.value.rule) == ("person", "D3")
    assert not ConsentRequest.objects.exists() and not smtp.messages
    assert AuditEntry.objects.count() == entries


def test_only_a_purpose_the_policy_lets_rest_on_consent_can_be_asked(personas, smtp):
    with pytest.raises(RuleViolation) as caught:
        ask(personas.bram, purpose="agreement")
    assert (caught.value.field, caught.value.rule) == ("purpose", "Art6")


def test_a_restricted_person_is_not_asked(personas, smtp):
    services.set_restricted(personas.bram, True, actor=ACTOR, reason="objection")
    with pytest.raises(RestrictedError):
        ask(personas.bram)
    assert not ConsentRequest.objects.exists()


def test_a_mail_that_cannot_leave_stores_nothing(personas, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", 9, 2
    with pytest.raises(RuleViolation) as caught:
        ask(personas.bram)
    assert (caught.value.field, caught.value.rule) == ("email", "delivery")
    assert not ConsentRequest.objects.exists()


def test_the_audit_trail_names_refs_and_never_the_address(personas, smtp):
    consent, withdraw_token = _granted(personas.bram, smtp)
    consents.withdraw(withdraw_token)
    actions = list(AuditEntry.objects.filter(object_type="disclosure.consentrequest")
                   .order_by("seq").values_list("action", "actor", "person_ref", "detail"))
    assert [a[:2] for a in actions] == [("consent.request", ACTOR), ("consent.grant", "public"),
                                        ("consent.withdraw", "public")]
    assert {a[2] for a in actions} == {str(personas.bram.ref)}
    assert all(BRAM_EMAIL not in a[3] for a in actions)
