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
#: holds the pattern's groups.
_SHAPES: tuple[tuple[re.Pattern[str], dict[str, str]], ...] = (
    # connectors/rest.py `_scrub`: text the system offers no way to change (Rt3: a person
    # must remove it; the erasure says where).
    (re.compile(r"still named in (?P<where>.+?): the system offers no way to change this "
                r"text; remove it there by hand"),
     {"nl": "nog genoemd in {where}: het systeem biedt geen manier om deze tekst te "
            "wijzigen; verwijder het daar met de hand",
      "en": "still named in {where}: the system offers no way to change this text; "
            "remove it there by hand"}),
)


def outcome_detail(text: str, lang: str) -> str:
    """`text` (one detail, or several joined by "; ") with every known shape worded in
    `lang` ("nl" unless "en"); the rest as written."""
    lang = "en" if lang == "en" else "nl"
    for pattern, templates in _SHAPES:
        template = templates[lang]

        def worded(found: re.Match[str], template: str = template) -> str:
            return template.format(**found.groupdict())

        text = pattern.sub(worded, text)
    return text
