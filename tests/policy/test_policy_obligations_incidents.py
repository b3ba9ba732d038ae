"""[legal_obligations] (D1) and [incidents] (Sec5, R1, Art. 33(5) GDPR) in the policy file.

The disclosure gate accepts a disclosure on a legal obligation only by the id of one declared
here (tests/disclosure/test_legal_obligations.py); the incident register deletes reporters'
contact data and, later, the incidents by these periods (tests/incidents). Here: InFactor
declares them, another company may declare none, and every defect is refused by key."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from privacydesk.policy import Period, Policy, PolicyError, load_policy_text

Data = dict[str, Any]


def _load(dump_toml: Callable[[Data], str], data: Data) -> Policy:
    return load_policy_text(dump_toml(data), file="mutated.toml")


def test_infactor_declares_the_tax_authority_under_awr_and_the_wage_tax_act(
        policy: Policy) -> None:
    tax = policy.legal_obligations["tax_inspection"]
    assert (tax.authority, tax.statute) == ("Belastingdienst",
                                            "Algemene wet inzake rijksbelastingen")
    assert "52" in tax.article and tax.names_recipient("  belastingdienst ")
    assert tax.categories == {"names", "address", "financial"}
    assert tax.roles == {"customer", "prospect"}
    payroll = policy.legal_obligations["payroll_tax"]
    assert "identity" in payroll.categories and payroll.roles == {"employee",
                                                                  "former_employee"}
    assert not payroll.names_recipient("UWV")


def test_without_the_section_nothing_is_declared(default_data: Data,
                                                 dump_toml: Callable[[Data], str]) -> None:
    del default_data["legal_obligations"]
    assert dict(_load(dump_toml, default_data).legal_obligations) == {}


_TAX: Data = {"label": {"nl": "Inzage", "en": "Inspection"}, "statute": "AWR",
              "article": "art. 52", "authority": "Belastingdienst",
              "recipients": ["Belastingdienst"], "categories": ["financial"],
              "roles": ["customer"]}


@pytest.mark.parametrize(("change", "key", "rule"), [
    ({"categories": ["health"]}, "legal_obligations.tax.categories[0]",
     "must name a declared category; 'health' is not one"),
    ({"roles": ["neighbour"]}, "legal_obligations.tax.roles[0]", "must name a declared role"),
    ({"recipients": []}, "legal_obligations.tax.recipients", "at least one recipient"),
    ({"recipients": ["Belastingdienst", " belastingdienst"]},
     "legal_obligations.tax.recipients[1]", "twice"),
    ({"recipients": ["fiscus@belastingdienst.nl"]}, "legal_obligations.tax.recipients[0]",
     "not an e-mail address"),
    ({"statute": " "}, "legal_obligations.tax.statute", "must not be empty"),
    ({"article": None}, "legal_obligations.tax.article", "is required"),
    ({"because": "we say so"}, "legal_obligations.tax.because", "is not a known key"),
])
def test_a_defective_obligation_is_refused_naming_the_key(
        default_data: Data, dump_toml: Callable[[Data], str], change: Data, key: str,
        rule: str) -> None:
    tax = {**_TAX, **change}
    default_data["legal_obligations"] = {"tax": {k: v for k, v in tax.items()
                                                 if v is not None}}
    with pytest.raises(PolicyError) as caught:
        _load(dump_toml, default_data)
    assert caught.value.key == key
    assert rule in caught.value.rule


def test_infactor_keeps_reporters_six_months_and_the_facts_five_years(policy: Policy) -> None:
    assert policy.incidents.reporter_period == Period(months=6)
    assert policy.incidents.documentation_period == Period(years=5)
    assert "33" in policy.incidents.law.nl


def test_without_the_incidents_section_both_periods_are_the_contact_period(
        default_data: Data, dump_toml: Callable[[Data], str]) -> None:
    del default_data["incidents"]
    loaded = _load(dump_toml, default_data)
    assert loaded.incidents.reporter_period == loaded.retention.contact_period
    assert loaded.incidents.documentation_period == loaded.retention.contact_period


@pytest.mark.parametrize(("section", "key", "rule"), [
    ({"reporter_period": {"years": 1}, "documentation_period": {"months": 6}},
     "incidents.documentation_period", "must not be shorter than reporter_period"),
    ({"reporter_period": {"months": 12}, "documentation_period": {"years": 1, "days": -1}},
     "incidents.documentation_period.days", "must not be negative"),
    ({"documentation_period": {"years": 5}}, "incidents.reporter_period", "is required"),
    ({"reporter_period": {}, "documentation_period": {"years": 5}},
     "incidents.reporter_period", "must give years, months and/or days"),
    ({"reporter_period": {"months": 6}, "documentation_period": {"years": 5}, "keep": True},
     "incidents.keep", "is not a known key"),
])
def test_a_defective_incidents_section_is_refused_naming_the_key(
        default_data: Data, dump_toml: Callable[[Data], str], section: Data, key: str,
        rule: str) -> None:
    default_data["incidents"] = section
    with pytest.raises(PolicyError) as caught:
        _load(dump_toml, default_data)
    assert caught.value.key == key
    assert rule in caught.value.rule
