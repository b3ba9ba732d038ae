"""What the disclosure log tells the rest of privacydesk (Art. 15(1)(c), Art. 19).

`recipients_of(person, categories)` names the recipients that actually received the
person's data, from the log. `connect()` (AppConfig.ready) registers two functions on the
hooks privacydesk.requests offers, without changing that package:

* `requests.report.DISCLOSURE_SOURCES` gets `access_rows`: the access report lists every
  disclosure (recipient, categories, purpose, basis, date) next to the agreements' recipients;
* `requests.recipients.NOTIFIERS` gets `notify_recipients`: a correction or erasure lists the
  recipients that received that category, so staff inform them (Art. 19). The log holds no
  recipient addresses, so nothing is sent from here: the request's timeline names them.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils import translation

from privacydesk.disclosure.models import Basis, Disclosure
from privacydesk.policy.active import get_policy
from privacydesk.register.models import Person


def _wanted(categories: str | Iterable[str] | None) -> set[str] | None:
    if categories is None:
        return None
    return {categories} if isinstance(categories, str) else set(categories)


def recipients_of(person: Person, categories: str | Iterable[str] | None = None) -> list[str]:
    """Names of the recipients that received any of `categories` (every category if None)
    of `person`, from the disclosure log; sorted, each recipient once."""
    wanted = _wanted(categories)
    names: dict[str, str] = {}
    for name, cats in (Disclosure.objects.filter(person_ref=person.ref).order_by("id")
                       .values_list("recipient", "categories")):
        if wanted is None or wanted & set(cats or []):
            names.setdefault(" ".join(name.split()).casefold(), name)
    return sorted(names.values(), key=str.casefold)


def _lang(lang: str | None) -> str:
    lang = lang or translation.get_language() or "nl"
    return "en" if lang.startswith("en") else "nl"


def access_rows(person: Person, lang: str | None = None) -> list[dict[str, Any]]:
    """Art. 15(1)(c): every logged disclosure of `person`, oldest first, in the shape the
    access report renders (recipient, categories and labels, purpose, basis, reference)."""
    policy, lang = get_policy(), _lang(lang)
    rows = []
    for d in (Disclosure.objects.filter(person_ref=person.ref).select_related("consent")
              .order_by("disclosed_at", "id")):
        basis = policy.legal_bases.get(d.legal_basis)
        reference = d.reference if d.basis != Basis.CONSENT else (
            ("toestemming " if lang == "nl" else "consent ")
            + (f"{d.consent.answered_at:%Y-%m-%d}" if d.consent and d.consent.answered_at
               else ""))
        rows.append({
            "recipient": d.recipient, "categories": list(d.categories),
            "category_labels": [policy.categories[c].label(lang) for c in d.categories
                                if c in policy.categories],
            "purpose": policy.purposes[d.purpose].label(lang)
            if d.purpose in policy.purposes else d.purpose,
            "basis": d.basis, "legal_basis": d.legal_basis,
            "legal_basis_label": basis.label(lang) if basis else d.legal_basis,
            "agreement": reference.strip(), "on": d.disclosed_at.date().isoformat(),
        })
    return rows


def notify_recipients(person: Person, category: str, *, request: Any = None,
                      actor: str = "") -> list[str]:
    """Art. 19: the recipients that received `category` of `person` (from the log)."""
    return recipients_of(person, [category])


def connect() -> None:
    """Register on the hooks of privacydesk.requests, once."""
    from privacydesk.requests import recipients, report

    if access_rows not in report.DISCLOSURE_SOURCES:
        report.DISCLOSURE_SOURCES.append(access_rows)
    if notify_recipients not in recipients.NOTIFIERS:
        recipients.NOTIFIERS.append(notify_recipients)
