"""The disclosure gate (D1–D3): the only way personal data leave for a third party.

`disclose()` allows a disclosure on exactly one of three roads and logs it, or refuses it
with RuleViolation(field, rule, message) and writes nothing:

* agreement (D1, D2) — a running agreement the person is party to names this recipient for
  every one of these categories; the basis is the one the agreement states for it;
* legal obligation (D1) — the caller names an obligation the policy declares, by id
  (`[legal_obligations.<id>]`); it must name the recipient, cover every category and the
  person must have or have had one of its roles (`obligations.gap`); the id is logged;
* consent (D3) — the person's granted, unwithdrawn, unexpired consent covers this recipient,
  these categories and this purpose (`coverage.gap`).

With none named, the gate looks for a covering agreement, then a covering consent. The
purpose must be one the policy allows on the road's legal basis (Art. 5(1)(b), 6(1)).
Restricted persons and restricted data of these categories are refused (Art. 18). The log
row and the audit entry (no personal data) are written in one transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from uuid import UUID

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from privacydesk.disclosure import coverage, obligations
from privacydesk.disclosure.common import (
    check_actor,
    clean_categories,
    clean_purpose,
    clean_recipient,
    lock_shareable,
)
from privacydesk.disclosure.models import Basis, ConsentRequest, ConsentStatus, Disclosure
from privacydesk.policy import clock
from privacydesk.policy.active import get_policy
from privacydesk.policy.errors import RuleViolation
from privacydesk.policy.obligations import same_name
from privacydesk.register import formats
from privacydesk.register.models import Agreement, AgreementRecipient, Person, Role
from privacydesk.vault import audit


@dataclass(frozen=True)
class _Road:
    basis: str
    legal_basis: str
    agreement: Agreement | None = None
    obligation: str = ""
    consent: ConsentRequest | None = None


def _agreement(value: Agreement | str) -> Agreement:
    ref = value.reference if isinstance(value, Agreement) else value
    found = Agreement.objects.filter(reference=ref).first() if isinstance(ref, str) else None
    if found is None:
        raise RuleViolation("agreement", "exists", gettext_noop("no agreement has this reference"))
    return found


def _consent(value: ConsentRequest | UUID | str) -> ConsentRequest:
    uid = value.uid if isinstance(value, ConsentRequest) else value
    try:
        key = UUID(str(uid))
    except ValueError:
        key = None
    found = (ConsentRequest.objects.select_for_update().filter(uid=key).first()
             if key is not None else None)
    if found is None:
        raise RuleViolation("consent", "exists", gettext_noop("no consent request has this id"))
    return found


def _covering_row(agreement: Agreement, recipient: str,
                  categories: list[str]) -> tuple[AgreementRecipient | None, str]:
    """The agreement's recipient row covering every category, or None and why not (D2)."""
    rows = [r for r in agreement.recipients.all() if same_name(r.recipient, recipient)]
    if not rows:
        named = ", ".join(sorted({r.recipient for r in agreement.recipients.all()})) or "none"
        return None, f"agreement {agreement.reference} does not name {recipient} as a " \
                     f"recipient (D2); it names: {named}"
    for row in rows:
        if set(categories) <= set(row.categories or []):
            return row, ""
    allowed = sorted({c for r in rows for c in (r.categories or [])})
    return None, f"agreement {agreement.reference} names {recipient} only for " \
                 f"{', '.join(allowed)} (D2); not for " \
                 f"{', '.join(c for c in categories if c not in allowed)}"


def _by_agreement(person: Person, agreement: Agreement, recipient: str,
                  categories: list[str]) -> _Road:
    if not agreement.has_party(person):
        raise RuleViolation("agreement", "D2", f"this person is not a party to "
                            f"{agreement.reference}; an agreement allows disclosures of its "
                            "parties' data only")
    if not agreement.is_running_on(clock.today()):
        raise RuleViolation("agreement", "D1", f"agreement {agreement.reference} is not "
                            "running; it no longer allows a disclosure")
    row, why = _covering_row(agreement, recipient, categories)
    if row is None:
        field = "recipient" if "does not name" in why else "categories"
        raise RuleViolation(field, "D2", why)
    return _Road(Basis.AGREEMENT, row.legal_basis, agreement=agreement)


def _by_consent(person: Person, consent: ConsentRequest, recipient: str,
                categories: list[str], purpose: str) -> _Road:
    why = coverage.gap(consent, person.ref, recipient, categories, purpose, timezone.now())
    if why is not None:
        raise RuleViolation("consent", "D3", why)
    return _Road(Basis.CONSENT, "consent", consent=consent)


def _find(person: Person, recipient: str, categories: list[str], purpose: str) -> _Road:
    """No basis named: a covering running agreement, else a covering consent, else D1."""
    today, now = clock.today(), timezone.now()
    for agreement in Agreement.objects.filter(parties__person=person).order_by("id"):
        if agreement.is_running_on(today) and _covering_row(agreement, recipient,
                                                            categories)[0] is not None:
            return _by_agreement(person, agreement, recipient, categories)
    for consent in (ConsentRequest.objects.select_for_update()
                    .filter(person=person, status=ConsentStatus.GRANTED).order_by("-id")):
        if coverage.gap(consent, person.ref, recipient, categories, purpose, now) is None:
            return _Road(Basis.CONSENT, "consent", consent=consent)
    raise RuleViolation("basis", "D1", f"nothing allows {recipient} to receive "
                        f"{', '.join(categories)} of this person: no running agreement of "
                        "theirs names it for these categories (D2), no legal obligation was "
                        "stated (D1) and no granted consent covers it (D3)")


def _obligation(value: Any) -> str | None:
    """The id of the declared obligation the caller named (None: none named). Free text
    ("because the tax office asked") is refused: only a declared duty is a basis (D1)."""
    if value is None:
        return None
    key = formats.text(value, "legal_obligation", max_length=64, required=False)
    if obligations.declared(key) is None:
        known = ", ".join(get_policy().legal_obligations) or "none"
        raise RuleViolation("legal_obligation", "D1", f"name a legal obligation the policy "
                            f"declares, by its id (declared: {known}); {key!r} is not one")
    return key


def _by_obligation(person: Person, key: str, recipient: str, categories: list[str]) -> _Road:
    roles = set(Role.objects.filter(person=person).values_list("kind", flat=True))
    why = obligations.gap(key, recipient, categories, roles)
    if why is not None:
        raise RuleViolation(why[0], "D1", why[1])
    return _Road(Basis.LEGAL_OBLIGATION, "legal_obligation", obligation=key)


def _check_purpose(purpose: str, road: _Road) -> None:
    """Art. 5(1)(b), 6(1): the purpose must be one the policy allows on the road's basis;
    the error names the input the caller gave ("purpose"), not the derived basis."""
    try:
        get_policy().check_purpose(purpose, road.legal_basis,
                                   has_agreement=road.agreement is not None)
    except RuleViolation as error:
        raise RuleViolation("purpose", error.rule, f"{error.message}; this disclosure rests "
                            f"on {road.legal_basis!r} ({road.basis})") from None


def disclose(person: Person, recipient: str, categories: Any, purpose: str, *, actor: str,
             agreement: Agreement | str | None = None, legal_obligation: str | None = None,
             consent: ConsentRequest | UUID | str | None = None) -> Disclosure:
    """Log one disclosure of `person`'s `categories` to `recipient` for `purpose`, or
    refuse it (see the module docstring). Returns the Disclosure row."""
    check_actor(actor)
    name = clean_recipient(recipient)
    cats = clean_categories(categories)
    purpose = clean_purpose(purpose)
    if sum(x is not None for x in (agreement, legal_obligation, consent)) > 1:
        raise RuleViolation(
            "basis", "D1", gettext_noop("name one basis: an agreement, a legal obligation "
                                        "or a consent"))
    obligation = _obligation(legal_obligation)
    with transaction.atomic():
        locked = lock_shareable(person, cats, purpose)
        if agreement is not None:
            road = _by_agreement(locked, _agreement(agreement), name, cats)
        elif obligation is not None:
            road = _by_obligation(locked, obligation, name, cats)
        elif consent is not None:
            road = _by_consent(locked, _consent(consent), name, cats, purpose)
        else:
            road = _find(locked, name, cats, purpose)
        _check_purpose(purpose, road)
        row = Disclosure.objects.create(
            person=locked, person_ref=locked.ref, recipient=name, categories=cats,
            purpose=purpose, basis=road.basis, legal_basis=road.legal_basis,
            agreement=road.agreement, obligation=road.obligation, consent=road.consent,
            agreement_reference=road.agreement.reference if road.agreement else "",
            actor=actor)
        audit.record(actor=actor, action="disclose", object_type="disclosure.disclosure",
                     object_id=str(row.pk), person_ref=str(locked.ref), purpose=purpose,
                     detail={"recipient": name, "categories": cats, "basis": road.basis,
                             "agreement": row.agreement_reference,
                             "obligation": road.obligation,
                             "consent": str(road.consent.uid) if road.consent else ""})
    return row
