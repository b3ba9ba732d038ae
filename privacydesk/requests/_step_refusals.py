"""A refused step on the request page, in the staff member's language (#15).

The services (intake, verification, actions) keep their RuleViolation messages in English:
the API and the audit read one language. The request page's step buttons (views._step)
show a refusal through `explain`: the field by its label, the message from `MESSAGES`
(fixed ones) or `SHAPES` (ones with a value: a kind or status shown by its label), else the
catalogue entry of a message marked with gettext_noop, else as written; then the rule id.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import partial

from django.utils.functional import Promise
from django.utils.translation import gettext, pgettext_lazy

from privacydesk.policy.errors import RuleViolation
from privacydesk.requests._triage import REASONS
from privacydesk.staff import labels as labels_of

#: How a refusal names its field to staff.
FIELDS = {
    "kind": pgettext_lazy("request refusal", "Kind of request"),
    "status": pgettext_lazy("request refusal", "Status of the request"),
    "reason": pgettext_lazy("request refusal", "Reason"),
    "note": pgettext_lazy("request refusal", "Explanation"),
    "summary": pgettext_lazy("request refusal", "What was done"),
    "person_ref": pgettext_lazy("request refusal", "Person"),
    "email": pgettext_lazy("request refusal", "E-mail address"),
    "datum": pgettext_lazy("request refusal", "Picked datum"),
    "systems": pgettext_lazy("request refusal", "Other systems"),
    "text": pgettext_lazy("request refusal", "In your own words"),
    "values": pgettext_lazy("request refusal", "New values"),
    "channel": pgettext_lazy("request refusal", "Channel"),
}

# Literal calls, so that makemessages keeps their catalogue entries.
MESSAGES = {
    "the reason is at most 300 characters and holds no addresses":
        pgettext_lazy("request refusal",
                      "the reason is at most 300 characters and holds no addresses"),
    "set the kind of the request before verifying":
        pgettext_lazy("request refusal", "set the kind of the request before verifying"),
    "say how the identity was checked (no personal data such as addresses in the note)":
        pgettext_lazy("request refusal", "say how the identity was checked (no personal "
                      "data such as addresses in the note)"),
    "the person of this request is no longer in the register":
        pgettext_lazy("request refusal",
                      "the person of this request is no longer in the register"),
    "only access and portability requests are exported":
        pgettext_lazy("request refusal", "only access and portability requests are exported"),
    "this request has no e-mail address to send a download link to; ask the requester for one":
        pgettext_lazy("request refusal", "this request has no e-mail address to send a "
                      "download link to; ask the requester for one"),
    "only an erasure request erases":
        pgettext_lazy("request refusal", "only an erasure request erases"),
    "only a rectification request corrects data":
        pgettext_lazy("request refusal", "only a rectification request corrects data"),
    "only a restriction or objection restricts":
        pgettext_lazy("request refusal", "only a restriction or objection restricts"),
    "only an objection request":
        pgettext_lazy("request refusal", "only an objection request is decided this way"),
    "state the decision's reason (no addresses)":
        pgettext_lazy("request refusal", "state the decision's reason (no addresses)"),
    "access, portability and erasure answer themselves":
        pgettext_lazy("request refusal", "access, portability and erasure answer themselves"),
    "this request is already closed":
        pgettext_lazy("request refusal", "this request is already closed"),
    "answer the request before closing it":
        pgettext_lazy("request refusal", "answer the request before closing it"),
    "say why this is closed without an answer to the person (e.g. not a privacy request "
    "but a sales question)":
        pgettext_lazy("request refusal", "say why this is closed without an answer to the "
                      "person (e.g. not a privacy request but a sales question)"),
}

_WORD = r"[a-z_]+"
# (pattern, template): messages with a value; `kind`/`old` shown as request kinds,
# `status` as a request status.
SHAPES: list[tuple[re.Pattern[str], Promise]] = [(re.compile(p), t) for p, t in (
    (rf"'(?P<kind>{_WORD})' is not a kind of request; one of .*",
     pgettext_lazy("request refusal", "%(kind)s is not a kind of request")),
    (rf"this request is already of kind (?P<kind>{_WORD})",
     pgettext_lazy("request refusal", "this request is already of kind %(kind)s")),
    (rf"say why this (?P<old>{_WORD}) request is changed to (?P<kind>{_WORD}); its clocks "
     "keep running from receipt",
     pgettext_lazy("request refusal", "say why this request is changed from %(old)s to "
                   "%(kind)s; its clocks keep running from receipt")),
    (rf"a (?P<status>{_WORD}) request needs no verification",
     pgettext_lazy("request refusal",
                   "a request with status %(status)s needs no verification")),
    (rf"a (?P<status>{_WORD}) request cannot be verified",
     pgettext_lazy("request refusal", "a request with status %(status)s cannot be verified")),
    (rf"a (?P<status>{_WORD}) request is not erased \(again\)",
     pgettext_lazy("request refusal",
                   "a request with status %(status)s is not erased (again)")),
    (rf"verify the requester's identity first \(this request is (?P<status>{_WORD})\)",
     pgettext_lazy("request refusal",
                   "verify the requester's identity first (the request's status is "
                   "%(status)s)")),
    (r"this person has no (?P<category>[\w-]+) datum #(?P<datum>\d+)",
     pgettext_lazy("request refusal", "this person has no datum #%(datum)s of %(category)s")),
    # intake.set_kind, staff_filing_problems
    (rf"choose one of (?P<kinds>{_WORD}(?:, {_WORD})*) or none",
     pgettext_lazy("request refusal", "choose one of %(kinds)s, or none")),
    (rf"a (?P<status>{_WORD}) request keeps its kind",
     pgettext_lazy("request refusal", "a request with status %(status)s keeps its kind")),
    (rf"the channel is one of (?P<channels>{_WORD}(?:, {_WORD})*)",
     pgettext_lazy("request refusal", "the channel is one of %(channels)s")),
    # _triage.close_as_not_a_request
    (rf"choose one of (?P<reasons>{_WORD}(?:, {_WORD})*)",
     pgettext_lazy("request refusal", "choose one of the reasons: %(reasons)s")),
    (r"the reason is at most (?P<n>\d+) characters and holds no addresses",
     pgettext_lazy("request refusal",
                   "the reason is at most %(n)s characters and holds no addresses")),
    (rf"a (?P<kind>{_WORD}) request is not in triage; change its kind with a reason on its "
     "page first",
     pgettext_lazy("request refusal", "a request of kind %(kind)s is not in triage; change "
                   "its kind with a reason on its page first")),
)]


def _listed(label_kind: str) -> Callable[[str], str]:
    def show(codes: str) -> str:
        return ", ".join(labels_of.label(label_kind, code) for code in codes.split(", "))
    return show


def _reasons(codes: str) -> str:
    return ", ".join(str(REASONS.get(code, code)) for code in codes.split(", "))


#: group name -> how its value is shown; any other group as written.
_VALUES: dict[str, Callable[[str], str]] = {
    "kind": partial(labels_of.label, "request_kind"),
    "old": partial(labels_of.label, "request_kind"),
    "status": partial(labels_of.label, "request_status"),
    "category": partial(labels_of.label, "category"),
    "kinds": _listed("request_kind"), "channels": _listed("request_channel"),
    "reasons": _reasons}


def message(error: RuleViolation) -> str:
    """`error.message` in the page's language (module doc); as written when unknown."""
    fixed = MESSAGES.get(error.message)
    if fixed is not None:
        return str(fixed)
    for pattern, template in SHAPES:
        found = pattern.fullmatch(error.message)
        if found:
            return str(template) % {name: _VALUES.get(name, str)(value)
                                    for name, value in found.groupdict().items()}
    return gettext(error.message)  # a message marked gettext_noop by its service


def explain(error: RuleViolation) -> str:
    """A refused step as staff read it: the field's label, the message, the rule id."""
    field = FIELDS.get(error.field, error.field)
    return gettext("%(field)s: %(message)s (rule %(rule)s)") % {
        "field": field, "message": message(error), "rule": error.rule}
