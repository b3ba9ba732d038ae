"""The staff summary in an answer to the person: cleaned and previewed before it goes.

The answer mail and the answer letter open with their own greeting ("Geachte …", "Dear …")
and close with the controller's details; staff write only what was done. A summary that
starts with a greeting of its own would greet the person twice (issue #15), so its first
line is dropped when it is only a salutation. `preview` shows the mail exactly as it will
be sent, so staff read it before pressing send.
"""

from __future__ import annotations

import re

from privacydesk.policy.active import get_policy
from privacydesk.requests import notify
from privacydesk.requests.models import DataSubjectRequest

# A first line that is nothing but a salutation: "Geachte heer Jansen,", "Beste Anna",
# "Dear Ms Smith,", "Goedemiddag!" — at most a few words after the greeting word.
_SALUTATION = re.compile(
    r"^\s*(geachte|beste|lieve|hallo|hoi|goedendag|goedemorgen|goedemiddag|goedenavond|"
    r"dear|hello|hi|good\s+(?:morning|afternoon|evening|day))\b[^\n.?]{0,60}?[,!:]?\s*$",
    re.IGNORECASE)


def without_greeting(summary: str) -> str:
    """`summary` stripped, without a first line that is only a salutation (the mail and
    the letter greet the person themselves). Text after the greeting is kept as written."""
    text = (summary or "").strip()
    first, _, rest = text.partition("\n")
    if _SALUTATION.match(first):
        return rest.strip()
    return text


def preview(request: DataSubjectRequest, summary: str) -> tuple[str, str]:
    """The "done" mail (subject, body) the person would receive for `summary`, in their
    language, exactly as `actions.confirm_done` sends it; nothing is sent or recorded."""
    return notify.render_to_requester(request, "done", {
        "summary": without_greeting(summary),
        "authority": get_policy().controller.authority})
