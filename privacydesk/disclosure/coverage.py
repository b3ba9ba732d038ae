"""D3's one rule: does a consent cover this disclosure at this moment?

Pure over the rows it is given, so the gate (at "now") and `privacydesk check` (at the moment
a logged disclosure happened) ask exactly the same question.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from uuid import UUID

from privacydesk.disclosure.models import ConsentRequest, ConsentStatus
from privacydesk.policy.obligations import same_name


def gap(consent: ConsentRequest, person_ref: UUID | str, recipient: str,
        categories: Iterable[str], purpose: str, at: datetime) -> str | None:
    """Why `consent` does not cover this disclosure at `at`, or None if it does.

    Covered means: the same person's consent, granted on or before `at`, not withdrawn on or
    before `at`, not expired at `at`, for this recipient, every one of these categories and
    this purpose. Nothing is shared until the person grants it (D3).
    """
    if str(consent.person_ref) != str(person_ref):
        return "this consent was given by another person"
    if consent.status == ConsentStatus.PENDING or consent.answered_at is None:
        return "the person has not answered this consent request; nothing is shared until " \
               "they grant it"
    if consent.status == ConsentStatus.REFUSED:
        return "the person refused this consent"
    if consent.answered_at > at:
        return "the consent was granted only after this moment"
    if consent.withdrawn_at is not None and consent.withdrawn_at <= at:
        return "the person withdrew this consent"
    if consent.expires_at is not None and consent.expires_at <= at:
        return f"this consent expired on {consent.expires_at:%Y-%m-%d}; ask again"
    if not same_name(consent.recipient, recipient):
        return f"this consent is for {consent.recipient}, not for {recipient}"
    missing = sorted(set(categories) - set(consent.categories or []))
    if missing:
        return f"this consent does not cover {', '.join(missing)}"
    if consent.purpose != purpose:
        return f"this consent is for the purpose {consent.purpose!r}, not {purpose!r}"
    return None
