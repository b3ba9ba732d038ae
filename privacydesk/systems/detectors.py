"""Dutch-aware detectors of personal data in sampled values (#16.4). Plain Python.

`detect(where, value)` returns the names of the detectors that found something in one
sampled value; `where` is the place it came from (table.column, header, attribute, field
path), because a column named "geboortedatum" makes a bare date a date of birth. Each
detector stands for one category of personal data (`DETECTORS[name].category`, a policy
category id); `category_of` asks the policy's categories whether it declares it, so a
finding of a category the policy does not name is a C2 breach for the scan to flag.

Contract:
- e-mail: an address of the usual shape (local@domain.tld);
- phone: a number `phonenumbers` accepts as valid, Dutch by default (06-12345678, 050 123
  4567, +31 6 12345678, +44 20 7946 0958);
- IBAN: only with a correct ISO 7064 check (`stdnum.iban`), spaces allowed;
- BSN: nine digits (also as 1234.56.782) that pass the eleven-test (`stdnum.nl.bsn`);
- postcode: a Dutch postcode (9712 AB) with a house number after it, after a street and
  number, or alone in its value (a postcode column);
- date of birth: a date between 1900 and today next to geboren / geboortedatum / geb. /
  date of birth / born / dob, or any such date in a place named so.
Values are only looked at, never kept: the scan stores counts (C2: no second copy).
Free text a person wrote is evidence of nothing but personal data; nothing here logs.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import date

from phonenumbers import Leniency, PhoneNumberMatcher
from stdnum import iban as stdnum_iban
from stdnum.nl import bsn as stdnum_bsn

from privacydesk.policy import clock

#: The region a number without a country code is read in (the controller is Dutch).
DEFAULT_REGION = "NL"

#: The earliest plausible year of birth of a living person in a company's systems.
EARLIEST_BIRTH_YEAR = 1900

_EMAIL = re.compile(r"(?<![\w.+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*"
                    r"\.[A-Za-z]{2,}(?![\w-])")
# Two letters, two check digits, then 11..30 letters/digits in groups (NL91 ABNA 0417 ...).
_IBAN = re.compile(r"(?<![A-Za-z0-9])[A-Z]{2}\d{2}(?: ?[A-Z0-9]){11,30}(?![a-z0-9])")
# Nine digits standing alone: not part of a longer number, an IBAN or another code.
_BSN = re.compile(r"(?<![\w.])(?:\d{9}|\d{4}\.\d{2}\.\d{3}|\d{3}[ .]\d{3}[ .]\d{3})"
                  r"(?!\w|\.\d)")
# SA, SD and SS are not issued as postcode letters (PostNL).
_POSTCODE = re.compile(r"(?<![\w])[1-9]\d{3} ?(?!SA|SD|SS)[A-Z]{2}(?![\w])")
_HOUSE_NUMBER_AFTER = re.compile(r"^[ ,]+\d{1,5}(?![\d])")
_STREET_NUMBER_BEFORE = re.compile(r"[A-Za-zÀ-ÿ.'-]+ \d{1,5}(?: ?[A-Za-z]|-\d+)?,? *$")
_DATE_PARTS = re.compile(
    r"(?<!\d)(?:(?P<d>\d{1,2})[-/. ](?P<m>\d{1,2})[-/. ](?P<y>\d{4})"
    r"|(?P<iy>\d{4})-(?P<im>\d{2})-(?P<id>\d{2})"
    r"|(?P<td>\d{1,2}) (?P<tm>[A-Za-z]{3,9})\.? (?P<ty>\d{4}))(?!\d)")
_BIRTH_WORDS = re.compile(r"geboren|geboortedatum|geb\.|geb:|date of birth|birth ?date|born"
                          r"|\bdob\b|d\.o\.b\.", re.IGNORECASE)
_BIRTH_PLACE = re.compile(r"geboort|geb_?dat|geb\b|birth|\bdob\b|_dob\b|\bdob_", re.IGNORECASE)
# How far before a date a birth word may stand to count ("geboren op 12 maart 1985").
_BIRTH_WORD_REACH = 30
_MONTHS = {name: number for number, names in enumerate((
    ("jan", "januari", "january"), ("feb", "februari", "february"), ("mrt", "maart", "mar",
                                                                       "march"),
    ("apr", "april"), ("mei", "may"), ("jun", "juni", "june"), ("jul", "juli", "july"),
    ("aug", "augustus", "august"), ("sep", "sept", "september"),
    ("okt", "oktober", "oct", "october"), ("nov", "november"), ("dec", "december")),
    start=1) for name in names}


def _emails(where: str, value: str, today: date) -> bool:
    return "@" in value and _EMAIL.search(value) is not None


def _phones(where: str, value: str, today: date) -> bool:
    if sum(ch.isdigit() for ch in value) < 8:
        return False
    # Leniency.VALID: every number the matcher finds is a valid one.
    return PhoneNumberMatcher(value, DEFAULT_REGION, leniency=Leniency.VALID).has_next()


def _ibans(where: str, value: str, today: date) -> bool:
    """An IBAN that passes its check digits, spaces allowed."""
    compact = [match.group().replace(" ", "") for match in _IBAN.finditer(value)]
    # The pattern may run on into a following word in capitals: try every shorter length.
    return any(stdnum_iban.is_valid(iban[:end])
               for iban in compact for end in range(len(iban), 14, -1))


def _bsns(where: str, value: str, today: date) -> bool:
    """Nine digits standing alone that pass the BSN eleven-test."""
    numbers = [re.sub(r"[ .]", "", match.group()) for match in _BSN.finditer(value)]
    return any(digits != "000000000" and stdnum_bsn.is_valid(digits) for digits in numbers)


def _postcodes(where: str, value: str, today: date) -> bool:
    for match in _POSTCODE.finditer(value):
        if value.strip() == match.group():
            return True  # a postcode column
        if _HOUSE_NUMBER_AFTER.match(value[match.end():]):
            return True  # "9712 AB 12", "9712AB, 12"
        if _STREET_NUMBER_BEFORE.search(value[:match.start()]):
            return True  # "Hoofdstraat 12, 9712 AB Groningen"
    return False


def dates_in(value: str, today: date) -> list[tuple[int, date]]:
    """Return (position, date) for every plausible birth date written in `value`
    (31-12-1985, 31/12/1985, 1985-12-31, 31 december 1985, 31 dec. 1985)."""
    found = []
    for match in _DATE_PARTS.finditer(value):
        parts = match.groupdict()
        if parts["y"]:
            y, m, d = int(parts["y"]), int(parts["m"]), int(parts["d"])
        elif parts["iy"]:
            y, m, d = int(parts["iy"]), int(parts["im"]), int(parts["id"])
        else:
            month = _MONTHS.get(parts["tm"].lower())
            if month is None:
                continue
            y, m, d = int(parts["ty"]), month, int(parts["td"])
        try:
            born = date(y, m, d)
        except ValueError:
            continue
        if date(EARLIEST_BIRTH_YEAR, 1, 1) <= born <= today:
            found.append((match.start(), born))
    return found


def _births(where: str, value: str, today: date) -> bool:
    starts = [start for start, _ in dates_in(value, today)]
    if starts and _BIRTH_PLACE.search(where):
        return True
    return any(_BIRTH_WORDS.search(value[max(0, s - _BIRTH_WORD_REACH):s]) for s in starts)


@dataclass(frozen=True)
class Detector:
    """A detector: its name, the policy category id it stands for, the test itself."""

    name: str
    category: str
    test: Callable[[str, str, date], bool]


#: Every detector, by name, in the order the scan reports them.
DETECTORS: dict[str, Detector] = {d.name: d for d in (
    Detector("email", "email", _emails),
    Detector("phone", "phone", _phones),
    Detector("iban", "financial", _ibans),
    Detector("bsn", "identity", _bsns),
    Detector("postcode", "address", _postcodes),
    # No InFactor category holds dates of birth: found, it is a C2 breach (not declared).
    Detector("date_of_birth", "date_of_birth", _births),
)}


def detect(where: str, value: str, today: date | None = None) -> list[str]:
    """Return the names of the detectors that find personal data in `value`, which was
    sampled at `where`; [] for a value without any."""
    if not value or not value.strip():
        return []
    day = today or clock.today()
    return [name for name, detector in DETECTORS.items() if detector.test(where, value, day)]


def category_of(detector: str, categories: Collection[str]) -> str | None:
    """Return the policy category id `detector` stands for if the policy (`categories`, e.g.
    `get_policy().categories`) declares it; None when it does not (C2: data of a category
    the statement does not list)."""
    category = DETECTORS[detector].category
    return category if category in categories else None
