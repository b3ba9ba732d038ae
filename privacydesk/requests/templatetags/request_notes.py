"""`{{ e.note|event_note }}`: a timeline note in the staff member's language (#15).

Notes are stored once, in English (they are also the audit entry's detail). The fixed ones —
the same words every time — are shown through the catalogue; a note with a value in it
(a count, a name, a staff member's own words) is shown as it was written.
"""

from __future__ import annotations

from django import template
from django.utils.translation import pgettext_lazy

register = template.Library()

# Literal calls, so that makemessages keeps their catalogue entries (context "timeline").
FIXED_NOTES = {
    "confirmation link sent to the address in the register":
        pgettext_lazy("timeline", "confirmation link sent to the address in the register"),
    "confirmed through the link sent to the registered address":
        pgettext_lazy("timeline", "confirmed through the link sent to the registered address"),
    "no data held for this address; register searched":
        pgettext_lazy("timeline", "no data held for this address; register searched"),
    "no data held; told by e-mail":
        pgettext_lazy("timeline", "no data held; told by e-mail"),
    "no e-mail address: verify by other means":
        pgettext_lazy("timeline", "no e-mail address: verify by other means"),
    "letter sent by post":
        pgettext_lazy("timeline", "letter sent by post"),
    "answered by post":
        pgettext_lazy("timeline", "answered by post"),
    "answered by phone":
        pgettext_lazy("timeline", "answered by phone"),
    "all data restricted (Art. 18)":
        pgettext_lazy("timeline", "all data restricted (Art. 18)"),
    "legal deadline passed":
        pgettext_lazy("timeline", "legal deadline passed"),
    "one-week promise passed":
        pgettext_lazy("timeline", "one-week promise passed"),
    "requester details removed after the retention period (R2)":
        pgettext_lazy("timeline", "requester details removed after the retention period (R2)"),
}


@register.filter
def event_note(note: str) -> str:
    """The note in the page's language if it is a fixed one, else as written."""
    fixed = FIXED_NOTES.get(note or "")
    return str(fixed) if fixed is not None else note
