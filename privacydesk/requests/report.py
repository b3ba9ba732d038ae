"""The access report (Rt1, GDPR Art. 15): every datum held, with the Art. 15 facts.

`build(person, *, actor, lang)` returns a plain, JSON-ready dict (the machine-readable
report; schema "privacydesk.access-report/1", documented in docs/requests.md). The data come
from one audited read (`register.services.read_person_rows`: `read_person`'s rules and
audit entry, the rows without the views; purpose "access_request", which Art. 18(2)
allows even for restricted data), with the report's own SELECTs in the same transaction
as the audit entry (Sec4); every fact comes from the policy or the
register: purposes, categories, legal bases, sources, recipients (the agreements' D2
recipients; the disclosure log's rows through `DISCLOSURE_SOURCES`),
retention per datum (stored `delete_after`, else the policy's decision), legal holds, the
person's rights and the supervisory authority. `render.html / render.pdf` make it readable.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from operator import itemgetter
from typing import Any

from django.db import transaction
from django.utils import timezone

from privacydesk.policy import Policy, RetentionDecision, clock
from privacydesk.policy.active import get_policy
from privacydesk.policy.retention import matching_rules
from privacydesk.register import services as register
from privacydesk.register.fields import FIELDS
from privacydesk.register.models import AgreementParty, AgreementRecipient, Person
from privacydesk.register.services.reading import read_person_rows
from privacydesk.requests.texts import RIGHTS
from privacydesk.retention.facts import PersonFacts, row_facts
from privacydesk.retention.facts import _facts as person_facts_from
from privacydesk.retention.models import ContactMark, LegalHold

SCHEMA = "privacydesk.access-report/1"
_FIRST = itemgetter(0)
# Art. 15(1)(c) hook: functions (person, lang) -> list of JSON-ready dicts, one per
# disclosure (recipient, categories, purpose, basis, date), with labels in the report's
# language.
DISCLOSURE_SOURCES: list[Callable[[Person, str], list[dict[str, Any]]]] = []


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


@dataclass(frozen=True)
class RecipientRow:
    recipient: str
    agreement: str  # the agreement's reference
    categories: list[str]
    legal_basis: str
    purpose: str


@dataclass(frozen=True)
class HoldRow:
    """An active legal hold: its reason, when it was placed, until when (None: open)."""

    reason: str
    created_at: datetime
    until: date | None


@dataclass(frozen=True)
class AgreementRows:
    """The person's agreements by reference (id, ends_on), their recipients (in recipient
    id order), the active legal holds (newest first, LegalHold's ordering) and the contact
    mark."""

    agreements: dict[str, tuple[int, date | None]]
    recipients: list[RecipientRow]
    holds: list[HoldRow]
    last_contact_on: date | None


def agreement_rows(person_id: int) -> AgreementRows:
    """The access report's own reads of one person: agreements (as a party) and their
    recipients (Art. 15(1)(c)), active legal holds and the contact mark."""
    # Each read without ORDER BY, sorted here: building the ORDER BY in the ORM cost more
    # than the rows (bench/run.py, the report API's floor ratio).
    agreements = {ref: (aid, ends) for aid, ref, ends in sorted(
        AgreementParty.objects.filter(person_id=person_id).order_by()
        .values_list("agreement_id", "agreement__reference", "agreement__ends_on"),
        key=_FIRST)}
    recipients = [RecipientRow(*row[1:]) for row in sorted(
        AgreementRecipient.objects.filter(
            agreement_id__in=[aid for aid, _ in agreements.values()]).order_by().values_list(
            "id", "recipient", "agreement__reference", "categories", "legal_basis",
            "purpose"), key=_FIRST)
    ] if agreements else []
    holds = sorted(LegalHold.objects.filter(person_id=person_id, lifted_at__isnull=True)
                   .order_by().values_list("id", "reason", "created_at", "until"),
                   key=_FIRST)
    holds.sort(key=itemgetter(2), reverse=True)  # LegalHold's ordering: newest first, then id
    contact = next(iter(ContactMark.objects.filter(person_id=person_id).order_by()
                        .values_list("last_contact_on", flat=True)[:1]), None)
    return AgreementRows(agreements, recipients, [HoldRow(*row[1:]) for row in holds],
                         contact)


def _recipients(rows: list[RecipientRow], lang: str) -> list[dict[str, Any]]:
    policy = get_policy()
    return [{"recipient": r.recipient, "agreement": r.agreement,
             "categories": list(r.categories),
             "category_labels": [policy.categories[c].label(lang) for c in r.categories
                                 if c in policy.categories],
             "legal_basis": r.legal_basis,
             "legal_basis_label": policy.legal_bases[r.legal_basis].label(lang)
             if r.legal_basis in policy.legal_bases else r.legal_basis,
             "purpose": r.purpose} for r in rows]


class _Labels:
    """The policy's words for one language, looked up once per (policy, language) rather
    than per datum: category labels and field labels, and the labels of every source,
    purpose and legal basis. The policy is immutable once loaded; a reload is a new object,
    so the cache is keyed by the object itself."""

    def __init__(self, policy: Policy, lang: str) -> None:
        self.policy, self.lang = policy, lang
        self.categories = {key: c.label(lang) for key, c in policy.categories.items()}
        self.fields = {category: {f.name: (f.label_en if lang == "en" else f.label_nl)
                                  for f in specs} for category, specs in FIELDS.items()}
        self.sources = {key: s.label(lang) for key, s in policy.sources.items()}
        self.purposes = {key: p.label(lang) for key, p in policy.purposes.items()}
        self.bases = {key: (b.label(lang), b.article) for key, b in policy.legal_bases.items()}


_LABELS: dict[str, _Labels] = {}


def _labels(policy: Policy, lang: str) -> _Labels:
    found = _LABELS.get(lang)
    if found is None or found.policy is not policy:
        found = _LABELS[lang] = _Labels(policy, lang)
    return found


_RULE_SETS: dict[int, tuple[Policy, dict[tuple[str, str, str], tuple[str, ...] | None]]] = {}


def _rule_sets(policy: Policy) -> dict[tuple[str, str, str], tuple[str, ...] | None]:
    """(category, purpose, basis) -> the ids of the retention rules matching them, or None
    when the policy does not know one of them; filled as met, once per policy (immutable
    once loaded; a reload is a new object)."""
    found = _RULE_SETS.get(id(policy))
    if found is None or found[0] is not policy:
        found = _RULE_SETS[id(policy)] = (policy, {})
    return found[1]


class _Retention:
    """Art. 15(1)(d) per datum. By `policy.retention`'s contract a decision depends on
    (category, purpose, basis) only through the rules that match them, and on the datum
    only through its facts, which differ from its person's by the datum's own agreement
    and collection day; so one decision serves every datum of the report that shares
    (matching rules, agreement, collection day) — a person's data are mostly collected
    together, under the same rules (often none: R2), in different categories. Decided
    once per such key, per report; a category, purpose or basis the policy does not know
    goes to `retention_decision` every time (which refuses it, as before)."""

    def __init__(self, policy: Policy, known: PersonFacts, lang: str) -> None:
        self.policy, self.known, self.lang = policy, known, lang
        self.rule_sets = _rule_sets(policy)
        self.decided: dict[tuple[Any, ...], RetentionDecision] = {}

    def of(self, category: str, purpose: str, basis: str, agreement_id: int | None,
           created_at: datetime, collected: date, delete_after: date | None
           ) -> dict[str, Any]:
        """The retention entry of a datum collected at `created_at` (on day `collected`)."""
        policy = self.policy
        if agreement_id not in self.known.agreements:
            agreement_id = None  # row_facts: then the person's agreements count
        triple = (category, purpose, basis)
        try:
            rules = self.rule_sets[triple]
        except KeyError:
            rules = self.rule_sets[triple] = (
                tuple(rule.id for rule in matching_rules(policy.retention, *triple))
                if (category in policy.categories and purpose in policy.purposes
                    and basis in policy.legal_bases) else None)
        if rules is not None:
            key = (rules, agreement_id, collected)
            decision = self.decided.get(key)
            if decision is None:
                decision = self.decided[key] = policy.retention_decision(
                    category, purpose, basis, row_facts(agreement_id, created_at, self.known))
        else:
            decision = policy.retention_decision(
                category, purpose, basis, row_facts(agreement_id, created_at, self.known))
        until = delete_after or decision.date
        return {"until": until.isoformat() if until else None, "rule": decision.rule_id,
                "law": decision.law.get(self.lang), "held": decision.held,
                "known": until is not None}


def _data(found: list[tuple[Any, ...]], known: PersonFacts, recipients: list[dict[str, Any]],
          lang: str) -> list[dict[str, Any]]:
    """One entry per datum, in the read's order (category, then id), straight from the
    read's row fields (`register.services.read_person_rows`)."""
    policy = get_policy()
    words = _labels(policy, lang)
    retention = _Retention(policy, known, lang)
    data = []
    category_label: str = ""
    field_labels: dict[str, str] = {}
    receivers: list[str] = []
    current = None
    for (category, pk, values, source, purpose, basis, created_at, updated_at, delete_after,
         restricted, agreement_id, agreement) in found:
        if category != current:
            # Per category, not per datum: its label, its field labels and who receives it.
            current = category
            category_label = words.categories[category]
            field_labels = words.fields.get(category, {})
            receivers = sorted({r["recipient"] for r in recipients
                                if category in r["categories"]})
        labelled = words.bases.get(basis)
        collected = clock.day_of(created_at)
        data.append({
            "category": category, "category_label": category_label,
            "id": pk,
            "values": values,  # a fresh dict per datum (read_person_rows)
            "field_labels": dict(field_labels),
            "source": source,
            "source_label": words.sources.get(source, source),
            "purpose": purpose,
            "purpose_label": words.purposes.get(purpose, purpose),
            "legal_basis": basis,
            "legal_basis_label": labelled[0] if labelled else basis,
            "legal_basis_article": labelled[1] if labelled else "",
            "agreement": agreement,
            "collected_on": collected.isoformat(),
            "updated_on": clock.day_of(updated_at).isoformat(),
            "retention": retention.of(category, purpose, basis, agreement_id, created_at,
                                      collected, delete_after),
            "recipients": list(receivers),
            "restricted": restricted,
        })
    return data


def build(person: Person, *, actor: str, lang: str = "nl") -> dict[str, Any]:
    """The full access report of `person` in `lang`, as a JSON-ready dict (audited read)."""
    lang = "en" if lang == "en" else "nl"
    policy = get_policy()
    # Sec4: the report's own reads in the transaction of the read's audit entry.
    with transaction.atomic():
        read = read_person_rows(person, actor=actor, purpose=register.ACCESS_REQUEST)
        rows = agreement_rows(person.pk)
        disclosures = [row for source in DISCLOSURE_SOURCES for row in source(person, lang)]
    # The retention facts by retention's own rules (one rule-keeper for what ends when),
    # from the roles the read gave and the rows read above.
    facts = person_facts_from([(kind, start, end) for kind, _, start, end, _ in read.roles],
                              dict(rows.agreements.values()), [h.until for h in rows.holds],
                              rows.last_contact_on)
    recipients = _recipients(rows.recipients, lang)
    data = _data(read.data, facts, recipients, lang)
    c = policy.controller
    return {
        "schema": SCHEMA, "language": lang,
        "generated_at": timezone.now().isoformat(timespec="seconds"),
        "controller": {"name": c.name, "street": c.street, "postcode": c.postcode,
                       "city": c.city, "country": c.country, "phone": c.phone,
                       "email": c.email, "website": c.website},
        "person": {"ref": read.ref, "restricted": read.restricted,
                   "roles": [{"role": kind, "role_label": policy.roles[kind].label(lang)
                              if kind in policy.roles else kind,
                              "organisation": organisation,
                              "since": _iso(start), "until": _iso(end)}
                             for kind, _, start, end, organisation in read.roles]},
        "data": data,
        "purposes": sorted({(d["purpose"], d["purpose_label"]) for d in data}),
        "categories": sorted({(d["category"], d["category_label"]) for d in data}),
        "recipients": recipients,
        "disclosures": disclosures,
        "legal_holds": [{"reason": h.reason, "since": _iso(clock.day_of(h.created_at)),
                         "until": _iso(h.until)} for h in rows.holds],
        "rights": RIGHTS[lang],
        "complaint": {"authority": c.authority.name, "url": c.authority.url},
        "automated_decisions": RIGHTS[lang + "_automated"],
    }
