"""Art. 19: recipients to inform of a correction or erasure.

Today the recipients are the D2 recipients of the person's agreements that receive the
category. The disclosure issue brings the log of what was actually sent and the sending
itself: it replaces nothing here, it appends a function to `NOTIFIERS` (called with the
person, the category and the request) that notifies and returns whom it told.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from privacydesk.register.models import AgreementRecipient, Person

NOTIFIERS: list[Callable[..., list[str]]] = []


def recipients_of(person: Person, category: str) -> list[str]:
    """Names of the recipients that receive `category` of `person` under an agreement."""
    rows = AgreementRecipient.objects.filter(agreement__parties__person=person)
    return sorted({r.recipient for r in rows if category in (r.categories or [])})


def notify_recipients(person: Person, category: str, *, request: Any, actor: str) -> list[str]:
    """The recipients to inform (Art. 19); registered notifiers send the notices."""
    names = set(recipients_of(person, category))
    for notifier in NOTIFIERS:
        names.update(notifier(person, category, request=request, actor=actor))
    return sorted(names)
