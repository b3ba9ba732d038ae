"""How a person is recognised in a message, the same way for finding and for scrubbing.

IMAP servers match SEARCH keys loosely (substrings, with or without full-text indexes), so
the server's answer is only a pre-filter: every candidate is decided here, in Python, on
the decoded message. The patterns that decide are the ones that scrub, so a message the
re-search would find again is a message the erasure rewrites (Rt3: the re-search is 0).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import phonenumbers

from privacydesk.systems.connector import Subject

#: What replaces a name or phone number in text, and an e-mail address (a syntactically
#: valid address under the reserved .invalid domain, RFC 2606, so headers stay parseable).
PLACEHOLDER = "[verwijderd]"
PLACEHOLDER_EMAIL = "verwijderd@verwijderd.invalid"

#: A run of three letters or digits: the shortest piece a full-text index finds (Xapian's
#: n-grams start at 3).
_WORD = re.compile(r"\w{3}")

# Between two digits of a written phone number: a space, dash, dot, slash or bracket or two.
_SEP = r"[\s.\-/()]{0,2}"


def _digits(text: str) -> str:
    return _SEP.join(re.escape(c) for c in text)


def _phone_pattern(number: str) -> str:
    """A pattern for `number` (E.164) as people write it: +31 6 1234 5678, 0031 (0)6-12345678,
    06-12 34 56 78. Falls back to its digits when phonenumbers cannot read it."""
    try:
        parsed = phonenumbers.parse(number, None)
    except phonenumbers.NumberParseException:
        digits = re.sub(r"\D", "", number)
        return _digits(digits) if digits else r"(?!)"
    country = str(parsed.country_code)
    national_number = str(parsed.national_number)
    national = re.sub(r"\D", "", phonenumbers.format_number(
        parsed, phonenumbers.PhoneNumberFormat.NATIONAL))
    international = (r"(?:\+|00)" + _SEP + _digits(country) + _SEP
                     + r"(?:\(0\)" + _SEP + r")?" + _digits(national_number))
    return rf"(?<![\d+])(?:{international}|\(?{_digits(national)})(?!\d)"


def _name_pattern(name: str) -> str:
    words = name.split()
    return r"(?<!\w)" + r"\s+".join(re.escape(w) for w in words) + r"(?!\w)"


def _email_pattern(address: str) -> str:
    return r"(?<![\w.+\-])" + re.escape(address) + r"(?![\w\-]|\.\w)"


@dataclass(frozen=True)
class Matcher:
    """The person's identities as patterns (case-insensitive), for the identity kinds the
    dataset searches. `search_terms` are the server's pre-filter; `in_text` and `scrub` decide."""

    emails: tuple[str, ...]
    name: str
    phones: tuple[str, ...]
    #: (kind, pattern) for each kind there is something to look for, "email" first.
    _patterns: tuple[tuple[str, re.Pattern[str]], ...]

    @property
    def empty(self) -> bool:
        """True when the subject gives nothing to look for in this mailbox."""
        return not self._patterns

    def search_terms(self) -> list[str]:
        """Substrings for IMAP SEARCH TEXT that pre-filter what `in_text` decides: the
        addresses, the name, and the last four digits of each phone number, together or as
        two pairs ("5678", "56 78", "56-78", "56.78"). Each term costs the server a pass
        over the text of every message (without a full-text index), so the groupings people
        rarely write are left out (docs/connectors/imap.md, limits)."""
        terms = [*self.emails, *([self.name] if self.name else [])]
        for phone in self.phones:
            last = re.sub(r"\D", "", phone)[-4:]
            if len(last) == 4:
                terms.append(last)
                terms.extend(last[:2] + sep + last[2:] for sep in (" ", "-", "."))
        return list(dict.fromkeys(terms))

    def search_keys(self) -> list[tuple[str, ...]]:
        """The server's pre-filter as keys: a message is a candidate when it contains every
        part of one key (IMAP SEARCH TEXT for each part, the keys OR-ed). A term with a
        hyphen ("Jansen-Wierenga", "carla@in-factor.nl") is split there into its parts of
        at least three letters or digits: a full-text index (Xapian, docs/connectors/imap.md)
        reads a hyphen as a word break and misses the whole term, while each part is a
        substring every server finds. A message holding the whole term holds every part, so
        the key never finds less than the term; `in_text` decides what the parts let in."""
        keys: list[tuple[str, ...]] = []
        for term in self.search_terms():
            parts = tuple(p for p in (p.strip() for p in term.split("-")) if _WORD.search(p))
            keys.append(parts if "-" in term and parts else (term,))
        return list(dict.fromkeys(keys))

    def in_text(self, text: str) -> set[str]:
        """Return which identities occur in `text`: "email", "name", "phone"."""
        return {kind for kind, pattern in self._patterns if pattern.search(text)}

    def first(self, text: str) -> int | None:
        """Return where in `text` the first of her identities starts; None when none does."""
        starts = [found.start() for _, pattern in self._patterns
                  if (found := pattern.search(text)) is not None]
        return min(starts) if starts else None

    def is_address(self, address: str) -> bool:
        """True when `address` is one of the person's e-mail addresses."""
        return address.strip().lower() in self.emails

    def is_name(self, display_name: str) -> bool:
        """True when a header's display name is the person's name (whole, any case)."""
        return bool(self.name) and " ".join(display_name.split()).lower() == self.name.lower()

    def scrub(self, text: str) -> str:
        """Return `text` with every e-mail address, name and phone number of the person
        replaced by the placeholders."""
        for kind, pattern in self._patterns:
            text = pattern.sub(PLACEHOLDER_EMAIL if kind == "email" else PLACEHOLDER, text)
        return text


def matcher(subject: Subject, identities: tuple[str, ...]) -> Matcher:
    """Build the matcher of `subject` for the dataset's identity kinds."""
    emails = tuple(dict.fromkeys(e.strip().lower() for e in subject.emails if e.strip())
                   ) if "email" in identities else ()
    name = " ".join(subject.name.split()) if "name" in identities else ""
    phones = tuple(p for p in subject.phones if p.strip()) if "phone" in identities else ()
    patterns = (("email", "|".join(_email_pattern(e) for e in emails)),
                ("name", _name_pattern(name) if name else ""),
                ("phone", "|".join(_phone_pattern(p) for p in phones)))
    return Matcher(emails, name, phones, tuple((kind, re.compile(pattern, re.IGNORECASE))
                                               for kind, pattern in patterns if pattern))
