"""Template filters for the back office: who is signed in, and what their role allows."""

from __future__ import annotations

from typing import Any

from django import template
from django.http import HttpRequest
from django.utils.translation import get_language

from privacydesk.policy.active import get_policy
from privacydesk.staff import labels as labels_of
from privacydesk.staff import mfa, permissions, person_labels

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


@register.filter
def label(code: Any, group: str) -> str:
    """`{{ r.kind|label:"request_kind" }}`: the label of a stored code (staff/labels.py);
    staff never read `access`, `verification_sent` or `contact_form` (#15)."""
    return labels_of.label(group, code)


@register.filter
def labels(codes: Any, group: str) -> str:
    """`{{ d.categories|labels:"category" }}`: the labels of a list of codes, joined by ", "."""
    return ", ".join(labels_of.label(group, code) for code in (codes or ()))


@register.filter
def person(ref: Any, user: Any) -> str:
    """`{{ row.person_ref|person:request.user }}`: "name (P-1A2B3C4D)", never the UUID;
    the name only for a role that may see names (Sec1)."""
    return person_labels.person_label(ref, with_names=person_labels.may_see_names(user))


@register.filter
def short_ref(ref: Any) -> str:
    """`{{ person.ref|short_ref }}`: "P-1A2B3C4D" (no name, never the UUID)."""
    return person_labels.short_reference(ref)


@register.filter
def agreement_label(agreement: Any) -> str:
    """An agreement as staff know it: client, kind and number ("Bakkerij Jansen · SLA ·
    SLA-2025-014"); "—" for none."""
    if agreement is None:
        return "—"
    client = agreement.organisation.name if agreement.organisation_id else agreement.title
    return " · ".join(p for p in (client, labels_of.label("agreement_kind", agreement.kind),
                                  agreement.reference) if p)
