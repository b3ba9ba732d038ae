"""Load and validate a policy file (TOML) into a frozen `Policy`.

The whole file is checked before anything is returned: syntax, unknown and missing keys,
types, ranges, references between sections (roles, categories, purposes, legal bases) and
cross-section rules. Any defect raises `PolicyError(file, key, rule)` with a dotted key path
such as `categories.financial.allowed_roles[2]`; a policy is never half-loaded. Every key is
declared once in `privacydesk.policy.schema` (docs/policy.md is generated from it).
"""

from __future__ import annotations

import re
import string
from collections.abc import Mapping
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from privacydesk.policy._reader import Table, parse_toml, read_text
from privacydesk.policy.api_limits import api_section
from privacydesk.policy.backups import backups_section
from privacydesk.policy.errors import PolicyError
from privacydesk.policy.incidents import incidents_section
from privacydesk.policy.loader_sections import (
    callbacks_section,
    guard_section,
    requests_section,
    retention_section,
)
from privacydesk.policy.model import (
    LANGUAGES,
    PERMISSIONS,
    Category,
    Controller,
    LegalBasis,
    Purpose,
    RoleDef,
    Source,
    StaffRole,
    StatementMeta,
    SupervisoryAuthority,
)
from privacydesk.policy.obligations import legal_obligations_section
from privacydesk.policy.policy import Policy
from privacydesk.policy.schema import PATTERNS, limits
from privacydesk.policy.staff_accounts import staff_accounts_section
from privacydesk.policy.systems import systems_section

_EMAIL = re.compile(PATTERNS["email"] + r"\Z")
_WEBSITE = re.compile(PATTERNS["website"] + r"\Z")
_FOOTNOTE_FIELDS = frozenset({"roles", "roles_and", "controller"})


def get_default_policy_path() -> Path:
    """The embedded default policy (InFactor's)."""
    return Path(__file__).with_name("default") / "infactor.toml"


def load_policy(path: str | Path) -> Policy:
    """Read and validate the policy at `path`; PolicyError on any defect, file errors too."""
    return load_policy_text(read_text(path), file=str(path))


def load_policy_text(text: str, file: str = "<string>") -> Policy:
    """Validate policy TOML given as text; `file` names it in errors."""
    try:
        data = parse_toml(text, file)
    except RecursionError:
        raise PolicyError(file, "(syntax)", "nests too deeply") from None
    root = Table(file, "", data)
    statement = _statement(root.table("statement"))
    controller = _controller(root.table("controller"))
    roles = root.table("roles").built_entries("role", _role)
    categories = root.table("categories").built_entries(
        "category", lambda k, t: _category(k, t, roles))
    bases = root.table("legal_bases").built_entries("legal basis", _legal_basis)
    purposes = root.table("purposes").built_entries(
        "purpose", lambda k, t: _purpose(k, t, bases))
    sources = root.table("sources").built_entries("source", _source)
    staff = root.table("staff_roles").built_entries(
        "staff role", lambda k, t: _staff_role(k, t, categories))
    retention = retention_section(root.table("retention"), categories, purposes, bases)
    obligations = legal_obligations_section(root.optional_table("legal_obligations"),
                                            categories, roles)
    incidents = incidents_section(root.optional_table("incidents"), retention.contact_period)
    requests = requests_section(root.table("requests"))
    callbacks = callbacks_section(root.table("callbacks"))
    guard = guard_section(root.table("guard"))
    staff_accounts = staff_accounts_section(root.optional_table("staff_accounts"))
    api = api_section(root.optional_table("api"))
    backups = backups_section(root.optional_table("backups"))
    # Relative dataset paths start from the policy file's folder (#16.1).
    base = Path(file).parent if Path(file).is_file() else None
    systems = systems_section(root, categories=categories, roles=roles, purposes=purposes,
                              staff_roles=staff, retention=retention, base=base)
    root.close()
    return Policy(file=file, statement=statement, controller=controller, roles=roles,
                  legal_obligations=obligations, incidents=incidents,
                  categories=categories, legal_bases=bases, purposes=purposes, sources=sources,
                  staff_roles=staff, retention=retention, requests=requests,
                  callbacks=callbacks, guard=guard, staff_accounts=staff_accounts,
                  api=api, backups=backups, systems=systems)


def _statement(t: Table) -> StatementMeta:
    title = t.label("title")
    year = t.integer("year", *limits("statement", "year"))
    langs = t.array("languages")
    if not langs:
        t.fail("languages", "must name at least one language")
    for i, lang in enumerate(langs):
        if lang not in LANGUAGES:
            t.fail(f"languages[{i}]", f"must be one of {', '.join(LANGUAGES)}; {lang!r} is not",
                   raw=True)
        if lang in langs[:i]:
            t.fail(f"languages[{i}]", f"names {lang!r} twice", raw=True)
    t.close()
    return StatementMeta(title=title, year=year, languages=tuple(langs))


def _controller(t: Table) -> Controller:
    fields = {k: t.text(k, 200) for k in ("name", "street", "postcode", "city", "phone")}
    country = t.text("country", 2)
    if not re.fullmatch(PATTERNS["country"], country):
        t.fail("country", f"must be an ISO 3166 country code such as NL; {country!r} is not")
    if not any(ch.isdigit() for ch in fields["phone"]):
        t.fail("phone", "must be a telephone number (it has no digits)")
    email = t.text("email", 254)
    if not _EMAIL.match(email):
        t.fail("email", f"must be an e-mail address such as info@example.nl; {email!r} is not")
    website = t.text("website", 200)
    if not _WEBSITE.match(website):
        t.fail("website", f"must be a web address such as www.example.nl; {website!r} is not")
    a = t.table("authority")
    authority = SupervisoryAuthority(name=a.text("name", 200), url=a.text("url", 200))
    if not re.fullmatch(PATTERNS["https"], authority.url):
        a.fail("url", "must be an https:// address")
    a.close()
    time_zone = t.text("time_zone", 64) if t.has("time_zone") else Controller.time_zone
    try:
        ZoneInfo(time_zone)
    except (ZoneInfoNotFoundError, ValueError):
        t.fail("time_zone", f"must be an IANA time zone such as Europe/Amsterdam; "
               f"{time_zone!r} is not")
    t.close()
    return Controller(country=country, email=email, website=website, authority=authority,
                      time_zone=time_zone, **fields)


def _role(key: str, t: Table) -> RoleDef:
    return RoleDef(key=key, labels=t.label("label"), plurals=t.label("plural"))


def _category(key: str, t: Table, roles: Mapping[str, RoleDef]) -> Category:
    labels = t.label("label")
    allowed = t.refs("allowed_roles", roles, "role")
    admin = t.boolean("requires_admin_account")
    encrypted = t.boolean("encrypted")
    blind = t.boolean("blind_index")
    if blind and not encrypted:
        t.fail("blind_index", "needs encrypted = true (a blind index serves encrypted data)")
    promise = t.promise("promise")
    footnote = t.optional_label("footnote")
    if footnote is None and allowed != frozenset(roles):
        t.fail("footnote", "is required: the category is limited to some roles, and the "
               "statement must say so")
    if footnote is not None:
        for lang in LANGUAGES:
            _check_footnote(t, f"footnote.{lang}", footnote.get(lang))
    return Category(key=key, labels=labels, allowed_roles=allowed, requires_admin_account=admin,
                    encrypted=encrypted, blind_index=blind, promise=promise, footnote=footnote)


def _check_footnote(t: Table, key: str, text: str) -> None:
    try:
        parts = list(string.Formatter().parse(text))
    except ValueError:
        t.fail(key, "has an unbalanced { or }; write {{ and }} for literal braces", raw=True)
    for _, field, spec, conversion in parts:
        if field is None:
            continue
        if field not in _FOOTNOTE_FIELDS or spec or conversion:
            t.fail(key, f"may only use the placeholders {{roles}}, {{roles_and}} and "
                   f"{{controller}}; {{{field}}} is not one", raw=True)


def _legal_basis(key: str, t: Table) -> LegalBasis:
    return LegalBasis(key=key, article=t.text("article", 100), labels=t.label("label"))


def _purpose(key: str, t: Table, bases: Mapping[str, LegalBasis]) -> Purpose:
    return Purpose(key=key, labels=t.label("label"),
                   bases=t.refs("bases", bases, "legal basis"),
                   requires_agreement=t.boolean("requires_agreement"),
                   promise=t.promise("promise"), statement=t.optional_label("statement"))


def _source(key: str, t: Table) -> Source:
    return Source(key=key, labels=t.label("label"))


def _staff_role(key: str, t: Table, categories: Mapping[str, Category]) -> StaffRole:
    return StaffRole(key=key, labels=t.label("label"),
                     categories=t.refs("categories", categories, "category", allow_empty=True),
                     permissions=t.refs("permissions", PERMISSIONS, "permission",
                                        allow_empty=True))

