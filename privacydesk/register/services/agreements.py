"""Writing agreements (P3), their parties and their recipients (D2). One transaction each."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from django.utils.translation import gettext_noop

from privacydesk.policy.active import get_policy
from privacydesk.policy.errors import RuleViolation
from privacydesk.policy.obligations import name_key
from privacydesk.register import formats
from privacydesk.register.models import (
    Agreement,
    AgreementParty,
    AgreementRecipient,
    Organisation,
    Person,
)
from privacydesk.register.services import batching
from privacydesk.register.services.common import check_actor, record

_KINDS = tuple(k for k, _ in Agreement.KINDS)
_RECIPIENT_BASES = tuple(k for k, _ in AgreementRecipient.BASES)
# #13 5.9: one agreement once took 10,000 identical recipients. An agreement names a handful
# of third parties (D2) and its parties are the people it was concluded with (P3); these
# bounds keep a request from filling the register, and are far above any real agreement.
MAX_RECIPIENTS = 50
MAX_PARTIES = 100


def check_limit(field: str, items: Any, limit: int) -> None:
    """Refuse a list `field` longer than `limit` (RuleViolation rule "limit"). Callers that
    look each item up (the API's parties) call it first, so nothing is looked up in vain."""
    if len(items) > limit:
        raise RuleViolation(field, "limit", f"may list at most {limit} items; "
                            f"{len(items)} were given")


def _check_dates(starts_on: Any, ends_on: Any) -> None:
    if not isinstance(starts_on, date):
        raise formats.fail("starts_on", "must be a date")
    if ends_on is not None and (not isinstance(ends_on, date) or ends_on < starts_on):
        raise formats.fail("ends_on", "must be a date on or after the start")


def _clean_recipient(raw: Mapping[str, Any], index: int) -> dict[str, Any]:
    """Return one recipient row; D1: only for the contract or a legal obligation."""
    field = f"recipients[{index}]"
    if not isinstance(raw, Mapping):
        raise formats.fail(field, "must be a mapping")
    categories = raw.get("categories")
    if not isinstance(categories, list | tuple) or not categories:
        raise formats.fail(f"{field}.categories", "must list at least one category")
    policy = get_policy()
    for i, category in enumerate(categories):
        if category not in policy.categories:
            raise RuleViolation(f"{field}.categories", "C2",
                                f"{category!r} is not a category of this policy")
        if category in categories[:i]:   # bounds the list by the policy's categories
            raise RuleViolation(f"{field}.categories", "unique",
                                f"names {category!r} twice; name each category once")
    basis = raw.get("legal_basis")
    if basis not in _RECIPIENT_BASES:
        raise RuleViolation(f"{field}.legal_basis", "D1", gettext_noop(
            "data go to third parties only to execute the agreement (contract) or for a legal "
            "obligation"))
    return {
        "recipient": formats.text(raw.get("recipient"), f"{field}.recipient", max_length=200),
        "categories": sorted(set(categories)),
        "legal_basis": basis,
        # D2: the agreement states why the recipient needs the data.
        "purpose": formats.text(raw.get("purpose"), f"{field}.purpose", max_length=500),
    }


def _clean_recipients(recipients: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """The agreement's recipient rows: at most MAX_RECIPIENTS, and no recipient twice on
    the same legal basis (one row lists all its categories; D2). Stops at the first defect,
    so a list of 10,000 is refused without reading it all."""
    rows: list[dict[str, Any]] = []
    seen: dict[tuple[str, str], int] = {}
    for i, raw in enumerate(recipients):
        if i >= MAX_RECIPIENTS:
            raise RuleViolation("recipients", "limit", f"an agreement may name at most "
                                f"{MAX_RECIPIENTS} recipients")
        row = _clean_recipient(raw, i)
        # The gate matches recipients ignoring case and spacing (disclosure.common).
        key = (name_key(row["recipient"]), row["legal_basis"])
        if key in seen:
            raise RuleViolation(f"recipients[{i}].recipient", "unique",
                                f"{row['recipient']} is already named on the same legal "
                                f"basis (recipients[{seen[key]}]); list all its categories "
                                "in that one row")
        seen[key] = i
        rows.append(row)
    return rows


def create_agreement(kind: str, reference: str, title: str, starts_on: date,
                     ends_on: date | None = None, parties: Iterable[Person] = (),
                     recipients: Iterable[Mapping[str, Any]] = (),
                     organisation: Organisation | None = None, *,
                     actor: str) -> Agreement:
    """Create an agreement with its parties and recipients, or nothing at all.

    `kind` is "one_off" or "sla" (P3); `recipients` are dicts with recipient, categories
    (policy category keys), legal_basis ("contract" | "legal_obligation") and purpose (D2).
    At most MAX_RECIPIENTS recipients (rule "limit"), none named twice on one basis and no
    category twice in a row (rule "unique"); at most MAX_PARTIES parties ("limit").
    """
    check_actor(actor)
    if kind not in _KINDS:
        raise RuleViolation("kind", "P3", f"an agreement is one of: {', '.join(_KINDS)}")
    ref = formats.text(reference, "reference", max_length=64)
    clean_title = formats.text(title, "title", max_length=200)
    _check_dates(starts_on, ends_on)
    rows = _clean_recipients(recipients)
    people = list(parties)
    check_limit("parties", people, MAX_PARTIES)
    with batching.atomic():
        if Agreement.objects.filter(reference=ref).exists():
            raise RuleViolation("reference", "unique", f"agreement {ref} already exists")
        agreement = Agreement.objects.create(kind=kind, reference=ref, title=clean_title,
                                             starts_on=starts_on, ends_on=ends_on,
                                             organisation=organisation)
        AgreementRecipient.objects.bulk_create(
            AgreementRecipient(agreement=agreement, **row) for row in rows)
        record("create", agreement, actor=actor,
               detail={"kind": kind, "recipients": len(rows)})
        for person in people:
            _add_party(agreement, person, actor)
    return agreement


def _add_party(agreement: Agreement, person: Person, actor: str) -> AgreementParty:
    if agreement.parties.filter(person=person).exists():
        raise RuleViolation("person", "unique", f"this person is already a party to "
                            f"{agreement.reference}")
    party = AgreementParty.objects.create(agreement=agreement, person=person)
    record("create", party, actor=actor, person=person, detail=party_detail(agreement))
    return party


def party_detail(agreement: Agreement) -> dict[str, Any]:
    """The audit detail of a new party to `agreement`."""
    return {"agreement": agreement.reference}


def add_party(agreement: Agreement, person: Person, *, actor: str) -> AgreementParty:
    """Make `person` a party to `agreement`, so data may serve it (P3)."""
    check_actor(actor)
    with batching.atomic():
        return _add_party(agreement, person, actor)


def extend_agreement(agreement: Agreement, ends_on: date | None, *,
                     actor: str) -> Agreement:
    """Move the end of `agreement` to `ends_on` (None: open-ended, e.g. a running SLA)."""
    check_actor(actor)
    _check_dates(agreement.starts_on, ends_on)
    with batching.atomic():
        agreement.ends_on = ends_on
        agreement.save(update_fields=["ends_on"])
        record("update", agreement, actor=actor, detail={"fields": ["ends_on"]})
    return agreement


def end_agreement(agreement: Agreement, ended_on: date, *, actor: str) -> Agreement:
    """End `agreement` on `ended_on`; from then on R3 decides what stays, and how long."""
    if ended_on is None:
        raise formats.fail("ends_on", "must be a date on or after the start")
    return extend_agreement(agreement, ended_on, actor=actor)
