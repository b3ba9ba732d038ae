"""Format rules for single values of personal data (no database, no policy).

Each checker takes the raw input and the field name, and returns the normalised value or
raises RuleViolation(field, "format", message). Nothing here knows which category a field
belongs to; `privacydesk.register.fields` composes these per category.
"""

from __future__ import annotations

import re
import string
import unicodedata
from typing import Any

import phonenumbers
from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from privacydesk.policy.errors import RuleViolation

FORMAT = "format"
REQUIRED = "required"

# Bidirectional overrides and isolates can make a stored name display as something else.
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
# Control characters (incl. NUL, which PostgreSQL refuses), lone surrogates (not encodable
# as UTF-8) and line/paragraph separators (a value is one line).
_REFUSED_CATEGORIES = frozenset({"Cc", "Cs", "Zl", "Zp"})
# U+FFFD is what a decoder puts where a client sent bytes that are not UTF-8 (%ff%fe): storing
# it would keep a garbled value as if the person had typed it (#13, 5.7).
_REPLACEMENT = "\ufffd"
_LINE_BREAKS = frozenset("\n\r\t")


def forbidden_character(value: str, *, multiline: bool = False) -> str | None:
    """Return the first character `value` may not hold, or None.

    Refused: control characters (CR and LF too, unless `multiline`: a header built from a
    one-line value must never gain a line), lone surrogates, line separators, bidi overrides
    and U+FFFD (input that was not valid UTF-8). `multiline` allows CR, LF and tab.
    """
    for ch in value:
        if multiline and ch in _LINE_BREAKS:
            continue
        if (ch in _BIDI_CONTROLS or ch == _REPLACEMENT
                or unicodedata.category(ch) in _REFUSED_CATEGORIES):
            return ch
    return None


def fail(field: str, message: str, rule: str = FORMAT) -> RuleViolation:
    """Return (for raising) the error for a malformed value of `field`."""
    return RuleViolation(field=field, rule=rule, message=message)


def text(value: Any, field: str, *, max_length: int, required: bool = True) -> str:
    """Return `value` as one NFC-normalised line without surrounding spaces.

    Refuses non-strings, control characters, bidi overrides and values over `max_length`.
    An empty value is refused when `required`, else returned as "".
    """
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise fail(field, "must be text")
    bad = forbidden_character(value)
    if bad == _REPLACEMENT:
        raise fail(field, "is not valid UTF-8 text (U+FFFD)")
    if bad is not None:
        raise fail(field, f"contains a control character (U+{ord(bad):04X})")
    cleaned = unicodedata.normalize("NFC", value).strip()
    if not cleaned and required:
        raise fail(field, "is required", REQUIRED)
    if len(cleaned) > max_length:
        raise fail(field, f"is longer than {max_length} characters")
    return cleaned


def boolean(value: Any, field: str) -> bool:
    """Return a real bool; accept the strings a form posts ("true"/"false", "on", "1"/"0")."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "on", "1", "yes"):
        return True
    if value is None or (isinstance(value, str) and value.strip().lower() in (
            "false", "off", "0", "no", "")):
        return False
    raise fail(field, "must be true or false")


def choice(value: Any, field: str, choices: tuple[str, ...]) -> str:
    """Return `value` if it is one of `choices`."""
    cleaned = text(value, field, max_length=64)
    if cleaned not in choices:
        raise fail(field, f"must be one of: {', '.join(choices)}")
    return cleaned


def email(value: Any, field: str) -> str:
    """Return the address with its domain lower-cased; refuse what is not an address."""
    cleaned = text(value, field, max_length=254)
    try:
        validate_email(cleaned)
    except ValidationError:
        raise fail(field, "is not a valid e-mail address")
    local, _, domain = cleaned.rpartition("@")
    return f"{local}@{domain.lower()}"


def phone(value: Any, field: str, *, region: str = "NL") -> str:
    """Return the number in E.164 (+31505259060); national numbers are read as `region`."""
    cleaned = text(value, field, max_length=32)
    try:
        number = phonenumbers.parse(cleaned, region)
    except phonenumbers.NumberParseException:
        raise fail(field, "is not a telephone number")
    if not phonenumbers.is_valid_number(number):
        raise fail(field, "is not a valid telephone number")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def country(value: Any, field: str) -> str:
    """Return an ISO 3166-1 alpha-2 country code in upper case (default NL when empty)."""
    cleaned = text(value, field, max_length=2, required=False).upper() or "NL"
    if cleaned not in phonenumbers.SUPPORTED_REGIONS:
        raise fail(field, "must be a two-letter country code such as NL")
    return cleaned


_NL_POSTCODE = re.compile(r"^([1-9][0-9]{3}) ?([A-Z]{2})$")


def postcode(value: Any, field: str, *, country_code: str) -> str:
    """Return the postcode; a Dutch one as "1234 AB" (letters SA, SD and SS do not exist)."""
    cleaned = text(value, field, max_length=16)
    if country_code != "NL":
        return cleaned
    match = _NL_POSTCODE.match(cleaned.upper())
    if not match or match.group(2) in ("SA", "SD", "SS"):
        raise fail(field, "must be a Dutch postcode like 9726 AS")
    return f"{match.group(1)} {match.group(2)}"


# Lengths of IBANs per country for the countries clients commonly bank in.
_IBAN_LENGTHS = {
    "NL": 18, "BE": 16, "DE": 22, "FR": 27, "GB": 22, "LU": 20, "ES": 24, "IT": 27,
    "AT": 20, "DK": 18, "FI": 18, "IE": 22, "PT": 25, "SE": 24, "CH": 21, "NO": 15, "PL": 28,
}
_IBAN_SHAPE = re.compile(r"^[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}$")


def iban(value: Any, field: str) -> str:
    """Return the IBAN without spaces, upper-cased; refuse a wrong length or checksum."""
    cleaned = text(value, field, max_length=42).replace(" ", "").upper()
    expected = _IBAN_LENGTHS.get(cleaned[:2])
    if not _IBAN_SHAPE.match(cleaned) or (expected is not None and len(cleaned) != expected):
        raise fail(field, "is not an IBAN")
    rearranged = cleaned[4:] + cleaned[:4]
    digits = "".join(str(string.ascii_uppercase.index(c) + 10) if c.isalpha() else c
                     for c in rearranged)
    if int(digits) % 97 != 1:
        raise fail(field, "is not an IBAN (the check digits do not match)")
    return cleaned


def bsn(value: Any, field: str) -> str:
    """Return a Dutch citizen service number (9 digits) that passes the 11-test."""
    cleaned = text(value, field, max_length=16).replace(" ", "").replace(".", "")
    if len(cleaned) == 8:
        cleaned = "0" + cleaned
    if len(cleaned) != 9 or not cleaned.isascii() or not cleaned.isdigit():
        raise fail(field, "must be a BSN of 9 digits")
    weights = (9, 8, 7, 6, 5, 4, 3, 2, -1)
    total = sum(int(d) * w for d, w in zip(cleaned, weights, strict=True))
    if total % 11 != 0 or int(cleaned) == 0:
        raise fail(field, "is not a valid BSN (11-test)")
    return cleaned


_DOCUMENT_NUMBER = re.compile(r"^[A-Z0-9]{6,20}$")


def document_number(value: Any, field: str) -> str:
    """Return a passport / identity card / driving licence number: 6-20 letters or digits."""
    cleaned = text(value, field, max_length=24).replace(" ", "").upper()
    if not _DOCUMENT_NUMBER.match(cleaned):
        raise fail(field, "must be 6 to 20 letters or digits")
    return cleaned


_VAT_NUMBER = re.compile(r"^[A-Z]{2}[A-Z0-9+*]{2,13}$")
_NL_VAT_NUMBER = re.compile(r"^NL[0-9]{9}B[0-9]{2}$")


def vat_number(value: Any, field: str) -> str:
    """Return an EU VAT number (a Dutch one as NL123456789B01)."""
    cleaned = text(value, field, max_length=20).replace(" ", "").replace(".", "").upper()
    pattern = _NL_VAT_NUMBER if cleaned.startswith("NL") else _VAT_NUMBER
    if not pattern.match(cleaned):
        raise fail(field, "is not a VAT number")
    return cleaned
