"""Property tests: whatever the file says, load_policy_text either returns a whole, usable
Policy or raises PolicyError. Never another exception, never half a policy."""

from __future__ import annotations

import copy
import tomllib
from collections.abc import Callable
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from privacydesk.policy import (
    Policy,
    PolicyError,
    get_default_policy_path,
    load_policy_text,
    schema,
)

DEFAULT: dict[str, Any] = tomllib.loads(get_default_policy_path().read_text("utf-8"))

scalars = (st.text(max_size=20) | st.integers(min_value=-(2**63), max_value=2**63 - 1)
           | st.booleans() | st.floats(allow_nan=True) | st.sampled_from(
               ["", " ", "klant", "customer", "financial", "contract", "{roles}", "{x}", "{",
                "info@infactor.nl", "agreement_end", "C3", "nl", "en"]))
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4)
                      | st.dictionaries(st.text(max_size=8), inner, max_size=4), max_leaves=12)
keys = st.text(max_size=12) | st.sampled_from(list(DEFAULT))


def loads_whole_or_refuses(text: str, assert_usable: Callable[[Policy], None]) -> None:
    try:
        policy = load_policy_text(text, file="prop.toml")
    except PolicyError as exc:
        assert exc.file == "prop.toml" and exc.key and exc.rule
        return
    assert_usable(policy)


@given(text=st.text(max_size=300))
def test_random_text_is_a_policy_or_a_policy_error(text: str,
                                                   assert_usable: Callable[[Policy], None]
                                                   ) -> None:
    loads_whole_or_refuses(text, assert_usable)


@given(doc=st.dictionaries(keys, values, max_size=6))
def test_random_toml_documents_are_refused_with_a_policy_error(
        doc: dict[str, Any], dump_toml: Callable[[dict[str, Any]], str],
        assert_usable: Callable[[Policy], None]) -> None:
    loads_whole_or_refuses(dump_toml(doc), assert_usable)


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every path to a value inside `node` (dict keys and list indexes)."""
    out = [prefix] if prefix else []
    if isinstance(node, dict):
        for k, v in node.items():
            out += _paths(v, (*prefix, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            out += _paths(v, (*prefix, i))
    return out


PATHS = _paths(DEFAULT)
MUTATIONS = ["drop", "replace", "add_key", "bad_reference", "duplicate", "empty"]


def _mutate(data: dict[str, Any], path: tuple[Any, ...], how: str, value: Any,
            key: str) -> None:
    *parents, last = path
    node: Any = data
    for part in parents:
        node = node[part]
    if how == "drop":
        del node[last]
    elif how == "replace":
        node[last] = value
    elif how == "add_key":
        target = node[last]
        if isinstance(target, dict):
            target[key] = value
        else:
            node[last] = {key: value}
    elif how == "bad_reference":
        node[last] = "klant" if not isinstance(node[last], list) else [*node[last], "klant"]
    elif how == "duplicate":
        if isinstance(node[last], list) and node[last]:
            node[last].append(copy.deepcopy(node[last][0]))
        else:
            node[last] = [node[last], node[last]]
    elif how == "empty":
        node[last] = type(node[last])() if isinstance(node[last], (str, list, dict)) else 0


@given(mutations=st.lists(st.tuples(st.sampled_from(PATHS), st.sampled_from(MUTATIONS), values,
                                    st.text(max_size=8)), min_size=1, max_size=3))
def test_mutated_default_policies_load_whole_or_are_refused(
        mutations: list[tuple[tuple[Any, ...], str, Any, str]],
        dump_toml: Callable[[dict[str, Any]], str],
        assert_usable: Callable[[Policy], None]) -> None:
    data = copy.deepcopy(DEFAULT)
    for path, how, value, key in mutations:
        try:
            _mutate(data, path, how, value, key)
        except (KeyError, IndexError, TypeError):
            continue                              # an earlier mutation removed the path
    loads_whole_or_refuses(dump_toml(data), assert_usable)


@given(path=st.sampled_from(PATHS))
def test_dropping_any_required_key_is_refused_naming_it(
        path: tuple[Any, ...], dump_toml: Callable[[dict[str, Any]], str]) -> None:
    data = copy.deepcopy(DEFAULT)
    *parents, last = path
    node: Any = data
    for part in parents:
        node = node[part]
    optional = last in ("footnote", "statement", "years", "months", "days") or isinstance(
        node, list) or len(parents) == 1 and parents[0] in ("roles", "categories", "purposes",
                                                            "legal_bases", "sources",
                                                            "staff_roles")
    # [staff_accounts] and each of its keys are optional (defaults in the loader).
    optional = optional or path[0] == "staff_accounts"
    # [legal_obligations] (D1) and [incidents] (Sec5) are optional, each obligation too, and
    # so is the incidents' law; an obligation's and the periods' keys are required.
    optional = optional or path in (("legal_obligations",), ("incidents",),
                                    ("incidents", "law")) or path[:1] == (
        "legal_obligations",) and len(path) == 2
    # [backups] (Sec1) is optional; given, its interval_days is required. The controller's
    # time zone (#13.1) and [api] with each of its keys (#13.5.3) have defaults too.
    optional = optional or path in (("backups",), ("controller", "time_zone")) \
        or path[0] == "api"
    # [[systems]] is optional as a whole (#16.1: none declared = the register alone); so is
    # each key of a system that the key catalogue marks optional (scan_interval, hosts...).
    optional = optional or path == ("systems",) or (
        len(path) == 3 and path[0] == "systems"
        and not schema.key("systems[]", path[2]).required)  # as the key reference says
    del node[last]
    try:
        load_policy_text(dump_toml(data))
    except PolicyError as exc:
        assert exc.key and exc.rule
    else:
        assert optional, f"dropping {path} was accepted"
