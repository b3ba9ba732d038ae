"""Small helpers the back-office views share: the actor, the language, purpose choices."""

from __future__ import annotations

import uuid
from typing import Any

from django.http import Http404, HttpRequest
from django.utils.translation import get_language, gettext_lazy

from privacydesk.policy.active import get_policy
from privacydesk.register.models import Person
from privacydesk.register.services import RIGHTS_PURPOSES
from privacydesk.staff import permissions

PAGE_SIZE = 25

# Labels of the data-subject rights a staff member with "handle_requests" may act for.
RIGHTS_LABELS: dict[str, Any] = {
    "access_request": gettext_lazy("Access request (Art. 15)"),
    "rectification": gettext_lazy("Rectification (Art. 16)"),
    "erasure": gettext_lazy("Erasure (Art. 17)"),
    "portability": gettext_lazy("Data portability (Art. 20)"),
    "legal_claims": gettext_lazy("Legal claims (Art. 18(2))"),
}


def actor(request: HttpRequest) -> str:
    """The audit actor for this request: the staff member's username."""
    return str(request.user.get_username())


def lang() -> str:
    return "en" if (get_language() or "nl").startswith("en") else "nl"


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
    person = Person.objects.filter(ref=key).first()
    if person is None:
        raise Http404("no such person")
    return person
