"""The policy reference (docs/policy.md), the JSON Schema and the loader say the same thing.

Another company writes its own policy from docs/policy.md and checks it in its editor with
the JSON Schema; the loader is what finally accepts or refuses it. All three come from the key
catalogue `privacydesk.policy.schema`. These tests load the shipped policies through an
instrumented `Table` and fail when the loader reads a key the catalogue lacks, the catalogue
declares a key the loader never reads, or the two disagree on a key's kind, bounds or whether
it is required; and when docs/policy.md is not the generated reference.
"""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jsonschema_rs
import pytest

from privacydesk.policy import PolicyError, get_default_policy_path, load_policy
from privacydesk.policy._reader import Table
from privacydesk.policy.loader import load_policy_text
from privacydesk.policy.model import LANGUAGES
from privacydesk.policy.schema import PERIOD_PARTS, SECTIONS, Key, key
from privacydesk.policy.schema_render import example_value, json_schema, reference

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = [get_default_policy_path(), Path(__file__).with_name("fixtures") / "voorbeeld.toml"]
_GETTERS = ("text", "boolean", "integer", "table", "label", "optional_label", "promise",
            "entries", "array", "refs", "has")


@dataclass(frozen=True)
class Read:
    path: str          # catalogue form: "roles.*.label", "retention.rule[].id"
    getter: str
    args: tuple[Any, ...]
    kwargs: tuple[tuple[str, Any], ...]


def _record(monkeypatch: pytest.MonkeyPatch, paths: list[Path]) -> list[Read]:
    """Load each policy in `paths` and return every key read, by its outermost getter (a
    `label` read is one read, not also the `table` it calls)."""
    raw: list[tuple[str, str, str, tuple[Any, ...], dict[str, Any]]] = []
    active: set[int] = set()
    entry_paths: set[str] = set()

    def wrap(name: str, original: Callable[..., Any]) -> Callable[..., Any]:
        def wrapper(self: Table, *args: Any, **kwargs: Any) -> Any:
            outer = id(self) not in active
            active.add(id(self))
            try:
                result = original(self, *args, **kwargs)
            finally:
                if outer:
                    active.discard(id(self))
            if name == "entries":
                entry_paths.update(sub.path for _, sub in result)
                raw.extend((sub.path, "", "entries", (), {}) for _, sub in result)
            elif outer:
                raw.append((self.path, args[0], name, args[1:], kwargs))
            return result
        return wrapper

    for name in _GETTERS:
        monkeypatch.setattr(Table, name, wrap(name, getattr(Table, name)))
    for path in paths:
        load_policy(path)
    monkeypatch.undo()

    def normalise(path: str) -> str:
        parts = path.split(".")
        named = ["*" if ".".join(parts[:i + 1]) in entry_paths else part
                 for i, part in enumerate(parts)]
        return re.sub(r"\[\d+\]", "[]", ".".join(named))

    return [Read(normalise(f"{table}.{key}" if table and key else table or key), getter,
                 args, tuple(sorted(kwargs.items()))) for table, key, getter, args, kwargs in raw]


def _catalogue() -> dict[str, Key | None]:
    """Every path the catalogue declares: sections (None) and keys, with a label's languages
    and a period's parts."""
    out: dict[str, Key | None] = {}
    for sec in SECTIONS:
        out[sec.path.removesuffix("[]").removesuffix(".*")] = None
        if sec.form == "entries":
            out[sec.path] = None
        for k in sec.keys:
            path = f"{sec.path}.{k.name}"
            out[path] = k
            subkeys = LANGUAGES if k.kind == "label" else PERIOD_PARTS if k.kind == "period" \
                else ()
            out.update((f"{path}.{sub}", None) for sub in subkeys)
    return out


@pytest.fixture(scope="module")
def reads() -> list[Read]:
    with pytest.MonkeyPatch.context() as mp:
        return _record(mp, SHIPPED)


def test_the_loader_reads_exactly_the_keys_the_reference_declares(reads: list[Read]) -> None:
    read = {r.path for r in reads}
    declared = set(_catalogue())
    assert sorted(read - declared) == [], "the loader reads keys docs/policy.md lacks"
    assert sorted(declared - read) == [], "docs/policy.md declares keys the loader never reads"


# The getter(s) the loader uses for each kind of key.
_KIND_GETTERS = {"text": {"text"}, "choice": {"text"}, "integer": {"integer"},
                 "boolean": {"boolean"}, "label": {"label", "optional_label"},
                 "period": {"table"}, "promise": {"promise"}, "refs": {"refs", "array"},
                 "texts": {"array"}}


def test_every_key_has_the_kind_bounds_and_necessity_the_reference_gives(
        reads: list[Read]) -> None:
    catalogue = _catalogue()
    for path, k in catalogue.items():
        if k is None:
            continue
        mine = [r for r in reads if r.path == path]
        getters = {r.getter for r in mine} - {"has"}
        assert getters <= _KIND_GETTERS[k.kind], f"{path}: read as {getters}, not {k.kind}"
        optional = any(r.getter in ("has", "optional_label") for r in mine)
        assert optional == (not k.required), f"{path}: required={k.required} in the reference"
        for r in mine:
            if r.getter == "integer":
                expected = (k.low, r.args[1] if k.high_from else k.high)
                assert r.args == expected, f"{path}: the loader's bounds are {r.args}"
            if r.getter == "text":
                assert (r.args or (2000,))[0] == k.max_len, f"{path}: max length {r.args}"
            if r.getter == "refs":
                assert dict(r.kwargs).get("allow_empty", False) == k.allow_empty, path
                if k.choices:
                    assert tuple(r.args[0]) == k.choices, f"{path}: allowed {r.args[0]}"


def test_optional_sections_are_the_ones_the_reference_calls_optional(
        reads: list[Read]) -> None:
    asked = {r.path for r in reads if r.getter == "has"}
    for sec in SECTIONS:
        name = sec.path.removesuffix("[]").removesuffix(".*")
        assert (name in asked) == (not sec.required), f"[{name}] required={sec.required}"


@pytest.mark.parametrize(("section", "name"), [
    (s.path, k.name) for s in SECTIONS for k in s.keys if not k.required and k.default
])
def test_an_absent_optional_key_takes_the_default_the_reference_names(
        section: str, name: str, default_data: dict[str, Any],
        dump_toml: Callable[[dict[str, Any]], str]) -> None:
    del default_data[section][name]
    value = getattr(getattr(load_policy_text(dump_toml(default_data)), section), name)
    default = key(section, name).default
    assert (value.en if name == "law" else value) == default


def _validator() -> Any:
    return jsonschema_rs.validator_for(json_schema())


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_the_shipped_policies_satisfy_the_json_schema(path: Path) -> None:
    errors = [str(e) for e in _validator().iter_errors(tomllib.loads(path.read_text("utf-8")))]
    assert errors == []


def _dig(data: dict[str, Any], path: str) -> dict[str, Any]:
    for part in path.split("."):
        data = data[part][0] if part == "rule" else data[part]
    return data


@pytest.mark.parametrize(("where", "expected_key"), [
    ("", "colour"), ("guard", "guard.colour"), ("roles.customer", "roles.customer.colour"),
    ("retention.rule", "retention.rule[0].colour"), ("statement.title", "statement.title.colour"),
    ("retention.contact_period", "retention.contact_period.colour"),
    ("controller.authority", "controller.authority.colour"), ("api", "api.colour"),
])
def test_an_unknown_key_is_refused_by_the_loader_and_the_json_schema(
        where: str, expected_key: str, default_data: dict[str, Any],
        dump_toml: Callable[[dict[str, Any]], str]) -> None:
    (_dig(default_data, where) if where else default_data)["colour"] = "blue"
    with pytest.raises(PolicyError) as refused:
        load_policy_text(dump_toml(default_data))
    assert refused.value.key == expected_key and "not a known key" in refused.value.rule
    errors = [e.message for e in _validator().iter_errors(default_data)]
    assert any("'colour' was unexpected" in m for m in errors), errors


def _integer_keys() -> list[tuple[str, Key]]:
    return [(s.path, k) for s in SECTIONS for k in s.keys
            if k.kind == "integer" and s.form == "table" and not k.high_from]


@pytest.mark.parametrize(("section", "k"), _integer_keys(),
                         ids=[f"{s}.{k.name}" for s, k in _integer_keys()])
def test_an_integer_just_outside_its_documented_bounds_is_refused_by_both(
        section: str, k: Key, default_data: dict[str, Any],
        dump_toml: Callable[[dict[str, Any]], str]) -> None:
    assert k.low is not None and k.high is not None
    for wrong in (k.low - 1, k.high + 1):
        _dig(default_data, section)[k.name] = wrong
        with pytest.raises(PolicyError) as refused:
            load_policy_text(dump_toml(default_data))
        assert refused.value.key == f"{section}.{k.name}", refused.value
        assert not _validator().is_valid(default_data), f"{section}.{k.name} = {wrong}"


def test_every_example_in_the_reference_satisfies_its_own_key() -> None:
    schema = json_schema()
    for sec in SECTIONS:
        for k in sec.keys:
            one = {"$defs": schema["$defs"], **_key_schema_of(schema, sec.path, k.name)}
            assert jsonschema_rs.validator_for(one).is_valid(example_value(k)), \
                f"{sec.path}.{k.name} = {k.example}"


def _key_schema_of(schema: dict[str, Any], path: str, name: str) -> dict[str, Any]:
    node: dict[str, Any] = schema
    for part in re.split(r"\.", path.removesuffix("[]")):
        node = node["properties"][part] if part != "*" else node["additionalProperties"]
        if node.get("type") == "array":
            node = node["items"]
    return node["properties"][name]  # type: ignore[no-any-return]


def test_docs_policy_md_is_the_generated_reference() -> None:
    """Regenerate with `privacydesk policy reference > docs/policy.md`."""
    assert (ROOT / "docs" / "policy.md").read_text("utf-8") == reference()


def test_the_json_schema_is_draft_2020_12_json() -> None:
    text = json.dumps(json_schema())
    jsonschema_rs.meta.validate(json.loads(text))
    assert json.loads(text)["$schema"] == "https://json-schema.org/draft/2020-12/schema"
