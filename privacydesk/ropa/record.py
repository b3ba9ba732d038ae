"""The record of processing activities (Art. 30(1) GDPR), built from the policy alone.

`build(policy, lang)` reads the same `Policy` object every rule is enforced from — purposes
and their legal bases, roles and categories, the declared systems (#16.1), the legal
obligations and processors, the retention rules and the security settings — so the record
can never say something the software does not do (#16.5). It asks no database: what the
register holds per person is the access report's business, not the record's.

The result is a flat tuple of `Entry(section, item, field, value)` in reading order: the
text, CSV and PDF renderings (`privacydesk.ropa.render`) and the back-office page all walk
the same entries. Every label comes from the policy in the record's language (`nl`: staff
read Dutch; `en` on request).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from privacydesk.policy import Period, Policy, RetentionRule
from privacydesk.policy.model import LANGUAGES
from privacydesk.policy.statement import count_phrase, join_words

Words = dict[str, Any]
_GDPR = re.compile(r"\bGDPR\b")

#: The record's own words, per language (labels of the things in it come from the policy).
WORDS: dict[str, Words] = {
    "nl": {
        "title": "Register van verwerkingsactiviteiten (art. 30 AVG)",
        "controller": "Verwerkingsverantwoordelijke", "name": "Naam", "address": "Adres",
        "phone": "Telefoon", "email": "E-mail", "website": "Website",
        "authority": "Toezichthouder",
        "purposes": "Verwerkingsdoeleinden", "bases": "Rechtsgronden",
        "phrase": "Zoals de privacyverklaring het zegt", "agreement_needed":
        "Alleen met een gekoppelde overeenkomst (P3)",
        "persons": "Categorieën van betrokkenen", "data": "Categorieën van persoonsgegevens",
        "purpose_persons": "Betrokkenen in de andere systemen voor dit doel",
        "purpose_data": "Gegevens in de andere systemen voor dit doel",
        "in_register": "In het register",
        "in_register_text": "per gegeven vastgelegd met doel en rechtsgrond; welke gegevens "
                            "van wie, staat per categorie hieronder (C2-C5)",
        "systems": "Systemen", "retention": "Bewaartermijnen",
        "outside": "Buiten het register",
        "subjects": "Categorieën van betrokkenen",
        "categories_for": "Gegevens die van hen bewaard mogen worden",
        "data_categories": "Categorieën van persoonsgegevens",
        "allowed_for": "Alleen van", "encrypted": "Versleuteld opgeslagen",
        "admin_only": "Alleen van beheerdersaccounts (C4)",
        "recipients": "Ontvangers", "obligation": "Wettelijke verplichting",
        "recipient": "Ontvanger", "whose": "Van",
        "processors": "Verwerkers", "processor": "Verwerker",
        "processor_agreement": "Verwerkersovereenkomst (art. 28 AVG)",
        "no_processors": "Geen: elk systeem is in eigen beheer.",
        "agreements": "Ontvangers uit overeenkomsten",
        "agreements_text": "Per overeenkomst vastgelegd in het register (D2); alleen voor "
                           "het doel en de gegevens die de overeenkomst noemt.",
        "no_obligations": "Geen wettelijke verplichting om gegevens te verstrekken.",
        "transfers": "Doorgifte buiten de EER",
        "no_transfers": "Geen: het beleid verklaart geen doorgifte naar een land buiten de "
                        "Europese Economische Ruimte of een internationale organisatie "
                        "(art. 44-49 AVG).",
        "periods": "Bewaartermijnen", "contact_period": "Geen overeenkomst tot stand gekomen "
        "(R2)", "after_contact": "na verzameling of laatste contact",
        "incident_reporter": "Melders van incidenten", "incident_docs":
        "Documentatie van incidenten", "after_closing": "na afsluiten",
        "law": "Grondslag", "security": "Beveiligingsmaatregelen (art. 32 AVG)",
        "encryption": "Versleuteling", "encryption_text": "Versleuteld opgeslagen (AES-256-GCM, "
        "sleutels per model, omhuld door een hoofdsleutel): {cats}.",
        "blind": "Blinde index", "blind_text": "Alleen terug te vinden via een hash met "
        "geheime sleutel (HMAC), nooit door te zoeken: {cats}.",
        "least": "Minimale toegang",
        "least_text": "{role} ziet: {cats}.", "nothing": "niets",
        "mfa": "Inloggen medewerkers", "mfa_text": "Wachtwoord (argon2) en tweestaps"
        "verificatie (TOTP) voor elk account; na {n} mislukte pogingen op rij een pauze van "
        "{first} tot hoogstens {max} seconden.",
        "tokens": "API-sleutels", "tokens_text": "Verlopen na {days} dagen; hoogstens {calls} "
        "verzoeken per {window} seconden per sleutel.",
        "audit": "Auditlog", "audit_text": "Elke handeling met persoonsgegevens in een "
        "onveranderbare, ondertekende keten; bewaard: {period}.",
        "backups": "Back-ups", "backups_text": "Versleuteld, {every}; bewaard: {period}.",
        "every_day": "elke dag", "every_days": "minstens elke {days} dagen",
        "guard": "Inbraakdetectie", "guard_text": "Een adres met {n} aanvalspogingen binnen "
        "{window} seconden wordt {ban} seconden geblokkeerd; registraties blijven {days} "
        "dagen.",
        "visits": "Websitebezoek", "visits_text": "Geen toegangslog; geen IP-adres van een "
        "bezoeker in een logregel (W1).",
        "owner": "Beheerder", "operator": "Beheer", "own": "In eigen beheer",
        "connector": "Bereikt via", "found_by": "Personen gevonden op",
        "rule": "Bewaarregel", "none": "geen",
        "per_datum": "Per gegeven, volgens de bewaartermijnen hierboven",
        "no_rule": "Geen eigen bewaarregel: de contacttermijn geldt ({period} na "
                   "verzameling of laatste contact, R2)",
        "connectors": {"register": "het register zelf", "sql": "database (SQL)",
                       "imap": "mailbox (IMAP)", "ldap": "directory (LDAP)",
                       "rest": "REST-API", "manual": "handmatige taak voor de beheerder"},
        "identities": {"email": "e-mailadres", "phone": "telefoonnummer", "name": "naam",
                       "postcode_house_number": "postcode en huisnummer",
                       "customer_number": "klantnummer",
                       "employee_number": "personeelsnummer",
                       "external_id": "extern kenmerk"},
        "anchors": {"collected": "na verzameling", "agreement_end": "na einde overeenkomst",
                    "employment_end": "na einde dienstverband",
                    "role_end": "na einde van de rol"},
        "year_end": "gerekend vanaf 31 december van dat jaar",
        "zero": "direct",
    },
    "en": {
        "title": "Record of processing activities (Art. 30 GDPR)",
        "controller": "Controller", "name": "Name", "address": "Address",
        "phone": "Telephone", "email": "E-mail", "website": "Website",
        "authority": "Supervisory authority",
        "purposes": "Purposes of processing", "bases": "Legal bases",
        "phrase": "As the privacy statement says", "agreement_needed":
        "Only with a linked agreement (P3)",
        "persons": "Categories of data subjects", "data": "Categories of personal data",
        "purpose_persons": "Data subjects in the other systems for this purpose",
        "purpose_data": "Data in the other systems for this purpose",
        "in_register": "In the register",
        "in_register_text": "recorded per datum with its purpose and legal basis; which data "
                            "of whom, per category below (C2-C5)",
        "systems": "Systems", "retention": "Retention",
        "outside": "Outside the register",
        "subjects": "Categories of data subjects",
        "categories_for": "Data that may be kept of them",
        "data_categories": "Categories of personal data",
        "allowed_for": "Only of", "encrypted": "Stored encrypted",
        "admin_only": "Only of administrator accounts (C4)",
        "recipients": "Recipients", "obligation": "Legal obligation",
        "recipient": "Recipient", "whose": "Of",
        "processors": "Processors", "processor": "Processor",
        "processor_agreement": "Processing agreement (Art. 28 GDPR)",
        "no_processors": "None: every system is run by the controller itself.",
        "agreements": "Recipients under agreements",
        "agreements_text": "Recorded per agreement in the register (D2); only for the "
                           "purpose and the data the agreement names.",
        "no_obligations": "No legal obligation to disclose data.",
        "transfers": "Transfers outside the EEA",
        "no_transfers": "None: the policy declares no transfer to a country outside the "
                        "European Economic Area or an international organisation "
                        "(Art. 44-49 GDPR).",
        "periods": "Retention periods", "contact_period": "No agreement came about (R2)",
        "after_contact": "after collection or the last contact",
        "incident_reporter": "Reporters of incidents", "incident_docs":
        "Documentation of incidents", "after_closing": "after closing",
        "law": "Basis", "security": "Security measures (Art. 32 GDPR)",
        "encryption": "Encryption", "encryption_text": "Stored encrypted (AES-256-GCM, keys "
        "per model, wrapped by a key-encryption key): {cats}.",
        "blind": "Blind index", "blind_text": "Found again only through a keyed hash (HMAC), "
        "never by a scan: {cats}.",
        "least": "Least privilege",
        "least_text": "{role} sees: {cats}.", "nothing": "nothing",
        "mfa": "Staff sign-in", "mfa_text": "Password (argon2) and a second factor (TOTP) "
        "for every account; after {n} failures in a row a pause of {first} up to at most "
        "{max} seconds.",
        "tokens": "API tokens", "tokens_text": "Expire after {days} days; at most {calls} "
        "calls per {window} seconds per token.",
        "audit": "Audit log", "audit_text": "Every action on personal data in an immutable, "
        "signed chain; kept: {period}.",
        "backups": "Backups", "backups_text": "Encrypted, {every}; kept: {period}.",
        "every_day": "every day", "every_days": "at least every {days} days",
        "guard": "Break-in detection", "guard_text": "An address with {n} attack signals "
        "within {window} seconds is blocked for {ban} seconds; registrations stay {days} "
        "days.",
        "visits": "Website visits", "visits_text": "No access log; no visitor's IP address in "
        "any log line (W1).",
        "owner": "Owner", "operator": "Run by", "own": "The controller itself",
        "connector": "Reached through", "found_by": "Persons found by",
        "rule": "Retention rule", "none": "none",
        "per_datum": "Per datum, by the retention periods above",
        "no_rule": "No rule of its own: the contact period applies ({period} after "
                   "collection or the last contact, R2)",
        "connectors": {"register": "the register itself", "sql": "database (SQL)",
                       "imap": "mailbox (IMAP)", "ldap": "directory (LDAP)",
                       "rest": "REST API", "manual": "a manual task for the owner"},
        "identities": {"email": "e-mail address", "phone": "telephone number", "name": "name",
                       "postcode_house_number": "postcode and house number",
                       "customer_number": "customer number",
                       "employee_number": "employee number", "external_id": "external id"},
        "anchors": {"collected": "after collection", "agreement_end": "after the agreement "
                    "ends", "employment_end": "after employment ends",
                    "role_end": "after the role ends"},
        "year_end": "counted from 31 December of that year",
        "zero": "at once",
    },
}


@dataclass(frozen=True)
class Entry:
    """One line of the record: under `section`, about `item` ("" for the section itself),
    `field` says `value`."""

    section: str
    item: str
    field: str
    value: str


@dataclass(frozen=True)
class Record:
    """The whole record in one language."""

    lang: str
    title: str
    controller: str
    entries: tuple[Entry, ...]

    def sections(self) -> list[tuple[str, list[tuple[str, list[tuple[str, str]]]]]]:
        """The entries grouped: [(section, [(item, [(field, value), ...]), ...]), ...], in
        reading order."""
        out: list[tuple[str, list[tuple[str, list[tuple[str, str]]]]]] = []
        for e in self.entries:
            if not out or out[-1][0] != e.section:
                out.append((e.section, []))
            items = out[-1][1]
            if not items or items[-1][0] != e.item:
                items.append((e.item, []))
            items[-1][1].append((e.field, e.value))
        return out


def build(policy: Policy, lang: str = "nl") -> Record:
    """The record of `policy` in `lang` ("nl" or "en"; ValueError otherwise)."""
    if lang not in LANGUAGES:
        raise ValueError(f"unsupported language {lang!r}; use one of {', '.join(LANGUAGES)}")
    w = WORDS[lang]
    entries = [*_controller(policy, w), *_purposes(policy, lang, w),
               *_subjects(policy, lang, w), *_data(policy, lang, w),
               *_recipients(policy, lang, w), *_transfers(w), *_retention(policy, lang, w),
               *_security(policy, lang, w), *_systems(policy, lang, w)]
    if lang == "nl":  # the Dutch name of the regulation, as in the access report
        entries = [Entry(e.section, e.item, e.field, _GDPR.sub("AVG", e.value))
                   for e in entries]
    return Record(lang=lang, title=str(w["title"]), controller=policy.controller.name,
                  entries=tuple(entries))


# --- words -------------------------------------------------------------------------------------
def period_words(period: Period, lang: str) -> str:
    """"7 jaar", "6 maanden", "1 year and 2 months"; "direct" / "at once" for zero."""
    if period.is_zero:
        return str(WORDS[lang]["zero"])
    parts = [count_phrase(n, unit, lang) for unit in ("years", "months", "days")
             if (n := getattr(period, unit))]
    return join_words(parts, lang, "and")


def _labels(keys: Iterable[str], table: Mapping[str, Any], lang: str) -> str:
    return ", ".join(table[k].label(lang) for k in keys)


def _in_order(keys: Iterable[str], order: Iterable[str]) -> list[str]:
    wanted = set(keys)
    return [k for k in order if k in wanted]


# --- sections ----------------------------------------------------------------------------------
def _controller(policy: Policy, w: Words) -> Iterator[Entry]:
    c, s = policy.controller, str(w["controller"])
    yield Entry(s, "", str(w["name"]), c.name)
    yield Entry(s, "", str(w["address"]), f"{c.address_line} ({c.country})")
    yield Entry(s, "", str(w["phone"]), c.phone)
    yield Entry(s, "", str(w["email"]), c.email)
    yield Entry(s, "", str(w["website"]), c.website)
    yield Entry(s, "", str(w["authority"]), f"{c.authority.name} ({c.authority.url})")


def _purposes(policy: Policy, lang: str, w: Words) -> Iterator[Entry]:
    s = str(w["purposes"])
    for key, purpose in policy.purposes.items():
        item = purpose.label(lang)
        bases = [f"{policy.legal_bases[b].label(lang)} ({policy.legal_bases[b].article})"
                 for b in _in_order(purpose.bases, policy.legal_bases)]
        yield Entry(s, item, str(w["bases"]), "; ".join(bases))
        if purpose.statement is not None:
            yield Entry(s, item, str(w["phrase"]), purpose.statement.get(lang))
        if purpose.requires_agreement:
            yield Entry(s, item, str(w["agreement_needed"]), "✓")
        systems = [sys for sys in policy.systems if key in sys.purposes]
        # The register records purpose and basis per datum, and C2..C5 decide per role what
        # it may hold (the sections below): it adds no blanket list of persons and data to
        # each purpose, which would claim every category for every purpose.
        others = [sys for sys in systems if sys.connector != "register"]
        roles = _in_order({r for sys in others for r in sys.roles}, policy.roles)
        cats = _in_order({c for sys in others for c in sys.categories}, policy.categories)
        if roles:
            yield Entry(s, item, str(w["purpose_persons"]),
                        ", ".join(policy.roles[r].plural(lang) for r in roles))
            yield Entry(s, item, str(w["purpose_data"]),
                        _labels(cats, policy.categories, lang))
        if len(others) < len(systems):
            yield Entry(s, item, str(w["in_register"]), str(w["in_register_text"]))
        if systems:
            yield Entry(s, item, str(w["systems"]),
                        ", ".join(sys.label.get(lang) for sys in systems))
        rules = [r for r in policy.retention.rules if key in r.purposes]
        outside = [r.label(lang) for r in rules if not r.categories]
        if outside:  # records outside the register, e.g. break-in registrations (W2)
            yield Entry(s, item, str(w["outside"]), "; ".join(outside))
        kept = [f"{r.label(lang)}: {_rule_period(r, lang, w)}" for r in rules]
        if not rules:
            kept = [f"{w['contact_period']}: "
                    f"{period_words(policy.retention.contact_period, lang)} "
                    f"{w['after_contact']}"]
        yield Entry(s, item, str(w["retention"]), "; ".join(kept))


def _rule_period(rule: RetentionRule, lang: str, w: Words) -> str:
    text = f"{period_words(rule.period, lang)} {w['anchors'][rule.anchor]}"
    if rule.from_year_end:
        text += f", {w['year_end']}"
    return text


def _subjects(policy: Policy, lang: str, w: Words) -> Iterator[Entry]:
    s = str(w["subjects"])
    for key, role in policy.roles.items():
        cats = [c.label(lang) for c in policy.categories.values() if key in c.allowed_roles]
        yield Entry(s, role.plural(lang), str(w["categories_for"]), ", ".join(cats))


def _data(policy: Policy, lang: str, w: Words) -> Iterator[Entry]:
    s = str(w["data_categories"])
    for category in policy.categories.values():
        item = category.label(lang)
        if category.allowed_roles != frozenset(policy.roles):
            roles = _in_order(category.allowed_roles, policy.roles)
            yield Entry(s, item, f"{w['allowed_for']} ({category.promise})",
                        ", ".join(policy.roles[r].plural(lang) for r in roles))
        if category.requires_admin_account:
            yield Entry(s, item, str(w["admin_only"]), "✓")
        yield Entry(s, item, str(w["encrypted"]), "✓" if category.encrypted else "—")


def _recipients(policy: Policy, lang: str, w: Words) -> Iterator[Entry]:
    s = str(w["recipients"])
    for obligation in policy.legal_obligations.values():
        item = obligation.label(lang)
        yield Entry(s, item, str(w["obligation"]), obligation.citation)
        yield Entry(s, item, str(w["recipient"]), ", ".join(obligation.recipients))
        yield Entry(s, item, str(w["data"]),
                    _labels(_in_order(obligation.categories, policy.categories),
                            policy.categories, lang))
        yield Entry(s, item, str(w["whose"]),
                    ", ".join(policy.roles[r].plural(lang)
                              for r in _in_order(obligation.roles, policy.roles)))
    if not policy.legal_obligations:
        yield Entry(s, "", str(w["obligation"]), str(w["no_obligations"]))
    processors = [sys for sys in policy.systems if sys.is_processor]
    for sys in processors:
        item = f"{w['processor']}: {sys.processor}"
        yield Entry(s, item, str(w["processor_agreement"]), sys.agreement)
        yield Entry(s, item, str(w["systems"]), sys.label.get(lang))
        yield Entry(s, item, str(w["data"]), _labels(sys.categories, policy.categories,
                                                      lang))
    if not processors:
        yield Entry(s, "", str(w["processors"]), str(w["no_processors"]))
    yield Entry(s, "", str(w["agreements"]), str(w["agreements_text"]))


def _transfers(w: Words) -> Iterator[Entry]:
    # Art. 30(1)(e): the policy has no key for a transfer, so none can happen through
    # privacydesk; a processor outside the EEA would have to be declared first.
    yield Entry(str(w["transfers"]), "", str(w["transfers"]), str(w["no_transfers"]))


def _retention(policy: Policy, lang: str, w: Words) -> Iterator[Entry]:
    s = str(w["periods"])
    for rule in policy.retention.rules:
        item = rule.label(lang)
        yield Entry(s, item, str(w["retention"]), _rule_period(rule, lang, w))
        if rule.categories:
            yield Entry(s, item, str(w["data"]),
                        _labels(_in_order(rule.categories, policy.categories),
                                policy.categories, lang))
        yield Entry(s, item, str(w["law"]), rule.law.get(lang))
    contact = policy.retention
    yield Entry(s, str(w["contact_period"]), str(w["retention"]),
                f"{period_words(contact.contact_period, lang)} {w['after_contact']}")
    yield Entry(s, str(w["contact_period"]), str(w["law"]), contact.contact_law.get(lang))
    inc = policy.incidents
    yield Entry(s, str(w["incident_reporter"]), str(w["retention"]),
                f"{period_words(inc.reporter_period, lang)} {w['after_closing']}")
    yield Entry(s, str(w["incident_docs"]), str(w["retention"]),
                f"{period_words(inc.documentation_period, lang)} {w['after_closing']}")
    yield Entry(s, str(w["incident_docs"]), str(w["law"]), inc.law.get(lang))


def _rule_named(policy: Policy, rule_id: str, lang: str, w: Words) -> str:
    rule = next((r for r in policy.retention.rules if r.id == rule_id), None)
    return "—" if rule is None else _rule_period(rule, lang, w)


def _security(policy: Policy, lang: str, w: Words) -> Iterator[Entry]:
    s, cats = str(w["security"]), policy.categories
    encrypted = [c.label(lang) for c in cats.values() if c.encrypted]
    yield Entry(s, str(w["encryption"]), "",
                str(w["encryption_text"]).format(cats=", ".join(encrypted) or w["none"]))
    blind = [c.label(lang) for c in cats.values() if c.blind_index]
    if blind:
        yield Entry(s, str(w["blind"]), "", str(w["blind_text"]).format(cats=", ".join(blind)))
    for role in policy.staff_roles.values():
        seen = _labels(_in_order(role.categories, cats), cats, lang) or w["nothing"]
        yield Entry(s, str(w["least"]), "",
                    str(w["least_text"]).format(role=role.label(lang), cats=seen))
    sa = policy.staff_accounts
    yield Entry(s, str(w["mfa"]), "", str(w["mfa_text"]).format(
        n=sa.failures_before_delay, first=sa.first_delay_seconds, max=sa.max_delay_seconds))
    yield Entry(s, str(w["tokens"]), "", str(w["tokens_text"]).format(
        days=sa.token_days, calls=policy.api.requests_per_window,
        window=policy.api.window_seconds))
    yield Entry(s, str(w["audit"]), "", str(w["audit_text"]).format(
        period=_rule_named(policy, "audit-log", lang, w)))
    days = policy.backups.interval_days
    every = str(w["every_day"] if days == 1 else w["every_days"]).format(days=days)
    yield Entry(s, str(w["backups"]), "", str(w["backups_text"]).format(
        every=every, period=_rule_named(policy, "backups", lang, w)))
    g = policy.guard
    yield Entry(s, str(w["guard"]), "", str(w["guard_text"]).format(
        n=g.threshold, window=g.window_seconds, ban=g.ban_seconds, days=g.registration_days))
    yield Entry(s, str(w["visits"]), "", str(w["visits_text"]))


def _systems(policy: Policy, lang: str, w: Words) -> Iterator[Entry]:
    s, cats = str(w["systems"]), policy.categories
    for sys in policy.systems:
        item = sys.label.get(lang)
        yield Entry(s, item, str(w["owner"]), policy.staff_roles[sys.owner].label(lang))
        yield Entry(s, item, str(w["operator"]),
                    f"{w['processor']}: {sys.processor} ({sys.agreement})"
                    if sys.is_processor else str(w["own"]))
        yield Entry(s, item, str(w["data"]), _labels(sys.categories, cats, lang))
        yield Entry(s, item, str(w["persons"]),
                    ", ".join(policy.roles[r].plural(lang) for r in sys.roles))
        yield Entry(s, item, str(w["purposes"]), _labels(sys.purposes, policy.purposes,
                                                          lang))
        yield Entry(s, item, str(w["found_by"]),
                    ", ".join(w["identities"][i] for i in sys.identities))
        yield Entry(s, item, str(w["connector"]), str(w["connectors"][sys.connector]))
        rule = next((r for r in policy.retention.rules if r.id == sys.retention), None)
        if rule is not None:
            kept = f"{rule.label(lang)}: {_rule_period(rule, lang, w)}"
        elif sys.connector == "register":
            kept = str(w["per_datum"])
        else:
            kept = str(w["no_rule"]).format(
                period=period_words(policy.retention.contact_period, lang))
        yield Entry(s, item, str(w["rule"]), kept)
