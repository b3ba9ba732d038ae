"""CSV that a spreadsheet opens as data, never as formulas (#13, 5.6; OWASP "CSV injection").

A name typed on the contact form such as `=HYPERLINK("http://evil.example","click")` or
`+cmd|' /C calc'!A0` would run as a formula when the person, or staff, open an export in
Excel or LibreOffice. Every CSV privacydesk writes goes through `writer` / `DictWriter`
below (a test fails on any other `csv.writer`): a text cell that starts with `=`, `+`,
`-`, `@`, a tab or a carriage return gets a single quote in front, the OWASP rule, so the
spreadsheet shows the text as typed. Numbers, dates and booleans are not text and pass as
they are. Only the CSV changes: JSON exports keep every value exact.

Why here (privacydesk.exports, #14.4): the CSVs are written by several apps' services
(requests.portability, retention.plan) for staff and for data subjects alike, so the helper
belongs to no app. In `privacydesk.exports`, which imports nothing of privacydesk, every app
can use it without a dependency on another app (staff/ would have tied those services to
the staff accounts app).
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping
from typing import Any

#: The first characters that make a spreadsheet read a cell as a formula (OWASP).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def cell(value: Any) -> Any:
    """`value` as a safe CSV cell: a text starting with FORMULA_START gets a leading "'"."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


class _Writer:
    """csv.writer whose rows pass through `cell`."""

    def __init__(self, out: Any, **options: Any) -> None:
        self._writer = csv.writer(out, **options)

    def writerow(self, row: Iterable[Any]) -> Any:
        return self._writer.writerow([cell(v) for v in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def writer(out: Any, **options: Any) -> _Writer:
    """Like `csv.writer(out, **options)`, every cell neutralised."""
    return _Writer(out, **options)


class DictWriter(csv.DictWriter):  # type: ignore[type-arg]
    """Like `csv.DictWriter`, every value neutralised (the header is ours, not user data)."""

    def writerow(self, rowdict: Mapping[str, Any]) -> Any:
        return super().writerow({k: cell(v) for k, v in rowdict.items()})

    def writerows(self, rowdicts: Iterable[Mapping[str, Any]]) -> None:
        for row in rowdicts:
            self.writerow(row)
