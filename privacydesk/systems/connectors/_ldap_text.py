"""Finding and scrubbing a person in attribute values: names, e-mail addresses and phone
numbers, in identity attributes and in free text (#16.2, Rt3). Plain Python.

The directory narrows the search with LDAP filters (`identity_filter`, `text_filter`); the
values it returns are confirmed here, because a filter cannot tell "06-12345678" in a
sentence from an unrelated run of the same digits, nor a name from a longer word.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import UTC, date, datetime
from functools import lru_cache

import phonenumbers
from ldap3.utils.conv import escape_filter_chars

from privacydesk.policy import clock
from privacydesk.systems.connector import Subject, normal_identity

_MOMENT = re.compile(r"^(\d{14})(?:[.,]\d+)?(Z|[+-]\d{4})$")


def _name_pattern(name: str) -> re.Pattern[str] | None:
    words = name.split()
    # A single word ("Olaf") in free text is as likely someone else: a mention needs the
    # name as the register knows it, first and last.
    if len(words) < 2:
        return None
    # Word boundaries so that "Anna de Vries" is not found inside "Hanna de Vriesland"; any
    # run of spaces between the words, any case.
    return re.compile(r"(?<!\w)" + r"\s+".join(re.escape(w) for w in words) + r"(?!\w)",
                      re.IGNORECASE)


def _email_pattern(email: str) -> re.Pattern[str]:
    return re.compile(r"(?<![\w.+-])" + re.escape(email) + r"(?![\w-]|\.\w)", re.IGNORECASE)


def phone_digits(e164: str) -> str:
    """The national significant number of an E.164 phone number ("612345678" for
    +31612345678): the digits every way of writing it contains, in this order."""
    try:
        return phonenumbers.national_significant_number(phonenumbers.parse(e164, None))
    except phonenumbers.NumberParseException:
        return re.sub(r"\D", "", e164)


#: What people put between the digits of a phone number: spaces, hyphens, dots, slashes,
#: parentheses.
_SEP = r"[\s\-./()]*"


def _digits(digits: str) -> str:
    return _SEP.join(re.escape(d) for d in digits)


@lru_cache(maxsize=256)
def _phone_pattern(e164: str) -> re.Pattern[str] | None:
    """Every way of writing the number: international (+31 6 ..., 0031 6 ..., +31 (0)6 ...)
    and national with the country's trunk prefix (06-...), any separators between the
    digits, never as part of a longer run of digits."""
    try:
        number = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return None
    significant = _digits(phonenumbers.national_significant_number(number))
    international = (r"(?:\+|00)" + _SEP + _digits(str(number.country_code)) + _SEP
                     + r"(?:\(0\)" + _SEP + r")?" + significant)
    forms = [international]
    region = phonenumbers.region_code_for_number(number)
    metadata = phonenumbers.PhoneMetadata.metadata_for_region(region) if region else None
    prefix = metadata.national_prefix if metadata is not None else None
    if prefix:
        forms.append(r"\(?" + _digits(prefix) + _SEP + significant)
    return re.compile(r"(?<![\d+])(?:" + "|".join(forms) + r")(?!\d)")


def phone_spans(text: str, phones: Iterable[str]) -> list[tuple[int, int]]:
    """Where `text` writes one of the E.164 `phones`, in any national or international form
    (06-12345678, +31 6 1234 5678, 0031 (0)6 ...). Looked for number by number rather than
    with phonenumbers' matcher, which reads "+31 6 12345678  06-87654321" as one candidate
    and misses the first. A national form is the number's own country's (a Belgian number
    written "0470 12 34 56" is found as well as a Dutch "06-12345678")."""
    spans: list[tuple[int, int]] = []
    for phone in phones:
        pattern = _phone_pattern(phone)
        if pattern is not None:
            spans += [(m.start(), m.end()) for m in pattern.finditer(text)]
    # Overlaps (one number given twice) collapse to the widest span.
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def mentions(text: str, subject: Subject) -> tuple[str, ...]:
    """Which of the subject's identities `text` contains: a subset of ("name", "email",
    "phone"), in that order."""
    found = []
    pattern = _name_pattern(subject.name)
    if pattern is not None and pattern.search(text):
        found.append("name")
    if any(_email_pattern(e).search(text) for e in subject.emails):
        found.append("email")
    if phone_spans(text, subject.phones):
        found.append("phone")
    return tuple(found)


def scrub(text: str, subject: Subject, placeholder: str) -> str:
    """Return `text` with every mention of the subject's name, e-mail addresses and phone
    numbers replaced by `placeholder` (Rt3: erasure reaches free text that names the person)."""
    # E-mail addresses first: one may hold her number's digits ("anna0612345678@...").
    for email in subject.emails:
        text = _email_pattern(email).sub(placeholder, text)
    for start, end in reversed(phone_spans(text, subject.phones)):
        text = text[:start] + placeholder + text[end:]
    pattern = _name_pattern(subject.name)
    if pattern is not None:
        text = pattern.sub(placeholder, text)
    return text


def _substring_filter(attribute: str, needle: str) -> str:
    return f"({attribute}=*{escape_filter_chars(needle)}*)"


def _phone_filter(attribute: str, e164: str) -> str:
    # The digits in order with anything between them: matches "06-12345678" and
    # "+31 6 1234 5678" alike; `phone_spans` then confirms.
    digits = phone_digits(e164)
    return f"({attribute}=*{'*'.join(digits)}*)" if digits else ""


def identity_filter(attribute: str, kind: str, subject: Subject) -> list[str]:
    """LDAP filter parts that select entries whose `attribute` (holding identities of `kind`)
    may be the subject's; the caller confirms the values."""
    if kind == "email":
        return [f"({attribute}={escape_filter_chars(e)})" for e in subject.emails]
    if kind == "phone":
        return [f for f in (_phone_filter(attribute, p) for p in subject.phones) if f]
    if kind == "name":
        words = subject.name.split()
        return [f"({attribute}={escape_filter_chars(' '.join(words))})"] if words else []
    return [f"({attribute}={escape_filter_chars(v)})" for v in subject.ids.get(kind, ())
            if v.strip()]


def text_filter(attribute: str, subject: Subject) -> list[str]:
    """LDAP filter parts that select entries whose free-text `attribute` may name the subject."""
    parts = []
    if len(subject.name.split()) >= 2:
        parts.append(_substring_filter(attribute, " ".join(subject.name.split())))
    parts += [_substring_filter(attribute, e) for e in subject.emails]
    parts += [f for f in (_phone_filter(attribute, p) for p in subject.phones) if f]
    return parts


def identity_matches(value: str, kind: str, subject: Subject) -> bool:
    """True when an identity attribute's `value` is one of the subject's identities of `kind`."""
    if kind == "email":
        return value.strip().lower() in {e.lower() for e in subject.emails}
    if kind == "phone":
        return bool(phone_spans(value, subject.phones))
    if kind == "name":
        return " ".join(value.split()).casefold() == " ".join(subject.name.split()).casefold() \
            and bool(subject.name.strip())
    return value.strip().casefold() in {v.strip().casefold() for v in subject.ids.get(kind, ())}


def searched_identities(kind: str, subject: Subject) -> set[str]:
    """The subject's identities of `kind`, normalised and case-folded: what a record's
    identities need not repeat."""
    values = (subject.emails if kind == "email" else subject.phones if kind == "phone"
              else subject.ids.get(kind, ()))
    return {normal_identity(kind, v).casefold() for v in values}


def record_day(value: str) -> date | None:
    """The day a date attribute's value names: a GeneralizedTime moment
    ("20250630223000Z") on the controller's calendar (clock.day_of: 00:30 on 1 July in
    Amsterdam), a plain date ("2025-06-30", "20250630") as it is; None for anything else."""
    moment = _MOMENT.match(value.strip())
    if moment:
        zone = "+0000" if moment.group(2) == "Z" else moment.group(2)
        try:
            parsed = datetime.strptime(moment.group(1) + zone, "%Y%m%d%H%M%S%z")
        except ValueError:
            return None
        return clock.day_of(parsed.astimezone(UTC))
    for pattern in ("%Y-%m-%d", "%Y%m%d"):
        try:
            return datetime.strptime(value.strip(), pattern).date()
        except ValueError:
            continue
    return None
