"""Art. 19: recipients to inform of a correction or erasure.

Today the recipients are the D2 recipients of the person's agreements that receive the
category. The disclosure issue brings the log of what was actually sent and the sending
itself: it replaces nothing here, it appends a function to `NOTIFIERS` (called with the
person, the category and the request) that notifies and returns whom it told. Called with
`request=None` a notifier only names whom it would tell and sends nothing: that is the
preview staff see before they confirm a correction or erasure (#15, `recipients_to_tell`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
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


def recipients_to_tell(person: Person, categories: Iterable[str]) -> list[str]:
    """The recipients a change of `categories` of `person` would be told of (Art. 19),
    without telling anyone: the agreements' recipients and every notifier asked with
    `request=None` (a preview, #15)."""
    return sorted({name for category in set(categories)
                   for name in notify_recipients(person, category, request=None, actor="")})
