"""The access report (Rt1, GDPR Art. 15): every datum held, with the Art. 15 facts.

`build(person, *, actor, lang)` returns a plain, JSON-ready dict (the machine-readable
report; schema "privacydesk.access-report/1", documented in docs/requests.md). The data come
from one audited read (`register.services.read_person`, purpose "access_request", which
Art. 18(2) allows even for restricted data); every fact comes from the policy or the
register: purposes, categories, legal bases, sources, recipients (the agreements' D2
recipients; the disclosure log joins through `DISCLOSURE_SOURCES` once it exists),
retention per datum (stored `delete_after`, else the policy's decision), legal holds, the
person's rights and the supervisory authority. `render.html / render.pdf` make it readable.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.utils import timezone

from privacydesk.policy.active import get_policy
from privacydesk.register import services as register
from privacydesk.register.fields import FIELDS
from privacydesk.register.models import Person
from privacydesk.requests.report_rows import RecipientRow, agreement_rows
from privacydesk.requests.texts import RIGHTS
from privacydesk.retention.facts import PersonFacts, row_facts
from privacydesk.retention.person_read import facts_and_holds

SCHEMA = "privacydesk.access-report/1"
# Art. 15(1)(c) hook: functions (person) -> list of {"recipient", "categories", "on",
# "basis"} dicts. The disclosure log registers itself here when it exists.
DISCLOSURE_SOURCES: list[Callable[[Person], list[dict[str, Any]]]] = []


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def recipients_for(person: Person, lang: str = "en") -> list[dict[str, Any]]:
    """D2 recipients of the person's agreements (who receives which categories, why)."""
    return _recipients(agreement_rows(person.pk).recipients, lang)


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


@dataclass(frozen=True)
class _Facts:
    """The person's retention facts and agreement ids (every datum needs its rule and law
    for Art. 15(1)(d)); read once per report."""

    facts: PersonFacts
    agreement_ids: dict[str, int]


def _retention(view: register.DatumView, known: _Facts, lang: str) -> dict[str, Any]:
    policy = get_policy()
    agreement_id = known.agreement_ids.get(view.agreement) if view.agreement else None
    decision = policy.retention_decision(view.category, view.purpose, view.legal_basis,
                                         row_facts(agreement_id, view.created_at, known.facts))
    until = view.delete_after or decision.date
    return {"until": _iso(until), "rule": decision.rule_id, "law": decision.law.get(lang),
            "held": decision.held, "known": until is not None}


def _datum(view: register.DatumView, known: _Facts, recipients: list[dict[str, Any]],
           lang: str) -> dict[str, Any]:
    policy = get_policy()
    labels = {f.name: (f.label_en if lang == "en" else f.label_nl)
              for f in FIELDS.get(view.category, ())}
    basis = policy.legal_bases.get(view.legal_basis)
    return {
        "category": view.category, "category_label": policy.categories[view.category].label(lang),
        "id": view.id,
        "values": {name: value for name, value in view.values.items()},
        "field_labels": labels,
        "source": view.source,
        "source_label": policy.sources[view.source].label(lang)
        if view.source in policy.sources else view.source,
        "purpose": view.purpose,
        "purpose_label": policy.purposes[view.purpose].label(lang)
        if view.purpose in policy.purposes else view.purpose,
        "legal_basis": view.legal_basis,
        "legal_basis_label": basis.label(lang) if basis else view.legal_basis,
        "legal_basis_article": basis.article if basis else "",
        "agreement": view.agreement,
        "collected_on": view.created_at.date().isoformat(),
        "updated_on": view.updated_at.date().isoformat(),
        "retention": _retention(view, known, lang),
        "recipients": sorted({r["recipient"] for r in recipients
                              if view.category in r["categories"]}),
        "restricted": view.restricted,
    }


def build(person: Person, *, actor: str, lang: str = "nl") -> dict[str, Any]:
    """The full access report of `person` in `lang`, as a JSON-ready dict (audited read)."""
    lang = "en" if lang == "en" else "nl"
    policy = get_policy()
    view = register.read_person(person, actor=actor, purpose=register.ACCESS_REQUEST)
    rows = agreement_rows(person.pk)
    facts, holds = facts_and_holds(
        person.pk, [(r.kind, r.started_on, r.ended_on) for r in view.roles], rows.ends())
    known = _Facts(facts, {ref: aid for ref, (aid, _) in rows.agreements.items()})
    recipients = _recipients(rows.recipients, lang)
    data = [_datum(d, known, recipients, lang) for items in view.data.values() for d in items]
    c = policy.controller
    return {
        "schema": SCHEMA, "language": lang,
        "generated_at": timezone.now().isoformat(timespec="seconds"),
        "controller": {"name": c.name, "street": c.street, "postcode": c.postcode,
                       "city": c.city, "country": c.country, "phone": c.phone,
                       "email": c.email, "website": c.website},
        "person": {"ref": str(person.ref), "restricted": view.restricted,
                   "roles": [{"role": r.kind, "role_label": policy.roles[r.kind].label(lang)
                              if r.kind in policy.roles else r.kind,
                              "organisation": r.organisation,
                              "since": _iso(r.started_on), "until": _iso(r.ended_on)}
                             for r in view.roles]},
        "data": data,
        "purposes": sorted({(d["purpose"], d["purpose_label"]) for d in data}),
        "categories": sorted({(d["category"], d["category_label"]) for d in data}),
        "recipients": recipients,
        "disclosures": [row for source in DISCLOSURE_SOURCES for row in source(person)],
        "legal_holds": [{"reason": h.reason, "since": _iso(h.since), "until": _iso(h.until)}
                        for h in holds],
        "rights": RIGHTS[lang],
        "complaint": {"authority": c.authority.name, "url": c.authority.url},
        "automated_decisions": RIGHTS[lang + "_automated"],
    }
