"""A connector's outcome details in the reader's language (#16.3, #15).

Connectors are plain Python and write their details in English, the audit's language (a
kept record's reason, `Outcome.detail`). Where a detail reaches a person — staff on the
request page, the person in her erasure receipt — the systems app words the ones it knows
by shape, the values kept as written; any other detail (a reason from a dataset, a law's
name) is shown as written: nothing is lost.
"""

from __future__ import annotations

import re

#: (pattern, {lang: template}): a connector detail's shape and its wording; the template
#: holds the pattern's groups (\g<name>, re's replacement syntax).
_SHAPES: tuple[tuple[re.Pattern[str], dict[str, str]], ...] = (
    # connectors/rest.py `_scrub`: text the system offers no way to change (Rt3: a person
    # must remove it; the erasure says where).
    (re.compile(r"still named in (?P<where>.+?): the system offers no way to change this "
                r"text; remove it there by hand"),
     {"nl": r"nog genoemd in \g<where>: het systeem biedt geen manier om deze tekst te "
            "wijzigen; verwijder het daar met de hand",
      "en": r"still named in \g<where>: the system offers no way to change this text; "
            "remove it there by hand"}),
)


def outcome_detail(text: str, lang: str) -> str:
    """`text` (one detail, or several joined by "; ") with every known shape worded in
    `lang` ("nl" unless "en"); the rest as written."""
    lang = "en" if lang == "en" else "nl"
    for pattern, templates in _SHAPES:
        text = pattern.sub(templates[lang], text)
    return text


#: A task's error kind (ConnectorError's kinds, and a lost worker's) as staff read it.
_KINDS = {
    "nl": {"unreachable": "niet bereikbaar", "timeout": "geen antwoord binnen de tijd",
           "refused": "toegang geweigerd", "garbage": "onverwacht antwoord",
           "forbidden_host": "adres niet toegestaan", "unsupported": "niet ondersteund",
           "misdeclared": "onjuist gedeclareerd", "interrupted": "onderbroken"},
    "en": {"unreachable": "unreachable", "timeout": "timeout", "refused": "refused",
           "garbage": "garbage", "forbidden_host": "forbidden host",
           "unsupported": "unsupported", "misdeclared": "misdeclared",
           "interrupted": "interrupted"},
}

#: The systems app's own error messages (erasing.run, erasing.lost), by shape (\g<name>).
_ERRORS: tuple[tuple[re.Pattern[str], dict[str, str]], ...] = (
    (re.compile(r"the worker stopped during try (?P<n>\d+); the next try's re-search shows "
                r"what is left"),
     {"nl": r"de achtergrondverwerker stopte tijdens poging \g<n>; de volgende poging zoekt "
            "opnieuw en toont wat er nog is",
      "en": r"the worker stopped during try \g<n>; the next try's re-search shows what is "
            "left"}),
    (re.compile(r"(?P<system>[\w-]+): the re-search still found (?P<n>\d+) record\(s\) "
                r"after erasing"),
     {"nl": r"\g<system>: na het wissen vond het opnieuw zoeken nog \g<n> record(s)",
      "en": r"\g<system>: the re-search still found \g<n> record(s) after erasing"}),
    (re.compile(r"(?P<system>[\w-]+) is not connected here"),
     {"nl": r"\g<system> is hier niet gekoppeld", "en": r"\g<system> is not connected here"}),
)


def error_line(text: str, lang: str) -> str:
    """A task's error ("<kind>: <message>") for staff in `lang`: the kind by its label, the
    systems app's own messages worded, a connector's message as written (it is redacted,
    and may quote the system's own words)."""
    lang = "en" if lang == "en" else "nl"
    kind, sep, message = text.partition(": ")
    if not sep or kind not in _KINDS[lang]:
        return text
    for pattern, templates in _ERRORS:
        found = pattern.fullmatch(message)
        if found:
            message = found.expand(templates[lang])
            break
    return f"{_KINDS[lang][kind]}: {message}"


#: Where in a record a text sits (a REST dataset's concrete field path, a column), as staff
#: read it: "journals[2].details[0].old_value" is "geschiedenis, wijziging 3: oude waarde".
_PLACES: tuple[tuple[re.Pattern[str], dict[str, str]], ...] = (
    (re.compile(r"journals\[(?P<n>\d+)\]\.details\[\d+\]\.old_value"),
     {"nl": "geschiedenis, wijziging {n}: oude waarde", "en": "history, change {n}: old value"}),
    (re.compile(r"journals\[(?P<n>\d+)\]\.details\[\d+\]\.new_value"),
     {"nl": "geschiedenis, wijziging {n}: nieuwe waarde", "en": "history, change {n}: new value"}),
    (re.compile(r"journals\[(?P<n>\d+)\]\.notes"),
     {"nl": "notitie {n}", "en": "note {n}"}),
    (re.compile(r"(?:issue\.)?subject"), {"nl": "onderwerp", "en": "subject"}),
    (re.compile(r"(?:issue\.)?description"), {"nl": "beschrijving", "en": "description"}),
)


def place(path: str, lang: str) -> str:
    """Where `path` is in a record, in `lang` ("nl" unless "en"); counted from 1 for people
    (the connector's paths count from 0). A path of no known shape is shown as written."""
    lang = "en" if lang == "en" else "nl"
    for pattern, templates in _PLACES:
        found = pattern.fullmatch(path)
        if found:
            numbers = {k: int(v) + 1 for k, v in found.groupdict().items()}
            return templates[lang].format(**numbers)
    return path
