"""Finding a person in field values and in free text, and scrubbing her out of the text.

A structured field matches an identity when it equals the subject's value after the same
normalisation the `Subject` uses (e-mail lower-case, phone E.164, postcode "9712AB 12").
Free text names the person when it holds her whole name (any case and spacing), one of her
e-mail addresses, or one of her phone numbers however it is written ("06-12345678",
"+31 6 1234 5678"): phone numbers in text are found with `phonenumbers`, in the dataset's
region. Rt3: what names her in free text is replaced by the dataset's redaction mark.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

import phonenumbers

from privacydesk.systems.connector import Subject


@dataclass(frozen=True)
class Mention:
    """Where free text names the person: kind is "name", "email" or "phone"."""

    kind: str
    start: int
    end: int


def _fold(text: str) -> str:
    return " ".join(text.split()).casefold()


def _postcode(text: str) -> str:
    compact = re.sub(r"\s+", "", text).upper()
    found = re.match(r"^(\d{4}[A-Z]{2})(\d+.*)$", compact)
    return f"{found.group(1)} {found.group(2)}" if found else compact


class Needles:
    """The subject's identities, prepared for matching."""

    def __init__(self, subject: Subject, region: str) -> None:
        self.region = region
        self.name = _fold(subject.name)
        self._written_name = " ".join(subject.name.split())
        self.emails = {e.strip().lower() for e in subject.emails if e.strip()}
        self.phones = {p for p in (self._e164(x) for x in subject.phones) if p}
        self.postcodes = {_postcode(p) for p in subject.postcode_house_numbers if p.strip()}
        self.ids = {kind: {v.strip() for v in values if v.strip()}
                    for kind, values in subject.ids.items()}
        words = subject.name.split()
        self._name_re = (re.compile(r"(?<!\w)" + r"\s+".join(re.escape(w) for w in words)
                                    + r"(?!\w)", re.IGNORECASE) if words else None)
        self._email_re = [re.compile(r"(?<![\w.+-])" + re.escape(e) + r"(?!\.?[\w-])",
                                     re.IGNORECASE) for e in sorted(self.emails)]

    def _e164(self, text: str) -> str:
        try:
            number = phonenumbers.parse(text, self.region)
        except phonenumbers.NumberParseException:
            return ""
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)

    def empty(self) -> bool:
        """Whether there is nothing to look for (a subject without any identity)."""
        return not (self.name or self.emails or self.phones or self.postcodes
                    or any(self.ids.values()))

    def has(self, kind: str) -> bool:
        """Whether the subject has a value of identity `kind` to look for."""
        return bool(self.values(kind))

    def values(self, kind: str) -> list[str]:
        """The subject's values of `kind`, as a server-side filter would take them."""
        if kind == "name":
            return [self._written_name] if self._written_name else []
        own = {"email": self.emails, "phone": self.phones, "postcode_house_number": self.postcodes}
        return sorted(own[kind] if kind in own else self.ids.get(kind, set()))

    def spellings(self) -> list[str]:
        """How people write her phone numbers, for a server's text search (which matches
        words, not numbers): E.164, international and national forms, with and without
        spaces, a dash after the area code, pairs of digits, "+31 (0)6" and "0031"."""
        out: list[str] = []
        for e164 in sorted(self.phones):
            try:
                number = phonenumbers.parse(e164, self.region)
            except phonenumbers.NumberParseException:
                continue
            national = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
            international = phonenumbers.format_number(
                number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
            digits = re.sub(r"\D", "", national)
            prefix, _, rest = national.partition(" ")
            rest_digits = re.sub(r"\D", "", rest)
            country = f"+{number.country_code}"
            subscriber = re.sub(r"\D", "", international.removeprefix(country))
            _, area, local = (international.split(" ", 2) + ["", ""])[:3]
            local_digits = re.sub(r"\D", "", local)
            out += [e164, international, national, digits, f"{prefix}-{rest_digits}",
                    f"{prefix} {rest_digits}",
                    f"{prefix} {rest_digits[:4]} {rest_digits[4:]}",
                    " ".join([prefix, *re.findall(r"\d{1,2}", rest_digits)]),
                    f"00{number.country_code}{subscriber}",
                    f"{country} (0){subscriber}",
                    f"{country} (0){area} {local_digits}"]
        return list(dict.fromkeys(s for s in out if s))

    def equals(self, kind: str, value: str) -> bool:
        """Whether a structured field's `value` is the subject's identity of `kind`."""
        if not value.strip():
            return False
        if kind == "name":
            return bool(self.name) and _fold(value) == self.name
        if kind == "email":
            return value.strip().lower() in self.emails
        if kind == "phone":
            return self._e164(value) in self.phones
        if kind == "postcode_house_number":
            return _postcode(value) in self.postcodes
        return value.strip() in self.ids.get(kind, set())

    def mentions(self, text: str) -> list[Mention]:
        """Every place free text names the person, in text order."""
        if not text:
            return []
        found: list[Mention] = []
        if self._name_re is not None:
            found += [Mention("name", m.start(), m.end()) for m in self._name_re.finditer(text)]
        for pattern in self._email_re:
            found += [Mention("email", m.start(), m.end()) for m in pattern.finditer(text)]
        if self.phones:
            for match in phonenumbers.PhoneNumberMatcher(text, self.region,
                                                         leniency=phonenumbers.Leniency.POSSIBLE):
                number = phonenumbers.format_number(match.number,
                                                    phonenumbers.PhoneNumberFormat.E164)
                if number in self.phones:
                    found.append(Mention("phone", match.start, match.end))
        return sorted(found, key=lambda m: (m.start, -m.end))

    def scrub(self, text: str, mark: str) -> str:
        """Return `text` with every mention replaced by `mark` (overlaps merged)."""
        spans = _merge((m.start, m.end) for m in self.mentions(text))
        for start, end in reversed(spans):
            text = text[:start] + mark + text[end:]
        return text


def _merge(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged
