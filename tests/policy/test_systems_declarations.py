"""[[systems]] (#16.1): the policy names every system that holds personal data, and a
declaration that would let a system hold what the statement forbids is refused whole, with
the file, the dotted key and the rule — as every other defect of the policy is."""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from privacydesk.policy import Policy, PolicyError, load_policy, load_policy_text
from privacydesk.policy import model as policy_model
from privacydesk.systems import connector, registry

Data = dict[str, Any]


def _system(data: Data, system_id: str) -> Data:
    return next(s for s in data["systems"] if s["id"] == system_id)


@pytest.fixture()
def load(dump_toml: Callable[[Data], str]) -> Callable[[Data], Policy]:
    def load_(data: Data) -> Policy:
        return load_policy_text(dump_toml(data), file="mutated.toml")
    return load_


# -- what InFactor declares --------------------------------------------------------------------
def test_infactor_declares_the_register_mailbox_ticketing_accounting_and_directory(
        policy: Policy) -> None:
    assert [(s.id, s.connector) for s in policy.systems] == [
        ("register", "register"), ("mailbox", "imap"), ("ticketing", "rest"),
        ("accounting", "sql"), ("directory", "ldap")]
    ticketing = policy.system("ticketing")
    assert ticketing.label["nl"] == "Ticketsysteem (Redmine)"
    assert ticketing.label.get("en") == "Ticketing (Redmine)"
    assert ticketing.owner == "service_lead" and ticketing.hosts == ("127.0.0.1",)
    assert ticketing.dataset_path is not None and ticketing.dataset_path.name == "ticketing.toml"
    assert ticketing.dataset["resources"], "the dataset file is read as a mapping"


def test_accounting_keeps_invoices_seven_years_archive_only_R3(policy: Policy) -> None:
    accounting = policy.system("accounting")
    assert accounting.can("archive_only") and not accounting.can("erase")
    rule = next(r for r in policy.retention.rules if r.id == accounting.retention)
    assert (rule.period.years, rule.from_year_end) == (7, True)
    assert accounting.roles == ("customer",), "financial data only for customers here (C3)"


def test_the_staff_directory_holds_employees_and_former_employees_only(
        policy: Policy) -> None:
    directory = policy.system("directory")
    assert set(directory.roles) == {"employee", "former_employee"}
    assert "identity" not in directory.categories


def test_no_declared_system_is_run_by_a_processor_at_infactor(policy: Policy) -> None:
    assert [s.id for s in policy.systems if s.is_processor] == []


def test_an_undeclared_system_is_a_key_error_naming_the_declared_ones(
        policy: Policy) -> None:
    with pytest.raises(KeyError, match="ticketing"):
        policy.system("crm")


def test_the_policy_and_the_connectors_share_the_same_fixed_lists() -> None:
    assert policy_model.IDENTITY_KINDS == connector.IDENTITY_KINDS
    assert policy_model.CAPABILITIES == connector.CAPABILITIES
    # Every connector kind the policy accepts is privacydesk itself, a person, or a module.
    networked = set(policy_model.CONNECTOR_KINDS) - set(policy_model.UNCONNECTED_KINDS)
    assert networked == set(registry.CONNECTORS)


# -- old policies keep loading -----------------------------------------------------------------
def test_a_policy_without_systems_has_the_register_alone(voorbeeld: Policy) -> None:
    (register,) = voorbeeld.systems
    assert register.connector == "register" and register.id == "register"
    assert set(register.categories) == set(voorbeeld.categories)
    assert set(register.roles) == set(voorbeeld.roles)
    assert register.owner in voorbeeld.staff_roles and register.hosts == ()


# -- defects, each refused with its key and rule -----------------------------------------------
def _set(system_id: str, key: str, value: Any) -> Callable[[Data], None]:
    def apply(data: Data) -> None:
        _system(data, system_id)[key] = value
    return apply


def _drop(system_id: str, key: str) -> Callable[[Data], None]:
    def apply(data: Data) -> None:
        del _system(data, system_id)[key]
    return apply


def _append_copy(system_id: str, **changes: Any) -> Callable[[Data], None]:
    def apply(data: Data) -> None:
        extra = copy.deepcopy(_system(data, system_id))
        extra.update(changes)
        data["systems"].append(extra)
    return apply


def _remove_register(data: Data) -> None:
    data["systems"] = [s for s in data["systems"] if s["connector"] != "register"]


CASES = [
    ("bad id", _set("ticketing", "id", "Ticketing"), "systems[2].id", "identifier"),
    ("id twice", _append_copy("ticketing"), "systems[5].id", "unique"),
    ("owner unknown", _set("ticketing", "owner", "janitor"), "systems[2].owner",
     "staff role"),
    ("operator unknown", _set("ticketing", "operator", "cloud"), "systems[2].operator",
     "own, processor"),
    ("processor without name", _set("ticketing", "operator", "processor"),
     "systems[2].processor", "Art. 28"),
    ("own system with a processor", _set("ticketing", "processor", "Planio GmbH"),
     "systems[2].processor", "must be empty"),
    ("category unknown", _set("ticketing", "categories", ["names", "dna"]),
     "systems[2].categories[1]", "declared category"),
    ("role unknown", _set("ticketing", "roles", ["customer", "visitor"]),
     "systems[2].roles[1]", "declared role"),
    ("purpose unknown", _set("ticketing", "purposes", ["marketing"]),
     "systems[2].purposes[0]", "declared purpose"),
    ("identity unknown", _set("ticketing", "identities", ["email", "shoe_size"]),
     "systems[2].identities[1]", "identity kind"),
    ("capability unknown", _set("ticketing", "capabilities", ["find", "shred"]),
     "systems[2].capabilities[1]", "capability"),
    ("connector unknown", _set("ticketing", "connector", "soap"), "systems[2].connector",
     "register, sql, imap"),
    ("dataset missing", _set("ticketing", "dataset", "systems/nowhere.toml"),
     "systems[2].dataset", "not a file"),
    ("no hosts", _drop("ticketing", "hosts"), "systems[2].hosts", "at least one host"),
    ("a host with a scheme", _set("ticketing", "hosts", ["https://redmine.infactor.nl"]),
     "systems[2].hosts[0]", "without scheme"),
    ("hosts for the register", _set("register", "hosts", ["127.0.0.1"]), "systems[0].hosts",
     "never connects"),
    ("a host twice", _set("ticketing", "hosts", ["127.0.0.1", "127.0.0.1"]),
     "systems[2].hosts[1]", "twice"),
    ("a dataset for the register", _set("register", "dataset", "systems/ticketing.toml"),
     "systems[0].dataset", "must be \"\" for the register"),
    ("a zero scan interval", _set("ticketing", "scan_interval", {"days": 0}),
     "systems[2].scan_interval", "longer than zero"),
    ("retention unknown", _set("ticketing", "retention", "forever"), "systems[2].retention",
     "retention.rule"),
    ("archive-only without a rule", _drop("accounting", "retention"),
     "systems[3].retention", "archive_only"),
    ("no register", _remove_register, "systems", "exactly once; found 0"),
    ("two registers", _append_copy("register", id="register_copy"), "systems[5].connector",
     "exactly once; found 2"),
    ("financial data for contacts (C3)", _set("accounting", "roles", ["customer", "contact"]),
     "systems[3].categories[4]", "C3: Financial data may only be held for"),
    ("identity data for customers (C5)",
     _set("directory", "roles", ["employee", "former_employee", "customer"]),
     "systems[4].categories[0]", None),
]


@pytest.mark.parametrize(("mutate", "key", "words"), [c[1:] for c in CASES],
                         ids=[c[0] for c in CASES])
def test_a_defective_declaration_is_refused_naming_key_and_rule(
        mutate: Callable[[Data], None], key: str, words: str | None, default_data: Data,
        load: Callable[[Data], Policy]) -> None:
    mutate(default_data)
    if words is None:  # the directory holds no identity data: add it to see C5 refuse
        _system(default_data, "directory")["categories"].append("identity")
        key, words = "systems[4].categories[3]", "C5"
    with pytest.raises(PolicyError) as refused:
        load(default_data)
    assert refused.value.file == "mutated.toml"
    assert refused.value.key == key, refused.value
    assert words in refused.value.rule


def test_a_processor_is_accepted_with_its_name_and_agreement(
        default_data: Data, load: Callable[[Data], Policy]) -> None:
    ticketing = _system(default_data, "ticketing")
    ticketing.update(operator="processor", processor="Planio GmbH",
                     agreement="Verwerkersovereenkomst Planio 2024")
    system = load(default_data).system("ticketing")
    assert system.is_processor
    assert (system.processor, system.agreement) == ("Planio GmbH",
                                                    "Verwerkersovereenkomst Planio 2024")


def test_a_dataset_that_is_not_toml_is_refused_naming_the_dataset_file(
        tmp_path: Path, default_data: Data, dump_toml: Callable[[Data], str]) -> None:
    (tmp_path / "systems").mkdir()
    broken = tmp_path / "systems" / "ticketing.toml"
    broken.write_text("[[resources]\nname = 'users'\n", "utf-8")
    policy_file = tmp_path / "policy.toml"
    policy_file.write_text(dump_toml(default_data), "utf-8")
    with pytest.raises(PolicyError) as refused:
        load_policy(policy_file)
    assert refused.value.file == str(broken)
    assert "not valid TOML" in refused.value.rule


def test_a_dataset_path_starts_from_the_policy_files_folder(
        tmp_path: Path, default_data: Data, dump_toml: Callable[[Data], str]) -> None:
    (tmp_path / "datasets").mkdir()
    own = tmp_path / "datasets" / "redmine.toml"
    own.write_text('base_path = "/redmine"\n', "utf-8")
    _system(default_data, "ticketing")["dataset"] = "datasets/redmine.toml"
    policy_file = tmp_path / "policy.toml"
    policy_file.write_text(dump_toml(default_data), "utf-8")
    ticketing = load_policy(policy_file).system("ticketing")
    assert ticketing.dataset_path == own
    assert dict(ticketing.dataset) == {"base_path": "/redmine"}


def test_a_copy_of_infactors_policy_elsewhere_finds_the_embedded_example_datasets(
        tmp_path: Path, default_data: Data, dump_toml: Callable[[Data], str]) -> None:
    policy_file = tmp_path / "copy.toml"
    policy_file.write_text(dump_toml(default_data), "utf-8")
    accounting = load_policy(policy_file).system("accounting")
    assert accounting.dataset_path is not None
    assert accounting.dataset_path.parent.name == "systems"
    assert accounting.dataset["tables"]


def test_a_declaration_cannot_be_changed_once_loaded(policy: Policy) -> None:
    with pytest.raises(AttributeError):
        policy.system("mailbox").owner = "sales"  # type: ignore[misc]
    with pytest.raises(TypeError):
        policy.system("mailbox").dataset["kind"] = "brief"  # type: ignore[index]
