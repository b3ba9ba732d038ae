"""Template filters for the back office: who is signed in, and what their role allows."""

from __future__ import annotations

from typing import Any

from django import template
from django.http import HttpRequest
from django.utils.translation import get_language

from privacydesk.policy.active import get_policy
from privacydesk.staff import mfa, permissions

register = template.Library()


def _lang() -> str:
    return "en" if (get_language() or "nl").startswith("en") else "nl"


@register.filter
def signed_in_staff(user: Any, request: HttpRequest) -> bool:
    """True for a user who completed both sign-in steps in this session."""
    return bool(user is not None and user.is_authenticated and mfa.is_mfa_verified(request))


@register.filter
def may(user: Any, permission: str) -> bool:
    """True when the policy grants the user's staff role `permission`."""
    return permissions.has_permission(user, permission)


@register.filter
def staff_role_label(user_or_key: Any) -> str:
    """The policy's label of a staff role (a user or a role key), in the page language."""
    key = getattr(user_or_key, "staff_role", user_or_key) or ""
    role = get_policy().staff_roles.get(key)
    return role.label(_lang()) if role is not None else "—"


@register.filter
def category_label(key: str) -> str:
    category = get_policy().categories.get(key)
    return category.label(_lang()) if category is not None else key


@register.filter
def role_label(key: str) -> str:
    role = get_policy().roles.get(key)
    return role.label(_lang()) if role is not None else key


@register.filter
def purpose_label(key: str) -> str:
    purpose = get_policy().purposes.get(key)
    return purpose.label(_lang()) if purpose is not None else key
