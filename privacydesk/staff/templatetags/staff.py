"""Template filters for the back office: who is signed in, and what their role allows."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import template
from django.http import HttpRequest

from privacydesk.policy.active import get_policy
from privacydesk.staff import labels as labels_of
from privacydesk.staff import mfa, permissions, person_labels

register = template.Library()


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
    return role.label(labels_of.page_language()) if role is not None else "—"


def _policy_label(table: str) -> Callable[[str], str]:
    """A filter: the label of a key of the policy's `table` in the page language; the key
    itself when the policy does not hold it."""
    def label_of(key: str) -> str:
        item = getattr(get_policy(), table).get(key)
        return item.label(labels_of.page_language()) if item is not None else key

    return label_of


register.filter("category_label", _policy_label("categories"))
register.filter("role_label", _policy_label("roles"))
register.filter("purpose_label", _policy_label("purposes"))


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
