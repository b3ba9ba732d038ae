"""The contract every connector keeps (#16.2). Plain Python: no Django, no database.

A connector reaches one declared system (a database, a mailbox, a directory, a REST service)
on behalf of a data subject's rights. It is built from the system's id, the connection URL
(from the environment, never from the policy file), the declared dataset (a mapping read
from the system's dataset file) and the hosts the declaration allows. Every method either
returns what it did or raises `ConnectorError`; none returns a partial success silently.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Protocol
from urllib.parse import urlsplit, urlunsplit

import phonenumbers

#: How a person can be found in a system (the policy's `identities` of a [[systems]] entry).
IDENTITY_KINDS = ("email", "phone", "name", "postcode_house_number", "customer_number",
                  "employee_number", "external_id")

#: What a connector can do (the policy's `capabilities`). `archive_only`: the system keeps
#: what the law requires (R3: invoices seven years) and only that — an erasure empties the
#: categories the system's retention rule does not keep, and the records go when the law's
#: period ends (systems.retaining); `manual`: a named staff role does it and confirms.
CAPABILITIES = ("find", "export", "correct", "erase", "anonymise", "archive_only", "manual",
                "scan")

#: The kinds of `ConnectorError`, each shown to staff in words by the systems app.
ERROR_KINDS = ("unreachable", "timeout", "refused", "garbage", "forbidden_host",
               "unsupported", "misdeclared")


class ConnectorError(Exception):
    """A system could not do what was asked. `kind` is one of ERROR_KINDS; the message
    names the system and what failed, and never contains a credential (use `redact`)."""

    def __init__(self, kind: str, message: str) -> None:
        if kind not in ERROR_KINDS:
            raise ValueError(f"unknown connector error kind {kind!r}")
        super().__init__(message)
        self.kind = kind


@dataclass(frozen=True)
class Subject:
    """Everything privacydesk knows to look a person up by, normalised: e-mail addresses
    lower-case, phone numbers E.164 (+31...), postcode + house number as "9712AB 12",
    `ids` keyed by identity kind (customer_number, employee_number, external_id)."""

    name: str = ""
    emails: tuple[str, ...] = ()
    phones: tuple[str, ...] = ()
    postcode_house_numbers: tuple[str, ...] = ()
    ids: Mapping[str, tuple[str, ...]] = field(default_factory=dict)


def normal_identity(kind: str, value: object) -> str:
    """`value` of identity `kind` as a Subject holds it: an e-mail address trimmed and
    lower-case, a phone number E.164 (a national number read as Dutch), any other kind
    trimmed; "" when it is none (no "@", no possible phone number, empty). The one
    normalisation of the register's identities and of those a record hands on, so the
    systems compare what they find with what they were asked (#16)."""
    text = "" if value is None else str(value).strip()
    if kind == "email":
        return text.lower() if "@" in text.strip("@") else ""
    if kind == "phone":
        try:
            number = phonenumbers.parse(text, "NL")
        except phonenumbers.NumberParseException:
            return ""
        if not phonenumbers.is_possible_number(number):
            return ""
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    return text


@dataclass(frozen=True)
class Record:
    """One thing a system holds about the person.

    `locator` is stable inside the system and enough for the connector to act on the record
    again ("customers/42", "INBOX/1734", "uid=anna,ou=people,dc=...", "issues/17#note-3");
    `kind` says what it is in words ("klant", "e-mail", "ticket"); `categories` are policy
    category ids; `fields` what the report shows (free text cut to 200 characters);
    `matched_by` which identities matched ("email", "name in text"); `dated` the record's own
    date, for retention (the day on the policy's calendar).

    `kept` is the reason the law keeps this record where it is ("R3: fiscal records"), empty
    when nothing keeps it: a kept record found by the re-search is counted as kept, not as
    left (Rt3, R3). `identities` are the person's identities this record holds beyond the
    ones searched for, by identity kind ({"email": ("anna@werk.nl",)}), so that other systems
    are searched by them too (#16: a person is found by more than one address)."""

    system: str
    locator: str
    kind: str
    categories: tuple[str, ...]
    fields: Mapping[str, str]
    matched_by: tuple[str, ...] = ()
    dated: date | None = None
    kept: str = ""
    identities: Mapping[str, tuple[str, ...]] = field(default_factory=dict)


@dataclass(frozen=True)
class Export:
    """One file of a person's export (portability, Rt4)."""

    filename: str
    content_type: str
    data: bytes


@dataclass(frozen=True)
class Outcome:
    """What was done to one record: action is "deleted", "anonymised", "corrected",
    "disabled", "moved", "kept" (archive-only, with the reason in `detail`) or "left" (not
    erased: the system offers no way to change what still names the person, `detail` says
    where; no law keeps it, so a person must remove it there, Rt3)."""

    system: str
    locator: str
    action: str
    detail: str = ""


@dataclass(frozen=True)
class Sample:
    """One value seen by a scan: where (table.column, header, attribute, field path) and the
    value itself. Values never leave the process; the scan reports counts and kinds only."""

    where: str
    value: str


class Connector(Protocol):
    """What the systems app calls. `erase` removes or anonymises the given records (the
    ones `find` returned), including free text that names the person; afterwards `find` for
    the same subject must return nothing erasable (the re-search of the receipt)."""

    system_id: str

    def ping(self) -> None: ...

    def find(self, subject: Subject) -> list[Record]: ...

    def export(self, records: Sequence[Record]) -> list[Export]: ...

    def correct(self, record: Record, field_name: str, value: str) -> Outcome: ...

    def erase(self, records: Sequence[Record], subject: Subject) -> list[Outcome]: ...

    def sample(self, limit: int) -> Iterator[Sample]: ...


@dataclass(frozen=True)
class Connection:
    """How to reach a system: its id, URL (with credentials), dataset mapping, allowed
    hosts and the timeout in seconds for every network call."""

    system_id: str
    url: str
    dataset: Mapping[str, Any]
    hosts: tuple[str, ...]
    timeout: float = 10.0


def redact(text: str, url: str) -> str:
    """Return `text` with the URL's password (and user) replaced by "***"."""
    parts = urlsplit(url)
    for secret in (parts.password, parts.username):
        if secret:
            text = text.replace(secret, "***")
    return text


def safe_url(url: str) -> str:
    """Return the URL without its credentials, for messages and receipts."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    netloc = f"{host}:{parts.port}" if parts.port else host
    return urlunsplit((parts.scheme, netloc, parts.path, "", ""))


def check_host(connection: Connection) -> str:
    """Return the URL's host; raise ConnectorError("forbidden_host") unless the system's
    declaration names it (#16.2: a connector talks only to the hosts its declaration names)."""
    host = (urlsplit(connection.url).hostname or "").lower()
    if host not in {h.lower() for h in connection.hosts}:
        raise ConnectorError("forbidden_host",
                             f"{connection.system_id}: host {host or '(none)'} is not among "
                             f"the declared hosts {', '.join(connection.hosts) or '(none)'}")
    return host
