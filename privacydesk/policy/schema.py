"""The policy file's key catalogue: every section and key, declared once (plain Python).

One `Section` per TOML table and one `Key` per key: its kind, bounds or allowed values,
default, the promise it serves, what it means and an example. Three things read it, so they
cannot disagree:

* the loader takes bounds, patterns and fixed value lists from here (`bounds`, `limits`,
  `PATTERNS`, `PERIOD_PARTS`);
* `privacydesk.policy.schema_render` turns it into docs/policy.md (`privacydesk policy
  reference`) and a JSON Schema for editors (`privacydesk policy schema`);
* tests/policy/test_policy_schema.py loads the shipped policies with an instrumented reader
  and fails when the loader reads a key the catalogue lacks, or the catalogue declares a key
  the loader never reads, or their kinds and bounds differ.

Paths: `roles.*` is every `[roles.<id>]` table, `retention.rule[]` every `[[retention.rule]]`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from privacydesk.policy.callbacks import CALL_OUTCOMES, REACHED
from privacydesk.policy.model import (
    ANCHORS,
    CAPABILITIES,
    CONNECTOR_KINDS,
    IDENTITY_KINDS,
    LANGUAGES,
    OPERATORS,
    PERMISSIONS,
)

#: Kinds of value. "label": { nl = "...", en = "..." }; "period": { years, months, days };
#: "refs": an array of names (declared ids, or `choices`); "texts": an array of texts;
#: "choice": one text out of `choices`.
KINDS = ("text", "integer", "boolean", "label", "period", "promise", "refs", "texts", "choice")

_DAY = 86400

#: A period's parts and the largest value of each: every computed date stays in the calendar.
PERIOD_PARTS: dict[str, int] = {"years": 200, "months": 2400, "days": 73000}

#: Regular expressions (Python and ECMA-262 alike; matched whole) the loader and the JSON
#: Schema share.
PATTERNS: dict[str, str] = {
    "ident": r"[a-z][a-z0-9_]{0,63}",
    "promise": r"[A-Z][A-Za-z]{0,3}[0-9]{1,2}",
    "country": r"[A-Z]{2}",
    "email": r"[^@\s]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}",
    "website": r"(https?://)?[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}(/\S*)?",
    "https": r"https://\S+",
    "rule_id": r"[a-z0-9][a-z0-9_-]{0,63}",
    # A host name or an IP address, nothing else: no scheme, port, user or path.
    "host": r"[A-Za-z0-9]([A-Za-z0-9.-]{0,251}[A-Za-z0-9])?|[0-9A-Fa-f:.]{2,45}",
}


@dataclass(frozen=True)
class Key:
    """One key of a section. `low`/`high` bound an integer (`high_from`: the upper bound is
    another key's value); `max_len` bounds a text; `pattern` names a `PATTERNS` entry;
    `refs` names the section whose ids a "refs" array names, `choices` its fixed values."""

    name: str
    kind: str
    doc: str
    example: str                  # the value as written in TOML
    promise: str = ""
    required: bool = True
    default: object = None        # the value the loader takes when an optional key is absent
    low: int | None = None
    high: int | None = None
    high_from: str = ""
    max_len: int = 2000
    pattern: str = ""
    refs: str = ""
    choices: tuple[str, ...] = ()
    allow_empty: bool = False
    rule: str = ""                # a rule across keys, in words


@dataclass(frozen=True)
class Section:
    """One TOML table. `form`: "table" (one table), "entries" (`[name.<id>]` tables, at least
    one) or "array" (`[[name]]` tables, possibly none)."""

    path: str
    form: str
    doc: str
    keys: tuple[Key, ...]
    promise: str = ""
    required: bool = True
    default: str = ""             # what an absent optional section means, in words
    example_id: str = ""          # the <id> the reference's example uses ("entries" only)

    @property
    def toml_name(self) -> str:
        """The path as its TOML header shows it: "roles.<id>", "retention.rule"."""
        return self.path.replace("*", "<id>").removesuffix("[]")

    @property
    def header(self) -> str:
        return f"[[{self.toml_name}]]" if self.form == "array" else f"[{self.toml_name}]"


def _label(name: str, doc: str, example: str, promise: str = "", **kw: Any) -> Key:
    return Key(name, "label", doc, example, promise, **kw)


def _int(name: str, low: int, high: int | None, doc: str, example: str, promise: str = "",
         **kw: Any) -> Key:
    return Key(name, "integer", doc, example, promise, low=low, high=high,
               **kw)


def _text(name: str, max_len: int, doc: str, example: str, promise: str = "",
          **kw: Any) -> Key:
    return Key(name, "text", doc, example, promise, max_len=max_len,
               **kw)


def _refs(name: str, refs: str, doc: str, example: str, promise: str = "",
          **kw: Any) -> Key:
    return Key(name, "refs", doc, example, promise, refs=refs, **kw)


def _bool(name: str, doc: str, example: str, promise: str = "", **kw: Any) -> Key:
    return Key(name, "boolean", doc, example, promise, **kw)


def _promise(doc: str, example: str) -> Key:
    return Key("promise", "promise", doc, example, pattern="promise", max_len=8)


def _ex(nl: str, en: str) -> str:
    return f'{{ nl = "{nl}", en = "{en}" }}'


SECTIONS: tuple[Section, ...] = (
    Section("statement", "table", "The privacy statement itself.", (
        _label("title", "The statement's title.",
               _ex("Privacyverklaring 2018", "Privacy statement 2018")),
        _int("year", 1990, 2200, "The year the statement is dated.", "2018"),
        _refs("languages", "", "The languages the statement is published in, without repeats; "
              "at least one.", '["nl", "en"]', choices=LANGUAGES),
    )),
    Section("controller", "table", "The controller: who is responsible for the data, named on "
            "every public page and in every letter.", (
        _text("name", 200, "The controller's name.", '"InFactor"', "Id1"),
        _text("street", 200, "Street and number.", '"Eeldersingel 40"', "Id1"),
        _text("postcode", 200, "Postcode.", '"9726 AS"', "Id1"),
        _text("city", 200, "City.", '"Groningen"', "Id1"),
        _text("country", 2, "ISO 3166 alpha-2 country code.", '"NL"', "Id1",
              pattern="country"),
        _text("phone", 200, "Telephone number; must contain digits.", '"050 - 525 90 60"',
              "Id1"),
        _text("email", 254, "The address requests are sent to.", '"info@infactor.nl"',
              "Rt5", pattern="email"),
        _text("website", 200, "The controller's website.", '"www.infactor.nl"', "W3",
              pattern="website"),
        _text("time_zone", 64, "IANA time zone: the calendar of every deadline, deletion "
              "date, prune and report (\"today\" is this zone's day, never UTC's).",
              '"Europe/Amsterdam"', "Rt6", required=False, default="Europe/Amsterdam"),
    ), promise="Id1"),
    Section("controller.authority", "table", "The supervisory authority a person may complain "
            "to (Art. 77 GDPR).", (
        _text("name", 200, "The authority's name.", '"Autoriteit Persoonsgegevens"'),
        _text("url", 200, "The authority's website, an https:// address.",
              '"https://autoriteitpersoonsgegevens.nl"', pattern="https"),
    ), promise="Id1"),
    Section("roles.*", "entries", "The roles a person can have: the people the statement "
            "covers.", (
        _label("label", "The role, singular.", _ex("klant", "customer")),
        _label("plural", "The role, plural.", _ex("klanten", "customers")),
    ), promise="S1", example_id="customer"),
    Section("categories.*", "entries", "The categories of personal data; nothing outside "
            "them is ever stored.", (
        _label("label", "The category's name.", _ex("Financiële gegevens", "Financial data")),
        _refs("allowed_roles", "roles", "The roles whose data of this category may be "
              "stored.", '["customer", "prospect", "employee"]', "C3"),
        _bool("requires_admin_account", "Only for people with an administrator account.",
              "false", "C4"),
        _bool("encrypted", "Encrypted at rest.", "true", "Sec1"),
        _bool("blind_index", "Found again through a blind index (HMAC), never by a scan.",
              "false", "Sec1", rule="needs encrypted = true"),
        _promise("The promise the category serves.", '"C3"'),
        _label("footnote", "The statement's footnote to the category; may use {roles} "
               "(\"a, b and/or c\"), {roles_and} (\"a, b and c\") and {controller}.",
               _ex("Alleen van toepassing voor {roles} van {controller}.",
                   "Only applies to {roles} of {controller}."),
               required=False, rule="required when allowed_roles is not every role"),
    ), promise="C2", example_id="financial"),
    Section("legal_bases.*", "entries", "The legal bases of GDPR Art. 6(1) the policy uses.", (
        _text("article", 100, "The article that gives the basis.", '"Art. 6(1)(b) GDPR"'),
        _label("label", "The basis's name.", _ex("Overeenkomst", "Contract")),
    ), promise="R1", example_id="contract"),
    Section("purposes.*", "entries", "The purposes data are processed for.", (
        _label("label", "The purpose's name.", _ex("Terugbellen", "Callback")),
        _refs("bases", "legal_bases", "The legal bases the purpose may rest on.",
              '["consent", "legitimate_interests"]', "R1"),
        _bool("requires_agreement", "Data for this purpose need a linked agreement.",
              "false", "P3"),
        _promise("The promise the purpose serves.", '"P1"'),
        _label("statement", "The phrase the statement uses for the purpose.",
               _ex("om telefonisch contact met u op te kunnen nemen",
                   "to be able to contact you by telephone"), required=False),
    ), promise="P1, P2, P3", example_id="callback"),
    Section("sources.*", "entries", "Where data may come from; every datum records its "
            "source.", (
        _label("label", "The source's name.", _ex("Contactformulier", "Contact form")),
    ), promise="C1", example_id="contact_form"),
    Section("staff_roles.*", "entries", "The staff roles: which categories each may see and "
            "what it may do.", (
        _label("label", "The staff role's name.", _ex("Financiële administratie", "Finance")),
        _refs("categories", "categories", "The categories the role may see; may be empty.",
              '["names", "address", "financial"]', "Sec4", allow_empty=True),
        _refs("permissions", "", "What the role may do; may be empty.",
              '["manage_agreements", "disclose_data"]', "Sec1", choices=PERMISSIONS,
              allow_empty=True),
    ), promise="Sec1", example_id="finance"),
    Section("retention", "table", "How long data are kept.", (
        Key("contact_period", "period", "How long data are kept after collection or the last "
            "contact when no agreement came about.", "{ months = 6 }", "R2"),
        _label("contact_law", "The law named for the contact period.",
               _ex("art. 5 lid 1 sub e AVG, opslagbeperking",
                   "Art. 5(1)(e) GDPR, storage limitation"), "R2"),
    ), promise="R1"),
    Section("retention.rule[]", "array", "The retention rules; each says how long data of "
            "some categories, kept for some purposes on some bases, stay.", (
        _text("id", 64, "The rule's id, named in deletion receipts; unique. "
              "\"contact-period\" and \"role-ended\" are reserved.", '"fiscal-records"',
              pattern="rule_id"),
        _label("label", "The rule's name.", _ex("Fiscale administratie", "Fiscal records")),
        _refs("categories", "categories", "The categories the rule keeps; [] for records "
              "outside the register (e.g. break-in registrations).",
              '["names", "address", "financial"]', allow_empty=True),
        _refs("purposes", "purposes", "The purposes the rule applies to.",
              '["legal_obligation"]'),
        _refs("bases", "legal_bases", "The legal bases the rule applies to.",
              '["legal_obligation"]', rule="each must be a basis of one of the rule's "
              "purposes"),
        Key("anchor", "choice", "What the period is counted from.", '"agreement_end"',
            choices=ANCHORS, max_len=32),
        Key("period", "period", "How long after the anchor the data stay.", "{ years = 7 }"),
        _bool("from_year_end", "Count from 31 December of the anchor's year.", "true"),
        _label("law", "The law that obliges or allows keeping the data this long.",
               _ex("art. 52 Algemene wet inzake rijksbelastingen",
                   "Section 52 General Tax Act")),
        _promise("The promise the rule serves.", '"R3"'),
    ), promise="R3"),
    Section("requests", "table", "Requests of data subjects (access, correction, erasure, "
            "export): the deadline.", (
        _int("legal_limit_months", 1, 3, "The legal limit in months (GDPR Art. 12(3): one "
             "month, extended by two at most).", "1"),
        _int("deadline_days", 1, 366, "The deadline the statement promises, in days.", "7",
             "Rt6", rule="at most 28 × legal_limit_months"),
        _int("reminder_day", 1, 366, "The day of the deadline on which staff are reminded.",
             "5", "Rt6", high_from="deadline_days"),
    ), promise="Rt6"),
    Section("callbacks", "table", "When phone contact has failed and written contact may "
            "follow.", (
        _int("attempts_before_written", 1, 100, "Failed calls that must count before written "
             "contact opens.", "3"),
        _refs("failed_outcomes", "", "The call outcomes that count as a failed call "
              "(\"reached\" never does).", '["no_answer", "voicemail", "busy", '
              '"wrong_number"]', choices=tuple(o for o in CALL_OUTCOMES if o != REACHED)),
        _int("min_gap_minutes", 0, 7 * 24 * 60, "A failed call counts only this long after "
             "the previous call that counted.", "120"),
        _int("min_distinct_days", 1, 14, "The counted calls fall on at least this many "
             "different days (in the controller's time zone).", "2",
             rule="at most attempts_before_written"),
    ), promise="P2"),
    Section("guard", "table", "The break-in detector: addresses that repeatedly try to break "
            "in are registered and blocked for a while.", (
        _int("threshold", 1, 10_000, "Attack signals from one address within window_seconds "
             "that register it.", "5"),
        _int("window_seconds", 1, _DAY, "The window the threshold counts in.", "600"),
        _int("ban_seconds", 1, 365 * _DAY, "The first block.", "900",
             rule="at most max_ban_seconds"),
        _int("ban_multiplier", 1, 100, "Each next block of the same address is this many "
             "times longer.", "2"),
        _int("max_ban_seconds", 1, 365 * _DAY, "The longest block.", "604800"),
        _int("registration_days", 1, 3650, "How long a registration (with its evidence) is "
             "kept.", "30", "R1"),
    ), promise="W2"),
    Section("legal_obligations.*", "entries", "The statutory duties to pass data to an "
            "authority; a disclosure on a legal obligation names one of these by id.", (
        _label("label", "The obligation's name.",
               _ex("Controle door de Belastingdienst", "Tax inspection")),
        _text("statute", 200, "The law.", '"Algemene wet inzake rijksbelastingen"'),
        _text("article", 100, "The article(s) that oblige the disclosure.",
              '"art. 47 en 52"'),
        _text("authority", 200, "The authority that may demand the data.",
              '"Belastingdienst"'),
        Key("recipients", "texts", "Who may receive under it: names of organisations (not "
            "e-mail addresses), at least one, none twice (case and spacing do not matter).",
            '["Belastingdienst"]', max_len=200),
        _refs("categories", "categories", "Which data.", '["names", "address", "financial"]'),
        _refs("roles", "roles", "Whose data: people who have or had one of these roles.",
              '["customer", "prospect"]'),
    ), promise="D1", required=False, default="nothing goes out on a legal obligation",
        example_id="tax_inspection"),
    Section("incidents", "table", "How long the incident register keeps what "
            "(Art. 33(5) GDPR).", (
        Key("reporter_period", "period", "The reporter's name and e-mail address stay this "
            "long after the incident is closed.", "{ months = 6 }", "R1"),
        Key("documentation_period", "period", "The incident record (the facts) stays this "
            "long after closing.", "{ years = 5 }", "Sec5",
            rule="not shorter than reporter_period"),
        _label("law", "The law named in receipts and the retention plan.",
               _ex("art. 33 lid 5 AVG, documentatie van inbreuken",
                   "Art. 33(5) GDPR, documenting breaches"), required=False,
               default="Art. 33(5) GDPR, documenting breaches"),
    ), promise="Sec5", required=False,
        default="both periods are retention.contact_period"),
    Section("staff_accounts", "table", "Sign-in limits per staff account and the lifetime of "
            "API tokens; never a permanent lock-out.", (
        _int("failures_before_delay", 1, 1000, "Wrong passwords or one-time codes in a row "
             "before a delay.", "5", required=False, default=5),
        _int("first_delay_seconds", 1, _DAY, "The first delay.", "60", required=False,
             default=60, rule="at most max_delay_seconds"),
        _int("delay_multiplier", 1, 100, "Each next delay is this many times longer.", "2",
             required=False, default=2),
        _int("max_delay_seconds", 1, 7 * _DAY, "The longest delay.", "3600",
             required=False, default=3600),
        _int("failure_memory_seconds", 60, 90 * _DAY, "Failures older than this are "
             "forgotten.", "86400", required=False, default=_DAY,
             rule="at least max_delay_seconds"),
        _int("token_days", 1, 3650, "The lifetime of an API token created without one.",
             "90", "Sec3", required=False, default=90),
    ), promise="Sec1", required=False, default="every key takes its default"),
    Section("api", "table", "The rate limit of each API token (answered 429 past it).", (
        _int("requests_per_window", 1, 1_000_000, "Calls one token may make within "
             "window_seconds.", "6000", required=False, default=6000),
        _int("window_seconds", 1, _DAY, "The window of the rate limit.", "60",
             required=False, default=60),
    ), promise="Sec3", required=False, default="every key takes its default"),
    Section("backups", "table", "How often an encrypted backup must be taken; `privacydesk "
            "check` fails Sec1 when the newest backup is older.", (
        _int("interval_days", 1, 31, "The newest backup may be at most this many days old "
             "(Art. 32(1)(c) GDPR).", "1"),
    ), promise="Sec1", required=False, default="interval_days = 1"),
    Section("systems[]", "array", "The systems that hold personal data besides the register "
            "(mail server, ticketing, accounting, directory ...) and the register itself: "
            "access, correction, erasure and retention reach them (docs/systems.md). The "
            "connection (URL, credentials) is never here: PRIVACYDESK_SYSTEM_<ID>_URL.", (
        _text("id", 64, "The system's id; unique. Its URL variable is "
              "PRIVACYDESK_SYSTEM_<ID>_URL.", '"ticketing"', pattern="ident"),
        _label("label", "The system's name, shown to staff and in the Art. 30 register.",
               _ex("Ticketsysteem (Redmine)", "Ticketing (Redmine)")),
        _text("owner", 64, "The staff role that owns the system: manual tasks and reviews "
              "go there.", '"service_lead"', rule="must name a [staff_roles.<id>]"),
        Key("operator", "choice", "Who runs it: the controller, or a processor.", '"own"',
            choices=OPERATORS, max_len=32),
        _text("processor", 200, "The processor's name; \"\" for an own system.", '""',
              required=False, default="", allow_empty=True,
              rule="required when operator = \"processor\", empty otherwise"),
        _text("agreement", 200, "The processing agreement with the processor (Art. 28(3) "
              "GDPR); \"\" for an own system.", '""', required=False, default="",
              allow_empty=True, rule="required when operator = \"processor\", empty "
              "otherwise"),
        _refs("categories", "categories", "The categories of data held there.",
              '["names", "email", "phone"]', "C2",
              rule="each allowed for every role in roles (C3..C5), except in the register"),
        _refs("roles", "roles", "Whose data are held there.", '["customer", "contact"]',
              "S1"),
        _refs("purposes", "purposes", "Why the data are held there.", '["agreement"]'),
        _refs("identities", "", "How a person is found there.",
              '["email", "name", "phone"]', "Rt1", choices=IDENTITY_KINDS),
        _refs("capabilities", "", "What its connector can do.",
              '["find", "export", "anonymise", "scan"]', "Rt3", choices=CAPABILITIES),
        Key("connector", "choice", "How privacydesk reaches it: the register itself "
            "(exactly one system), a connector, or manual tasks for the owner.", '"rest"',
            choices=CONNECTOR_KINDS, max_len=32, rule="exactly one system is \"register\""),
        _text("dataset", 500, "The connector's dataset file (docs/connectors/<kind>.md), "
              "relative to the policy file's folder; \"\" for none (always for the register).",
              '"systems/ticketing.toml"', required=False, default="", allow_empty=True,
              rule="an existing TOML file"),
        Key("hosts", "texts", "The only hosts its connector may talk to: host names or IP "
            "addresses, without scheme or port.", '["127.0.0.1"]', "Sec1", required=False,
            max_len=253, pattern="host", allow_empty=True,
            rule="at least one for sql, imap, ldap and rest; none for register and manual"),
        _text("retention", 64, "The [[retention.rule]] id that applies there; \"\" for none.",
              '"agreement-execution"', "R3", required=False, default="", allow_empty=True,
              rule="a declared rule id; required with capability archive_only"),
        Key("scan_interval", "period", "How often `privacydesk systems scan` must run there; "
            "absent: no periodic scan is due.", "{ months = 3 }", "C2", required=False),
    ), promise="Rt3", required=False,
        default="the register alone holds personal data (every category, role and purpose)"),
)

_BY_PATH = {s.path: s for s in SECTIONS}


def key(path: str, name: str) -> Key:
    """The key `name` of the section at `path`; KeyError if the catalogue has none."""
    for k in _BY_PATH[path].keys:
        if k.name == name:
            return k
    raise KeyError(f"{path}.{name}")


def limits(path: str, name: str) -> tuple[int, int]:
    """An integer key's (minimum, maximum)."""
    k = key(path, name)
    assert k.low is not None and k.high is not None, f"{path}.{name} has no static bounds"
    return k.low, k.high


def bounds(path: str) -> dict[str, tuple[int, int]]:
    """Every integer key of a section: name -> (minimum, maximum), in catalogue order."""
    return {k.name: limits(path, k.name) for k in _BY_PATH[path].keys if k.kind == "integer"}


def _parent_and_name(s: Section) -> tuple[str, str]:
    parent, _, name = s.path.removesuffix(".*").removesuffix("[]").rpartition(".")
    return parent, name


def children(path: str) -> list[Section]:
    """The sections nested directly in `path` ("" for the top level)."""
    return [s for s in SECTIONS if _parent_and_name(s)[0] == path]


def child_name(s: Section) -> str:
    """The key under which section `s` sits in its parent ("roles", "rule", "authority")."""
    return _parent_and_name(s)[1]
