"""What a staff member may see and do, read from the policy's staff roles (Sec1, Sec3).

The policy is the only place that says which staff role sees which category; nothing here
keeps a copy. A user without a (known) staff role sees nothing and may do nothing.
"""

from __future__ import annotations

from typing import Any

from privacydesk.policy.active import get_policy


def _role_key(user: Any) -> str | None:
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return None
    role = getattr(user, "staff_role", "") or None
    return role if role in get_policy().staff_roles else None


def visible_categories(user: Any) -> frozenset[str]:
    """Return the categories `user` may see; empty for anonymous users and unknown roles."""
    role = _role_key(user)
    if role is None:
        return frozenset()
    policy = get_policy()
    return frozenset(c for c in policy.categories if policy.staff_may_see(role, c))


def has_permission(user: Any, permission: str) -> bool:
    """True when the policy grants `user`'s staff role `permission` (e.g. "manage_staff")."""
    role = _role_key(user)
    return role is not None and get_policy().staff_may(role, permission)


def roles_with_permission(permission: str) -> frozenset[str]:
    """The staff role keys the policy grants `permission`."""
    policy = get_policy()
    return frozenset(key for key in policy.staff_roles if policy.staff_may(key, permission))


def roles_seeing(category: str) -> frozenset[str]:
    """The staff role keys that may see `category`."""
    policy = get_policy()
    return frozenset(key for key in policy.staff_roles if policy.staff_may_see(key, category))


def staff_role_choices(lang: str = "en") -> list[tuple[str, str]]:
    """(key, label) pairs of the policy's staff roles, for forms."""
    return [(key, role.label(lang)) for key, role in get_policy().staff_roles.items()]
