"""Input rules the gate and the consent requests share: recipient, categories, purpose.

Every refusal is a RuleViolation(field, rule, message) naming the input and the promise, so
the back office, the API and the CLI show it unchanged; nothing is written before these pass.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext_noop

from privacydesk.policy.active import get_policy
from privacydesk.policy.errors import RestrictedError, RuleViolation
from privacydesk.register import formats
from privacydesk.register.models import DATUM_MODELS, Person
from privacydesk.register.services import ensure_usable
from privacydesk.register.services.common import check_actor

__all__ = ["check_actor", "clean_categories", "clean_purpose", "clean_recipient",
           "lock_shareable", "staff_may_disclose"]


def clean_recipient(value: Any, field: str = "recipient") -> str:
    """The receiving organisation's name as one line. An e-mail address is refused: the
    log names the company (D2 names it the same way), never a person's address (Sec1)."""
    name = formats.text(value, field, max_length=200)
    if "@" in name:
        raise RuleViolation(field, "format", gettext_noop(
            "name the receiving organisation (as the agreement names it), not an e-mail "
            "address"))
    return name


def clean_categories(value: Any, field: str = "categories") -> list[str]:
    """A non-empty list of the policy's categories (C2), sorted. A category named twice is
    refused (rule "unique"), so the list is never longer than the policy's categories
    (#13 5.9: lists have limits); the first defect stops the reading."""
    if isinstance(value, str) or not isinstance(value, Iterable):
        raise formats.fail(field, "must list at least one category")
    known = get_policy().categories
    items: list[str] = []
    for item in value:
        if item not in known:
            raise RuleViolation(field, "C2", f"{item!r} is not a category of personal data "
                                f"this policy allows (C2); allowed: {', '.join(known)}")
        if item in items:
            raise RuleViolation(field, "unique", f"names {item!r} twice; name each "
                                "category once")
        items.append(item)
    if not items:
        raise formats.fail(field, "must list at least one category")
    return sorted(items)


def clean_purpose(value: Any, field: str = "purpose") -> str:
    """A purpose the policy declares (Art. 5(1)(b)): data leave only for a declared one."""
    purposes = get_policy().purposes
    if not isinstance(value, str) or value not in purposes:
        raise RuleViolation(field, "Art5", f"{value!r} is not a purpose this policy declares "
                            f"(Art. 5(1)(b) GDPR); declared: {', '.join(purposes)}")
    return value


def lock_shareable(person: Person, categories: list[str], purpose: str) -> Person:
    """`person` locked for the caller's transaction; RuleViolation("person", "exists") when
    they left the register. GDPR Art. 18: a restricted person, or a restricted datum of
    these categories, is stored only; nothing of it leaves. RestrictedError (rule "Art18")
    otherwise."""
    locked = Person.objects.select_for_update().filter(pk=person.pk).first()
    if locked is None:
        raise RuleViolation("person", "exists", gettext_noop("this person is not in the register"))
    ensure_usable(locked, purpose)
    for category in categories:
        if DATUM_MODELS[category]._default_manager.filter(person=locked,
                                                          restricted=True).exists():
            raise RestrictedError("categories", "Art18", f"this person's {category} data are "
                                  "restricted (Art. 18 GDPR) and may not be disclosed")
    return locked


def staff_may_disclose(staff_role: str, categories: list[str]) -> None:
    """Sec1: a staff member passes on only the categories their role may see."""
    policy = get_policy()
    # The list is cleaned first: a known, bounded list before the role is asked (5.9).
    hidden = [c for c in clean_categories(categories)
              if not policy.staff_may_see(staff_role, c)]
    if hidden:
        raise RuleViolation("categories", "Sec1", f"your staff role may not see "
                            f"{', '.join(hidden)} data, so it may not disclose them")
