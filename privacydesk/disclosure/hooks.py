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
from privacydesk.policy import clock
from privacydesk.policy.active import get_policy
from privacydesk.register.models import Person


def recipients_of(person: Person, categories: str | Iterable[str] | None = None) -> list[str]:
    """Names of the recipients that received any of `categories` (every category if None)
    of `person`, from the disclosure log; sorted, each recipient once."""
    wanted = (None if categories is None
              else {categories} if isinstance(categories, str) else set(categories))
    names: dict[str, str] = {}
    for name, cats in (Disclosure.objects.filter(person_ref=person.ref).order_by("id")
                       .values_list("recipient", "categories")):
        if wanted is None or wanted & set(cats or []):
            names.setdefault(" ".join(name.split()).casefold(), name)
    return sorted(names.values(), key=str.casefold)


_COLUMNS = ["recipient", "categories", "purpose", "basis", "legal_basis",
            "agreement_reference", "obligation", "disclosed_at", "consent__answered_at"]


def access_rows(person: Person, lang: str | None = None) -> list[dict[str, Any]]:
    """Art. 15(1)(c): every logged disclosure of `person`, oldest first, in the shape the
    access report renders (recipient, categories and labels, purpose, basis, reference)."""
    policy = get_policy()
    lang = "en" if (lang or translation.get_language() or "nl").startswith("en") else "nl"
    rows = []
    for (recipient, categories, purpose, basis_key, legal_basis, agreement_reference,
         obligation, disclosed_at, answered_at) in (
            Disclosure.objects.filter(person_ref=person.ref).order_by("disclosed_at", "id")
            .values_list(*_COLUMNS)):
        basis = policy.legal_bases.get(legal_basis)
        if basis_key == Basis.AGREEMENT:
            reference = agreement_reference
        elif basis_key == Basis.LEGAL_OBLIGATION:
            # Art. 15(1)(c): the person reads which law obliged it, not the policy's id.
            declared = policy.legal_obligations.get(obligation)
            reference = (f"{declared.label(lang)}: {declared.citation}" if declared
                         else obligation)
        else:
            reference = (("toestemming " if lang == "nl" else "consent ")
                         + (f"{answered_at:%Y-%m-%d}" if answered_at else ""))
        categories = list(categories or [])
        rows.append({
            "recipient": recipient, "categories": categories,
            "category_labels": [policy.categories[c].label(lang) for c in categories
                                if c in policy.categories],
            "purpose": policy.purposes[purpose].label(lang)
            if purpose in policy.purposes else purpose,
            "basis": basis_key, "legal_basis": legal_basis,
            "legal_basis_label": basis.label(lang) if basis else legal_basis,
            "agreement": reference.strip(), "on": clock.day_of(disclosed_at).isoformat(),
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
