"""Small helpers the back-office views share: the actor, the language, purpose choices."""

from __future__ import annotations

import uuid
from typing import Any

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404

from privacydesk.policy.active import get_policy
from privacydesk.register.models import Person
from privacydesk.register.services import RIGHTS_PURPOSES
from privacydesk.staff import permissions
from privacydesk.staff.labels import RIGHTS_LABELS
from privacydesk.staff.labels import page_language as lang

PAGE_SIZE = 25


def actor(request: HttpRequest) -> str:
    """The audit actor for this request: the staff member's username."""
    return str(request.user.get_username())


def purpose_choices(user: Any, *, include_rights: bool = True) -> list[tuple[str, Any]]:
    """Sec4: the purposes a view or change may name — the policy's purposes, plus the
    data-subject rights for staff whose role handles requests."""
    choices: list[tuple[str, Any]] = [
        (key, p.label(lang())) for key, p in get_policy().purposes.items()]
    if include_rights and permissions.has_permission(user, "handle_requests"):
        choices += [(key, RIGHTS_LABELS.get(key, key)) for key in sorted(RIGHTS_PURPOSES)]
    return choices


def person_or_404(ref: Any) -> Person:
    """The person with pseudonymous `ref`; 404 for an unknown or malformed ref."""
    try:
        key = uuid.UUID(str(ref))
    except ValueError:
        raise Http404("no such person")
    return get_object_or_404(Person, ref=key)
