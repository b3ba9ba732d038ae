"""The demo population shows every role and category and obeys every rule it is asked about.

The generator asks the policy before it writes anything; these tests check the rows that
were written against the same policy, row by row (C1-C5, P3), through the register's own
models and format checks.
"""

from __future__ import annotations

from collections import defaultdict

from privacydesk.demo import population
from privacydesk.policy.active import get_policy
from privacydesk.register import services
from privacydesk.register.fields import clean_values
from privacydesk.register.models import (
    DATUM_MODELS,
    Agreement,
    AgreementParty,
    AgreementRecipient,
    Email,
    Person,
    Role,
)
from privacydesk.vault.models import AuditEntry


def _active_roles() -> dict[int, set[str]]:
    roles: dict[int, set[str]] = defaultdict(set)
    for person_id, kind in Role.objects.active_on().values_list("person_id", "kind"):
        roles[person_id].add(kind)
    return roles


def test_the_register_holds_the_requested_number_of_people(demo_population):
    assert demo_population.people == Person.objects.count() == 300
    assert demo_population.added == 300
    assert demo_population.organisations > 0
    assert demo_population.agreements == Agreement.objects.count()


def test_every_role_of_the_policy_is_present(demo_population):
    # S1: customers (Anna), prospects (Bram), employees (Carla), former employees (Daan)
    # and representatives of companies (Eva) are all there.
    present = set(Role.objects.active_on().values_list("kind", flat=True))
    assert present == set(get_policy().roles)
    assert not Role.objects.filter(kind="contact", organisation__isnull=True).exists()


def test_every_category_of_the_policy_is_present(demo_population):
    for category in get_policy().categories:
        assert DATUM_MODELS[category].objects.exists(), category


def test_agreements_of_both_kinds_with_parties_and_recipients(demo_population):
    kinds = set(Agreement.objects.values_list("kind", flat=True))
    assert kinds == {Agreement.ONE_OFF, Agreement.SLA}
    assert AgreementParty.objects.exists()
    categories = get_policy().categories
    for recipient in AgreementRecipient.objects.all():  # D2: declared categories only
        assert recipient.categories and set(recipient.categories) <= set(categories)


def test_every_datum_obeys_c1_to_c5_and_p3(demo_population):
    policy, roles = get_policy(), _active_roles()
    parties = set(AgreementParty.objects.values_list("agreement_id", "person_id"))
    checked = 0
    for category, model in DATUM_MODELS.items():
        for datum in model.objects.all():
            admin = bool(getattr(datum, "is_admin_account", False))
            policy.check_may_hold(category, roles[datum.person_id], admin_account=admin)
            policy.check_source(datum.source)
            policy.check_purpose(datum.purpose, datum.legal_basis,
                                 has_agreement=datum.agreement_id is not None)
            if datum.agreement_id is not None:
                assert (datum.agreement_id, datum.person_id) in parties
            checked += 1
    assert checked > 300


def test_identity_data_only_for_employees_and_former_employees(demo_population):
    # C5, asked directly: no customer (Anna) or prospect (Bram) holds identity data.
    roles = _active_roles()
    holders = set(DATUM_MODELS["identity"].objects.values_list("person_id", flat=True))
    assert holders
    for person_id in holders:
        assert roles[person_id] & {"employee", "former_employee"}


def test_every_value_passes_the_register_format_checks(demo_population):
    # Valid IBANs (mod 97), BSNs (11-test), E.164 phone numbers, postcodes "1234 AB";
    # sealed values open through the model, so they are bound to the right person.
    for category, model in DATUM_MODELS.items():
        for datum in model.objects.select_related("person"):
            values = datum.get_values()
            assert clean_values(category, values) == values


def test_a_generated_person_is_found_by_email(demo_population):
    for datum in Email.objects.select_related("person").order_by("?")[:25]:
        address = datum.get_values()["address"]
        assert services.find_person_by_email(address.upper()) == datum.person


def test_running_again_adds_nobody(demo_population):
    again = population.generate(300, progress=False)
    assert again.added == 0
    assert Person.objects.count() == 300
    assert AuditEntry.objects.filter(action="import").count() == 1


def test_a_larger_request_adds_only_the_missing_people(demo_population):
    more = population.generate(340, progress=False)
    assert (more.added, more.people) == (40, 340)
    addresses = [e.address_index for e in Email.objects.all()]
    assert len(addresses) == len(set(addresses))  # nobody's address was generated twice


def test_the_import_is_audited_once_without_personal_data(demo_population):
    entry = AuditEntry.objects.get(action="import")
    assert entry.actor == "import" and entry.person_ref == ""
    assert entry.detail_data["people"] == 300
    assert set(entry.detail_data["data"]) == set(DATUM_MODELS)
    assert "@" not in entry.detail
