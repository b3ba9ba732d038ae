"""The policy's building blocks: small frozen dataclasses, no behaviour beyond lookups.

Everything here is immutable: collections are tuples, frozensets or read-only mappings, so a
loaded policy cannot be changed by the code that uses it. The `Policy` class itself (with the
rules) lives in `privacydesk.policy.policy`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass

#: The languages the statement templates exist for (Dutch is authoritative).
LANGUAGES: tuple[str, ...] = ("nl", "en")

#: What a retention period may be counted from (see `RetentionFacts`).
ANCHORS: tuple[str, ...] = ("collected", "agreement_end", "employment_end", "role_end")

#: The staff permissions a policy may hand out (privacydesk.staff checks them).
PERMISSIONS: tuple[str, ...] = (
    "manage_staff",       # create staff accounts, assign staff roles
    "handle_requests",    # Rt1..Rt6: access, correction, erasure, export requests
    "view_audit",         # read the tamper-evident audit chain (Sec1)
    "manage_incidents",   # Sec5: the incident register, the 72-hour breach deadline
    "manage_agreements",  # P3, D2: agreements and their recipients
    "grant_access",       # A1, A2: approve access to a client's servers
    "request_access",     # A1, A2: ask for (short-lived) access to a client's server
    "disclose_data",      # D1-D3: pass data to a third party through the gate, ask consent
)

# --- [[systems]] (#16.1; privacydesk.policy.systems). privacydesk.systems.connector keeps
# equal IDENTITY_KINDS and CAPABILITIES (a test compares them): the policy core imports
# nothing of privacydesk, so the lists live here and there.

#: How a person can be found in a system.
IDENTITY_KINDS: tuple[str, ...] = ("email", "phone", "name", "postcode_house_number",
                                   "customer_number", "employee_number", "external_id")

#: What a system's connector can do. `archive_only`: the law keeps what is there (R3:
#: invoices seven years) — the declaration names the retention rule that says which
#: categories and until when; erasure there keeps those categories ("kept", with the law) and
#: empties the rest, the sweep removes a record once the rule's period is over;
#: `manual`: a named staff role does it.
CAPABILITIES: tuple[str, ...] = ("find", "export", "correct", "erase", "anonymise",
                                 "archive_only", "manual", "scan")

#: The connector kinds: "register" is privacydesk's own register, "manual" a task for the
#: system's owner role; the others are privacydesk.systems.registry.CONNECTORS.
CONNECTOR_KINDS: tuple[str, ...] = ("register", "sql", "imap", "ldap", "rest", "manual")

#: Kinds that never open a network connection: no hosts, never "not connected".
UNCONNECTED_KINDS: tuple[str, ...] = ("register", "manual")

#: Who runs a system: the controller itself, or a processor under an agreement (Art. 28).
OPERATORS: tuple[str, ...] = ("own", "processor")


# A label reads as the `{nl, en}` mapping it is written as (`label["nl"]`, `dict(label)`,
# isinstance Mapping), so callers that take the TOML shape take it too.
@dataclass(frozen=True)
class Label(Mapping[str, str]):
    """A text in every statement language."""

    nl: str
    en: str

    def get(self, lang: str) -> str:  # type: ignore[override]
        """The text in `lang` ("nl" or "en"); ValueError for any other language."""
        if lang == "nl":
            return self.nl
        if lang == "en":
            return self.en
        raise ValueError(f"unsupported language {lang!r}; use one of {', '.join(LANGUAGES)}")

    def __getitem__(self, lang: str) -> str:
        """The text in `lang`; KeyError for any other language."""
        try:
            return self.get(lang)
        except ValueError:
            raise KeyError(lang) from None

    def __iter__(self) -> Iterator[str]:
        return iter(LANGUAGES)

    def __len__(self) -> int:
        return len(LANGUAGES)


class Labelled:
    """A policy entry named by `labels` in every statement language."""

    labels: Label

    def label(self, lang: str) -> str:
        return self.labels.get(lang)


@dataclass(frozen=True)
class Period:
    """A length of time in calendar units; all parts >= 0."""

    years: int = 0
    months: int = 0
    days: int = 0

    @property
    def is_zero(self) -> bool:
        return self.years == 0 and self.months == 0 and self.days == 0


@dataclass(frozen=True)
class StatementMeta:
    title: Label
    year: int
    languages: tuple[str, ...]


@dataclass(frozen=True)
class SupervisoryAuthority:
    """Where a person may lodge a complaint (GDPR Art. 77); named in the access report."""

    name: str
    url: str


@dataclass(frozen=True)
class Controller:
    """The controller's identity and contact details (Id1, W3, Rt5)."""

    name: str
    street: str
    postcode: str
    city: str
    country: str
    phone: str
    email: str
    website: str
    authority: SupervisoryAuthority
    # The zone whose calendar day is "today" for every deadline, deletion date and report.
    time_zone: str = "Europe/Amsterdam"

    @property
    def address_line(self) -> str:
        """"Eeldersingel 40, 9726 AS Groningen"."""
        return f"{self.street}, {self.postcode} {self.city}"


@dataclass(frozen=True)
class RoleDef(Labelled):
    """A role a person can have towards the controller (S1)."""

    key: str
    labels: Label
    plurals: Label

    def plural(self, lang: str) -> str:
        return self.plurals.get(lang)


@dataclass(frozen=True)
class Category(Labelled):
    """A category of personal data the statement lists (C2) and who it may be held for."""

    key: str
    labels: Label
    allowed_roles: frozenset[str]
    requires_admin_account: bool   # C4: account data only for administrator accounts
    encrypted: bool                # sealed at rest by privacydesk.vault (Sec1)
    blind_index: bool              # findable through an HMAC index, never by a scan
    promise: str
    footnote: Label | None         # the statement's footnote, with placeholders


@dataclass(frozen=True)
class LegalBasis(Labelled):
    """A lawful basis of GDPR Art. 6(1)."""

    key: str
    article: str
    labels: Label


@dataclass(frozen=True)
class Purpose(Labelled):
    """A purpose data are processed for (P1..P3) and the bases allowed for it (Art. 6)."""

    key: str
    labels: Label
    bases: frozenset[str]
    requires_agreement: bool       # P3: needs a linked agreement
    promise: str
    statement: Label | None        # the phrase the statement uses, if it names the purpose


@dataclass(frozen=True)
class Source(Labelled):
    """Where a datum came from (C1)."""

    key: str
    labels: Label


@dataclass(frozen=True)
class StaffRole(Labelled):
    """A staff role: the categories it may see and what else it may do (deny by default)."""

    key: str
    labels: Label
    categories: frozenset[str]
    permissions: frozenset[str]


@dataclass(frozen=True)
class RetentionRule(Labelled):
    """How long data of these categories, purposes and bases are kept, and by which law."""

    id: str
    labels: Label
    categories: frozenset[str]     # empty: records outside the register (break-in registrations)
    purposes: frozenset[str]
    bases: frozenset[str]
    anchor: str                    # one of ANCHORS
    period: Period
    from_year_end: bool            # count from 31 December of the anchor's year
    law: Label
    promise: str


@dataclass(frozen=True)
class RetentionPolicy:
    contact_period: Period         # R2: no agreement came about
    contact_law: Label
    rules: tuple[RetentionRule, ...]


@dataclass(frozen=True)
class RequestPolicy:
    deadline_days: int             # Rt6: the statement's promise ("within one week")
    legal_limit_months: int        # GDPR Art. 12(3)
    reminder_day: int              # remind the handler on this day of the deadline


@dataclass(frozen=True)
class CallbackPolicy:
    attempts_before_written: int   # P2: written contact only after this many failed calls
    failed_outcomes: frozenset[str]  # the call outcomes that count as failed (never "reached")
    min_gap_minutes: int           # a failed call counts only this long after the previous one
    min_distinct_days: int         # the counted calls span at least this many days


@dataclass(frozen=True)
class GuardPolicy:
    """The break-in guard (W2): register only offenders, block them for a while."""

    threshold: int                 # signals within the window that make an offender
    window_seconds: int
    ban_seconds: int               # first ban
    ban_multiplier: int            # each repeat ban is this many times longer ...
    max_ban_seconds: int           # ... up to this
    registration_days: int         # how long a registration is kept
