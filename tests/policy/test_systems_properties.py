"""C2..C5 reach every declared system (#16.1), for any combination: a system that declares
categories and roles loads exactly when every category is allowed for every role there,
and a refusal names the first such category by its key and its promise."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from privacydesk.policy import PolicyError, get_default_policy_path, load_policy, load_policy_text

POLICY = load_policy(get_default_policy_path())
CATEGORIES = list(POLICY.categories)
ROLES = list(POLICY.roles)


def _subset(items: list[str]) -> st.SearchStrategy[list[str]]:
    return st.lists(st.sampled_from(items), min_size=1, unique=True)


@settings(max_examples=60, deadline=None)
@given(categories=_subset(CATEGORIES), roles=_subset(ROLES))
def test_a_system_loads_exactly_when_every_role_may_have_every_category(
        categories: list[str], roles: list[str], default_data: dict[str, Any],
        dump_toml: Callable[[dict[str, Any]], str]) -> None:
    data = {**default_data, "systems": [dict(s) for s in default_data["systems"]]}
    ticketing = data["systems"][2]
    assert ticketing["id"] == "ticketing"
    ticketing.update(categories=categories, roles=roles)
    forbidden = [(i, c) for i, c in enumerate(categories)
                 if not set(roles) <= POLICY.categories[c].allowed_roles]
    try:
        loaded = load_policy_text(dump_toml(data), file="generated.toml")
    except PolicyError as refused:
        assert forbidden, f"refused although every role may have every category: {refused}"
        i, key = forbidden[0]
        assert refused.key == f"systems[2].categories[{i}]"
        assert refused.rule.startswith(f"{POLICY.categories[key].promise}: ")
    else:
        assert not forbidden, f"loaded although {forbidden[0][1]!r} is not allowed"
        assert loaded.system("ticketing").categories == tuple(categories)
