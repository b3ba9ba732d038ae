"""Loading the policy: the default is complete, and any defect refuses the whole file with
the file, the dotted key and the rule broken (PolicyError)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from privacydesk.policy import Policy, PolicyError, load_policy, load_policy_text

Data = dict[str, Any]


@pytest.fixture()
def load(dump_toml: Callable[[Data], str]) -> Callable[[Data], Policy]:
    def load_(data: Data) -> Policy:
        return load_policy_text(dump_toml(data), file="mutated.toml")
    return load_


# -- the default policy says what the statement says ----------------------------------------------
def test_default_policy_names_infactor_as_controller_Id1(policy: Policy) -> None:
    c = policy.controller
    assert (c.name, c.street, c.postcode, c.city) == ("InFactor", "Eeldersingel 40", "9726 AS",
                                                      "Groningen")
    assert (c.phone, c.email, c.website, c.country) == ("050 - 525 90 60", "info@infactor.nl",
                                                         "www.infactor.nl", "NL")
    assert c.authority.name == "Autoriteit Persoonsgegevens"


def test_default_policy_declares_exactly_the_seven_categories_of_the_statement_C2(
        policy: Policy) -> None:
    assert list(policy.categories) == ["names", "address", "phone", "email", "financial",
                                       "account", "identity"]
    assert policy.categories["financial"].label("nl") == "Financiële gegevens"


def test_default_policy_limits_financial_account_and_identity_data_C3_C4_C5(
        policy: Policy) -> None:
    cats = policy.categories
    assert cats["financial"].allowed_roles == {"customer", "prospect", "employee"}
    assert cats["account"].allowed_roles == {"customer", "prospect", "employee"}
    assert cats["account"].requires_admin_account
    assert cats["identity"].allowed_roles == {"employee", "former_employee"}
    assert [cats[k].promise for k in ("financial", "account", "identity")] == ["C3", "C4", "C5"]


def test_sensitive_categories_and_email_are_encrypted_Sec1(policy: Policy) -> None:
    encrypted = {k for k, c in policy.categories.items() if c.encrypted}
    assert encrypted == {"email", "financial", "account", "identity"}
    assert policy.categories["email"].blind_index


def test_default_policy_numbers_match_the_statement(policy: Policy) -> None:
    assert policy.requests.deadline_days == 7                       # Rt6: within one week
    assert policy.requests.legal_limit_months == 1                  # GDPR Art. 12(3)
    assert policy.callbacks.attempts_before_written == 3            # P2
    g = policy.guard                                                # W2
    assert (g.threshold, g.window_seconds, g.ban_seconds, g.registration_days) == (5, 600, 900,
                                                                                    30)
    assert policy.purposes["agreement"].requires_agreement          # P3
    assert set(policy.sources) == {"service", "contact_form", "email", "staff", "import"}  # C1
    assert policy.legal_bases["legitimate_interests"].article == "Art. 6(1)(f) GDPR"


def test_a_loaded_policy_cannot_be_changed(policy: Policy) -> None:
    with pytest.raises(AttributeError):
        policy.controller.name = "Someone else"  # type: ignore[misc]
    with pytest.raises(TypeError):
        policy.categories["dna"] = policy.categories["names"]  # type: ignore[index]


# -- every defect is refused whole, naming the key and the rule -----------------------------------
def _set(path: str, value: Any) -> Callable[[Data], None]:
    *parents, last = path.split(".")

    def apply(data: Data) -> None:
        node: Any = data
        for part in parents:
            node = node[int(part)] if part.isdigit() else node[part]
        if last.isdigit():
            node[int(last)] = value
        elif value is _DELETE:
            del node[last]
        else:
            node[last] = value
    return apply


_DELETE = object()

DEFECTS = [
    ("unknown key", _set("controller.fax", "050 123"), "controller.fax", "not a known key"),
    ("unknown section", _set("cookies", {"a": 1}), "cookies", "not a known key"),
    ("missing key", _set("controller.email", _DELETE), "controller.email", "is required"),
    ("missing section", _set("guard", _DELETE), "guard", "is required"),
    ("wrong type", _set("requests.deadline_days", "7"), "requests.deadline_days",
     "must be an integer, not a string"),
    ("bool for int", _set("guard.threshold", True), "guard.threshold", "must be an integer"),
    ("undefined role", _set("categories.financial.allowed_roles",
                            ["customer", "prospect", "klant"]),
     "categories.financial.allowed_roles[2]", "must name a declared role; 'klant' is not one"),
    ("undefined basis", _set("purposes.callback.bases", ["consent", "whim"]),
     "purposes.callback.bases[1]", "'whim' is not one"),
    ("undefined category for staff", _set("staff_roles.sales.categories", ["names", "dna"]),
     "staff_roles.sales.categories[1]", "must name a declared category"),
    ("undefined permission", _set("staff_roles.sales.permissions", ["fly"]),
     "staff_roles.sales.permissions[0]", "must name a declared permission"),
    ("empty string", _set("controller.city", "  "), "controller.city", "must not be empty"),
    ("bad e-mail", _set("controller.email", "info-at-infactor.nl"), "controller.email",
     "must be an e-mail address"),
    ("bad website", _set("controller.website", "not a site"), "controller.website",
     "must be a web address"),
    ("negative period", _set("retention.rule.1.period", {"years": -7}),
     "retention.rule[1].period.years", "must not be negative"),
    ("empty period", _set("retention.contact_period", {}), "retention.contact_period",
     "must give years, months and/or days"),
    ("duplicate rule id", _set("retention.rule.2.id", "fiscal-records"), "retention.rule[2].id",
     "must be unique"),
    ("unknown anchor", _set("retention.rule.0.anchor", "moon_phase"), "retention.rule[0].anchor",
     "must be one of collected"),
    ("basis a rule's purposes never allow", _set("retention.rule.0.bases", ["consent"]),
     "retention.rule[0].bases[0]", "could never apply"),
    ("duplicate reference", _set("categories.identity.allowed_roles", ["employee", "employee"]),
     "categories.identity.allowed_roles[1]", "names 'employee' twice"),
    ("missing footnote", _set("categories.identity.footnote", _DELETE),
     "categories.identity.footnote", "statement must say so"),
    ("bad placeholder", _set("categories.identity.footnote",
                             {"nl": "Voor {rollen}.", "en": "For {roles}."}),
     "categories.identity.footnote.nl", "{rollen} is not one"),
    ("unbalanced brace", _set("categories.identity.footnote", {"nl": "Voor {roles", "en": "x"}),
     "categories.identity.footnote.nl", "unbalanced"),
    ("label without en", _set("roles.customer.label", {"nl": "klant"}),
     "roles.customer.label.en", "is required"),
    ("bad promise id", _set("categories.names.promise", "c2!"), "categories.names.promise",
     "must be a promise id"),
    ("bad identifier", _set("roles.Klant", {"label": {"nl": "k", "en": "c"}}), "roles.Klant",
     "lowercase identifier"),
    ("deadline beyond the law", _set("requests.deadline_days", 40), "requests.deadline_days",
     "must not exceed the legal limit"),
    ("reminder after deadline", _set("requests.reminder_day", 9), "requests.reminder_day",
     "must be at most 7"),
    ("ban longer than max", _set("guard.ban_seconds", 10**6), "guard.ban_seconds",
     "must not exceed max_ban_seconds"),
    ("blind index without encryption", _set("categories.email.encrypted", False),
     "categories.email.blind_index", "needs encrypted = true"),
    ("unknown language", _set("statement.languages", ["nl", "fr"]), "statement.languages[1]",
     "must be one of nl, en"),
    ("control character", _set("controller.name", "In\nFactor"), "controller.name",
     "control characters"),
    ("no roles", _set("roles", {}), "roles", "at least one role"),
    ("rule table is a string", _set("retention.rule.0", "forever"), "retention.rule[0]",
     "must be a table"),
]


@pytest.mark.parametrize(("change", "key", "rule"), [d[1:] for d in DEFECTS],
                         ids=[d[0] for d in DEFECTS])
def test_a_defective_policy_is_refused_naming_key_and_rule(
        default_data: Data, load: Callable[[Data], Policy], change: Callable[[Data], None],
        key: str, rule: str) -> None:
    change(default_data)
    with pytest.raises(PolicyError) as caught:
        load(default_data)
    assert caught.value.file == "mutated.toml"
    assert caught.value.key == key
    assert rule in caught.value.rule
    assert key in str(caught.value) and "mutated.toml" in str(caught.value)


def test_toml_syntax_errors_name_the_line() -> None:
    with pytest.raises(PolicyError) as caught:
        load_policy_text('[controller]\nname = "InFactor\n', file="broken.toml")
    assert caught.value.key == "line 2"
    assert "not valid TOML" in caught.value.rule


def test_absurdly_deep_nesting_is_a_policy_error_not_a_crash() -> None:
    with pytest.raises(PolicyError, match="nests too deeply"):
        load_policy_text("a = " + "[" * 100_000)


def test_a_missing_file_is_a_policy_error(tmp_path: Path) -> None:
    with pytest.raises(PolicyError) as caught:
        load_policy(tmp_path / "nope.toml")
    assert caught.value.key == "(file)"


def test_a_file_that_is_not_utf8_is_a_policy_error(tmp_path: Path) -> None:
    path = tmp_path / "latin1.toml"
    path.write_bytes('name = "Financiële"'.encode("latin-1"))
    with pytest.raises(PolicyError, match="UTF-8"):
        load_policy(path)


def test_the_default_round_trips_through_the_writer(
        default_data: Data, policy: Policy, load: Callable[[Data], Policy]) -> None:
    assert load(default_data).controller == policy.controller
    assert load(default_data).retention == policy.retention
