"""`{{ e.note|event_note }}`: a timeline note in the staff member's language (#15).

Notes are stored once, in English (they are also the audit entry's detail). On a page they
are shown in the page's language:

- a fixed note — the same words every time — through the catalogue (`FIXED_NOTES`);
- a note with values in it ("phone #37; recipients to inform: X") through `NOTE_SHAPES`:
  a pattern with named groups for every note shape the code writes (`events.log(...,
  note=...)` in requests/), each with a translatable template holding the same
  placeholders. Codes among the values (a kind, a channel, a category) are shown by their
  label; a staff member's own words (`words`) stay as written; a nested note (`note`) is
  shown through this same filter;
- anything else (an older shape, a cut-off note) as it was written: nothing is lost.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import partial
from typing import Any

from django import template
from django.utils.functional import Promise
from django.utils.translation import pgettext, pgettext_lazy

from privacydesk.requests import kinds
from privacydesk.requests._triage import REASONS
from privacydesk.requests.models import Channel
from privacydesk.staff import labels as labels_of

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
    "e-mail: erasure receipt":
        pgettext_lazy("timeline", "e-mail: erasure receipt"),
    "set the kind of the request before verifying":
        pgettext_lazy("timeline", "set the kind of the request before verifying"),
}

_KIND = "|".join(sorted(kinds.ALL_KINDS, key=len, reverse=True))
_CHANNEL = "|".join(sorted(Channel.values, key=len, reverse=True))
_CRITERIA = {"name": pgettext_lazy("timeline", "name"),
             "email": pgettext_lazy("timeline", "e-mail"),
             "e-mail": pgettext_lazy("timeline", "e-mail"),
             "phone": pgettext_lazy("timeline", "phone"),
             "postcode": pgettext_lazy("timeline", "postcode"),
             "postcode + house number": pgettext_lazy("timeline", "postcode + house number")}


def _recipients(text: str) -> str:
    return pgettext("timeline", "none") if text == "none" else text


def _criteria(text: str) -> str:
    return ", ".join(str(_CRITERIA.get(c.strip(), c.strip())) for c in text.split(","))


def _reason(code: str) -> str:
    return str(REASONS.get(code, code))


def _nested(text: str) -> str:
    return event_note(text)


_AS_WRITTEN: Callable[[str], str] = str
_KIND_LABEL = partial(labels_of.label, "request_kind")

#: group name -> how its value is shown; a group not named here is shown as written.
_VALUES: dict[str, Callable[[str], str]] = {
    "kind": _KIND_LABEL, "old": _KIND_LABEL,
    "channel": partial(labels_of.label, "request_channel"),
    "status": partial(labels_of.label, "request_status"),
    "category": partial(labels_of.label, "category"),
    "recipients": _recipients, "criteria": _criteria, "reason": _reason,
    "note": _nested, "words": _AS_WRITTEN,
}

# (pattern, template): the pattern must match the whole note; the template has the same
# placeholders as the pattern's groups. Literal pgettext_lazy calls for makemessages.
NOTE_SHAPES: list[tuple[re.Pattern[str], Promise]] = [(re.compile(p, re.S), t) for p, t in (
    # clock.py: the reminder
    (r"(?P<n>-?\d+) day\(s\) left", pgettext_lazy("timeline", "%(n)s day(s) left")),
    # intake.py: received, with what the mailbox could not read or a fixed note
    (rf"(?P<channel>{_CHANNEL}): (?P<kind>{_KIND})",
     pgettext_lazy("timeline", "%(channel)s: %(kind)s")),
    (rf"(?P<channel>{_CHANNEL}): (?P<kind>{_KIND}) \((?P<note>.*)\)",
     pgettext_lazy("timeline", "%(channel)s: %(kind)s (%(note)s)")),
    (r"by staff while filing: (?P<words>.*)",
     pgettext_lazy("timeline", "by staff while filing: %(words)s")),
    # intake.set_kind, with the reason staff gave (or the triage note)
    (rf"(?P<old>{_KIND}) -> (?P<kind>{_KIND})",
     pgettext_lazy("timeline", "%(old)s → %(kind)s")),
    (rf"(?P<old>{_KIND}) -> (?P<kind>{_KIND}): (?P<note>.*)",
     pgettext_lazy("timeline", "%(old)s → %(kind)s: %(note)s")),
    # _triage.close_as_not_a_request
    (r"not a request \((?P<reason>\w+)\)",
     pgettext_lazy("timeline", "not a request (%(reason)s)")),
    (r"not a request \((?P<reason>\w+)\): (?P<words>.*)",
     pgettext_lazy("timeline", "not a request (%(reason)s): %(words)s")),
    # actions.close
    (r"without an answer: (?P<note>.*)",
     pgettext_lazy("timeline", "without an answer: %(note)s")),
    # actions._answered / _done: how the answer went
    (rf"e-mail: single-use download link \((?P<kind>{_KIND})\)",
     pgettext_lazy("timeline", "e-mail: single-use download link (%(kind)s)")),
    (rf"e-mail: (?P<kind>{_KIND}) carried out",
     pgettext_lazy("timeline", "e-mail: %(kind)s carried out")),
    # _answers: by post, by telephone
    (r"letter sent by post: (?P<words>.*)",
     pgettext_lazy("timeline", "letter sent by post: %(words)s")),
    (r"answered by telephone \((?P<who>[^)]*)\): (?P<words>.*)",
     pgettext_lazy("timeline", "answered by telephone (%(who)s): %(words)s")),
    # actions.erase, actions.correct (Art. 19)
    (r"deleted (?P<deleted>\d+), kept (?P<kept>\d+); recipients to inform: (?P<recipients>.*)",
     pgettext_lazy("timeline", "deleted %(deleted)s, kept %(kept)s; recipients to inform: "
                   "%(recipients)s")),
    (r"(?P<category>[\w-]+) #(?P<datum>\d+); recipients to inform: (?P<recipients>.*)",
     pgettext_lazy("timeline", "%(category)s #%(datum)s; recipients to inform: "
                   "%(recipients)s")),
    # verification.verify_by_staff, and a failed verification on filing
    (r"by staff: (?P<words>.*)", pgettext_lazy("timeline", "by staff: %(words)s")),
    (r"a (?P<status>\w+) request needs no verification",
     pgettext_lazy("timeline", "a request with status %(status)s needs no verification")),
    # _matching: person chosen, nobody found
    (r"person (?P<ref>[0-9a-fA-F-]{1,8}) chosen",
     pgettext_lazy("timeline", "person %(ref)s chosen")),
    (r"person (?P<ref>[0-9a-fA-F-]{1,8}) chosen \(matched on (?P<criteria>[^)]*)\)",
     pgettext_lazy("timeline", "person %(ref)s chosen (matched on %(criteria)s)")),
    (r"register searched on (?P<criteria>.*): nobody found",
     pgettext_lazy("timeline", "register searched on %(criteria)s: nobody found")),
    # delivery: the export
    (rf"(?P<kind>{_KIND}) export sealed, link valid until (?P<until>[\d-]+ [\d:]+)",
     pgettext_lazy("timeline", "%(kind)s export sealed, link valid until %(until)s")),
    (rf"(?P<kind>{_KIND}) export downloaded; file deleted",
     pgettext_lazy("timeline", "%(kind)s export downloaded; file deleted")),
)]

# What the mailbox could not read (mailparse.py, intake.file_mail), joined by "; ".
MAIL_PROBLEMS: list[tuple[re.Pattern[str], Promise]] = [(re.compile(p), t) for p, t in (
    (r"body not valid in its declared charset (?P<charset>'[^']*')",
     pgettext_lazy("timeline", "body not valid in its declared charset %(charset)s")),
    (r"unreadable (?P<header>[\w-]+) header",
     pgettext_lazy("timeline", "unreadable %(header)s header")),
    (r"no single valid sender address",
     pgettext_lazy("timeline", "no single valid sender address")),
    (r"HTML only; read as plain text", pgettext_lazy("timeline", "HTML only; read as plain text")),
    (r"no readable text", pgettext_lazy("timeline", "no readable text")),
    (r"text cut at (?P<n>\d+) characters",
     pgettext_lazy("timeline", "text cut at %(n)s characters")),
    (r"not a parseable e-mail", pgettext_lazy("timeline", "not a parseable e-mail")),
    (r"malformed MIME \((?P<n>\d+) defects\)",
     pgettext_lazy("timeline", "malformed MIME (%(n)s defects)")),
    (r"body could not be read", pgettext_lazy("timeline", "body could not be read")),
    (r"message over the size limit: not read, open it in the mailbox",
     pgettext_lazy("timeline", "message over the size limit: not read, open it in the mailbox")),
)]


# _systems.finish_erasure / correct (#16.3): "crm: done, 0 left; mail: failed", a line per
# system; the system shown by its declared label, the status by the task's status label.
SYSTEM_LINES: list[tuple[re.Pattern[str], Promise]] = [(re.compile(p), t) for p, t in (
    (r"(?P<system>[\w-]+): (?P<task_status>\w+), (?P<n>\d+) left",
     pgettext_lazy("timeline", "%(system)s: %(task_status)s, %(n)s left")),
    (r"(?P<system>[\w-]+): (?P<task_status>\w+)",
     pgettext_lazy("timeline", "%(system)s: %(task_status)s")),
)]


def _system_lines(note: str) -> str | None:
    """`note` as the systems' lines in the page's language, or None when it is not wholly
    such lines of known task statuses (a staff member's words stay as written)."""
    from privacydesk.systems import declared
    from privacydesk.systems.models import SystemTask

    statuses, lang = dict(SystemTask.STATUSES), labels_of.page_language()
    shown = []
    for line in note.split("; ") if note else ():
        for pattern, template_ in SYSTEM_LINES:
            found = pattern.fullmatch(line)
            if found and found["task_status"] in statuses:
                system = declared.system(found["system"])
                shown.append(str(template_) % {
                    **found.groupdict(), "task_status": statuses[found["task_status"]],
                    "system": system.name(lang) if system else found["system"]})
                break
        else:
            return None
    return "; ".join(shown) if shown else None


def _fill(template_: Promise, match: re.Match[str]) -> str:
    values: dict[str, Any] = {
        name: _VALUES.get(name, _AS_WRITTEN)(value)
        for name, value in match.groupdict().items()}
    return str(template_) % values


def _mail_problems(note: str) -> str | None:
    """`note` as a list of mailbox problems in the page's language, or None if it is not
    wholly one (a cut-off list is shown as written)."""
    shown, pos = [], 0
    while pos < len(note):
        for pattern, template_ in MAIL_PROBLEMS:
            found = pattern.match(note, pos)
            if found:
                shown.append(_fill(template_, found))
                pos = found.end()
                break
        else:
            return None
        if note.startswith("; ", pos):
            pos += 2
        elif pos < len(note):
            return None
    return "; ".join(shown) if shown else None


@register.filter
def event_note(note: str) -> str:
    """The note in the page's language: fixed notes from the catalogue, notes with values
    by their shape (the values kept, codes as labels, a person's own words as written),
    else as written. Never raises: a note that fits no shape is shown unchanged."""
    text = note or ""
    fixed = FIXED_NOTES.get(text)
    if fixed is not None:
        return str(fixed)
    for pattern, template_ in NOTE_SHAPES:
        found = pattern.fullmatch(text)
        if found:
            return _fill(template_, found)
    problems = _mail_problems(text)
    if problems is None:
        problems = _system_lines(text)
    # No catalogue look-up of the rest: it may be a person's own words (W: kept as written).
    return problems if problems is not None else text
