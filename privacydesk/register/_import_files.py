"""Reading the import's rows: CSV (UTF-8, with or without BOM, `;` or `,`) and XLSX.

`open_rows(path)` returns a `Rows`: the header (first row, stripped), the number of data
rows when known (for the progress bar) and an iterator of (row number, {column: text}) with
the row numbers a spreadsheet shows (the header is row 1). Every cell is text: a number
stored by Excel as 612345678.0 becomes "612345678", a date "1985-03-12". A file that
cannot be read raises `ImportFileError` naming the file and what is wrong.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from privacydesk.policy.errors import PrivacydeskError

#: How much of the file's start decides the delimiter (the header line).
_SNIFF_BYTES = 64 * 1024


#: The key of a row whose cells run past the header (the import refuses such a row).
EXTRA = "\x00beyond the header"


class ImportFileError(PrivacydeskError):
    """The data file cannot be read as an import: its name and the rule in the message."""


@dataclass
class Rows:
    header: list[str]
    total: int | None
    rows: Iterator[tuple[int, dict[str, str]]]


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() \
            else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def _header(file: str, cells: list[Any]) -> list[str]:
    header = [_cell(c) for c in cells]
    while header and not header[-1]:
        header.pop()
    if not header:
        raise ImportFileError(f"{file}: the first row must name the columns; it is empty")
    seen: set[str] = set()
    for number, name in enumerate(header, start=1):
        if not name:
            raise ImportFileError(f"{file}: column {number} of the header has no name")
        if name in seen:
            raise ImportFileError(f"{file}: column {name!r} appears twice in the header")
        seen.add(name)
    return header


def _records(header: list[str], lines: Iterator[list[Any]]) -> Iterator[tuple[int, dict[str, str]]]:
    width = len(header)
    for number, cells in enumerate(lines, start=2):
        values = [_cell(c) for c in cells]
        if not any(values):
            continue  # an empty line (or a spreadsheet's formatted but empty row)
        if any(values[width:]):
            # The row is refused (EXTRA): those cells belong to no column.
            values = values[:width] + [EXTRA]
        values += [""] * (width - len(values))
        yield number, dict(zip([*header, EXTRA], values, strict=False))


def _csv(path: Path) -> Rows:
    file = str(path)
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportFileError(f"{file}: is not UTF-8 text (byte {exc.start}); save it as "
                              "\"CSV UTF-8\"") from None
    first = text[:_SNIFF_BYTES].split("\n", 1)[0]
    # Dutch Excel writes `;`, most other tools `,`: the header decides.
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        lines = list(reader)
    except csv.Error as exc:
        raise ImportFileError(f"{file}: is not valid CSV: {exc}") from None
    if not lines:
        raise ImportFileError(f"{file}: is empty; the first row must name the columns")
    header = _header(file, list(lines[0]))
    body = lines[1:]
    return Rows(header, sum(1 for cells in body if any(c.strip() for c in cells)),
                _records(header, iter(body)))


def _xlsx(path: Path) -> Rows:
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    file = str(path)
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, OSError, KeyError, ValueError) as exc:
        raise ImportFileError(f"{file}: is not an XLSX workbook: {exc}") from None
    sheet = book.worksheets[0]
    lines = sheet.iter_rows(values_only=True)
    first = next(lines, None)
    if first is None:
        book.close()
        raise ImportFileError(f"{file}: the first sheet is empty; its first row must name "
                              "the columns")
    header = _header(file, list(first))
    total = sheet.max_row - 1 if sheet.max_row else None

    def records() -> Iterator[tuple[int, dict[str, str]]]:
        try:
            yield from _records(header, (list(cells) for cells in lines))
        finally:
            book.close()

    return Rows(header, total, records())


def open_rows(path: str | Path) -> Rows:
    """The rows of a .csv or .xlsx file (by its suffix); ImportFileError otherwise."""
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix == ".csv":
        return _csv(p)
    if suffix == ".xlsx":
        return _xlsx(p)
    raise ImportFileError(f"{path}: must be a .csv or .xlsx file")
