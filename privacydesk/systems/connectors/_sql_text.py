"""Finding a person in stored values and free text, and scrubbing them out (#16.2, Rt3).

Systems store phone numbers as typed ("06-12345678", "+31 (0)6 1234 5678"), so phones match
on digits: the stored digits end in the number's national significant number and what
precedes it is a trunk or country prefix. The database narrows the rows (a LIKE on the
digits); `phone_in` confirms each one here. Names and e-mail addresses match without regard
to case.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

import phonenumbers

#: A run that may be a phone number in free text: a digit, then digits and separators.
_PHONE_RUN = re.compile(r"\+?\(?\d[\d\s\-().\/]{5,}\d")


@dataclass(frozen=True)
class Phone:
    """A phone number to look for: its national significant number and the prefixes that
    may stand before it ("", "0", "31", "0031" for a Dutch number)."""

    national: str
    prefixes: frozenset[str]

    def matches_digits(self, digits: str) -> bool:
        return (digits.endswith(self.national)
                and digits[: len(digits) - len(self.national)] in self.prefixes)


def phone(number: str) -> Phone | None:
    """Return the Phone for an E.164 number (the Subject's form); a number phonenumbers
    cannot read is looked for by its digits as given. None when it holds too few digits to
    find anything safely."""
    try:
        parsed = phonenumbers.parse(number, "NL")
        national = str(parsed.national_number)
        code = str(parsed.country_code)
        prefixes = frozenset({"", "0", code, "00" + code, code + "0", "00" + code + "0"})
    except phonenumbers.NumberParseException:
        national = digits_of(number)
        prefixes = frozenset({""})
    if len(national) < 6:
        return None  # too short: a match would name strangers
    return Phone(national, prefixes)


def digits_of(text: str) -> str:
    return "".join(ch for ch in text if ch.isdigit())


def phone_in(text: str, phones: Iterable[Phone]) -> bool:
    """Whether `text` (a phone column or free text) holds one of `phones`."""
    return any(_phone_spans(text, list(phones)))


def _phone_spans(text: str, phones: list[Phone]) -> list[tuple[int, int]]:
    """The spans of `text` that hold one of `phones`. A run of digits and separators may
    join a number to its neighbours ("op 12-03 06 12345678"), so every stretch of the run's
    digit groups is tried, the longest from the earliest start first."""
    if not phones:
        return []
    spans = []
    for run in _PHONE_RUN.finditer(text):
        groups = [(m.start() + run.start(), m.end() + run.start(), m.group())
                  for m in re.finditer(r"\d+", run.group())]
        # "+32 6 12345678" is a Belgian number: after a country code the stretch must
        # start at the run's beginning, or another country's number would be hers.
        international = run.group().startswith("+") or groups[0][2].startswith("00")
        first = 0
        while first < (1 if international else len(groups)):
            for last in range(len(groups) - 1, first - 1, -1):
                digits = "".join(g[2] for g in groups[first:last + 1])
                if any(p.matches_digits(digits) for p in phones):
                    start = groups[first][0]
                    if start > 0 and text[start - 1] in "+(":
                        start -= 1  # "+31 6 ..." and "(06) ...": the sign belongs to it
                    spans.append((start, groups[last][1]))
                    first = last
                    break
            first += 1
    return spans


def _name_pattern(name: str) -> re.Pattern[str] | None:
    words = name.split()
    if not words:
        return None
    # "Anna  de Vries" or "anna de vries" in a note is the same name; a word boundary keeps
    # "Joanna de Vriesland" out.
    return re.compile(r"(?<!\w)" + r"\s+".join(re.escape(w) for w in words) + r"(?!\w)",
                      re.IGNORECASE)


def name_in(text: str, name: str) -> bool:
    pattern = _name_pattern(name)
    return bool(pattern and pattern.search(text))


def email_in(text: str, email: str) -> bool:
    return bool(email) and email.lower() in text.lower()


def scrub(text: str, name: str, emails: Iterable[str], phones: Iterable[Phone],
          placeholder: str) -> str:
    """Return `text` with every mention of the name, the e-mail addresses and the phone
    numbers replaced by `placeholder` (Rt3: free text that names the person)."""
    for email in emails:
        if email:
            text = re.sub(re.escape(email), placeholder, text, flags=re.IGNORECASE)
    spans = _phone_spans(text, list(phones))
    for start, end in reversed(spans):
        text = text[:start] + placeholder + text[end:]
    pattern = _name_pattern(name)
    if pattern is not None:
        text = pattern.sub(placeholder, text)
    return text
