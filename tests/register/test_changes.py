"""update_datum and delete_datum: same rules as adding, audited by field name only."""

from __future__ import annotations

import pytest

from privacydesk.policy.errors import RuleViolation
from privacydesk.register import services
from privacydesk.register.models import Account, Email
from privacydesk.vault.models import AuditEntry

from .conftest import ACTOR

ADMIN_ACCOUNT = {"system": "Microsoft 365", "username": "beheer", "is_admin_account": True}


def last_entry() -> AuditEntry:
    return AuditEntry.objects.order_by("-seq")[0]


def test_update_audits_the_changed_field_names_not_the_values(personas):
    email = personas.anna.email_set.get()
    services.update_datum(email, {"address": "anna@devries.nl"}, actor=ACTOR,
                          purpose=services.RECTIFICATION)
    entry = last_entry()
    assert (entry.action, entry.object_type, entry.purpose) == (
        "update", "register.email", "rectification")
    assert entry.detail_data["fields"] == ["address"]
    assert "devries" not in entry.detail
    assert services.find_person_by_email("ANNA@devries.nl").pk == personas.anna.pk
    assert services.find_person_by_email(personas.anna_email) is None
    assert Email.objects.get(pk=email.pk).get_values() == {"address": "anna@devries.nl"}


def test_an_update_that_changes_nothing_writes_nothing(personas):
    name = personas.anna.name_set.get()
    before = AuditEntry.objects.count()
    services.update_datum(name, {"given_names": " Anna "}, actor=ACTOR, purpose="agreement")
    assert AuditEntry.objects.count() == before


def test_update_with_a_bad_value_names_the_field_and_keeps_the_old_value(personas):
    email = personas.anna.email_set.get()
    with pytest.raises(RuleViolation) as caught:
        services.update_datum(email, {"address": "not-an-address"}, actor=ACTOR,
                              purpose="agreement")
    assert (caught.value.field, caught.value.rule) == ("address", "format")
    assert Email.objects.get(pk=email.pk).get_values()["address"].startswith("Anna.de.Vries")


def test_c4_an_account_may_not_stop_being_an_admin_account(personas):
    account = services.add_datum(personas.anna, "account", ADMIN_ACCOUNT, source="service",
                                 purpose="agreement", basis="contract", actor=ACTOR,
                                 agreement=personas.anna_sla)
    with pytest.raises(RuleViolation) as caught:
        services.update_datum(account, {"is_admin_account": False}, actor=ACTOR,
                              purpose="agreement")
    assert caught.value.rule == "C4"
    assert Account.objects.get(pk=account.pk).is_admin_account


def test_delete_removes_the_row_and_audits_the_category(personas):
    email = personas.anna.email_set.get()
    pk = email.pk
    services.delete_datum(email, actor=ACTOR, purpose=services.ERASURE)
    assert not Email.objects.filter(pk=pk).exists()
    entry = last_entry()
    assert (entry.action, entry.object_id, entry.person_ref) == (
        "delete", str(pk), str(personas.anna.ref))
    assert entry.detail_data == {"category": "email"}
    assert services.find_person_by_email(personas.anna_email) is None
