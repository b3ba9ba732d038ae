"""The erasure engine (Art. 17, Rt3): real deletion of rows, not masking.

`erase_person` deletes, in one transaction, every row that holds the person — their data,
and every row of any app with a foreign key to the person (callbacks, ...) — EXCEPT data the
law obliges us to keep (basis "legal_obligation" with a retention rule whose date lies
ahead, e.g. fiscal records, art. 52 AWR) and data under a legal hold (Art. 17(3)(e)). Those
are restricted instead (Art. 18: stored, not used) and keep their own `delete_after`; the
person row, roles and agreement parties stay only as long as they date those data.
The audit log keeps only the pseudonymous ref; the erasure ledger keeps the ref so that a
restore from an older backup erases the person again (backup.restore).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import replace
from datetime import date
from typing import Any

from django.apps import apps
from django.db import models, transaction
from django.utils import timezone

from privacydesk.policy import CONTACT_PERIOD, ROLE_ENDED, RetentionDecision, clock
from privacydesk.policy.active import get_policy
from privacydesk.policy.errors import RuleViolation
from privacydesk.policy.model import Label
from privacydesk.register.models import DATUM_MODELS, AgreementParty, Person, Role
from privacydesk.retention import journal
from privacydesk.retention.erasure_receipt import DeletedItem, ErasureReceipt, KeptItem
from privacydesk.retention.facts import PersonFacts, person_facts, row_facts
from privacydesk.retention.ledger import sign as ledger_signature
from privacydesk.retention.models import DeletionReceipt, ErasureLedger, LegalHold
from privacydesk.retention.receipts import current_generation, person_row, receipt_row, unsaved
from privacydesk.retention.services import data_of
from privacydesk.vault import audit

LEGAL_OBLIGATION = "legal_obligation"
ERASURE_RULE = "erasure-art17"
ERASURE = RetentionDecision(None, ERASURE_RULE, Label(
    nl="art. 17 AVG, recht op gegevenswissing", en="Art. 17 GDPR, right to erasure"), "Rt3")
# Rows that date the kept data (R3) or are the hold itself stay with the kept data.
_KEPT_WITH_PERSON = {Role, AgreementParty, LegalHold}


def _held(facts: PersonFacts, today: date) -> bool:
    return facts.hold_open or (facts.hold_until is not None and facts.hold_until >= today)


def _kept_by_law(datum: object, decision: RetentionDecision, today: date) -> bool:
    # Art. 17(3)(b): a legal obligation to keep; only a real rule, never the contact period
    # nor the end of the role that allowed the category (C3..C5: that date is no duty).
    return (getattr(datum, "legal_basis", "") == LEGAL_OBLIGATION
            and decision.rule_id not in (CONTACT_PERIOD, ROLE_ENDED)
            and (decision.date is None or decision.date > today))


def _keeps(category: str, datum: Any, facts: PersonFacts, held: bool,
           day: date) -> KeptItem | None:
    """Why the erasure keeps `datum` (a KeptItem with count 0), or None: it is deleted."""
    policy = get_policy()
    decision = policy.retention_decision(
        category, datum.purpose, datum.legal_basis,
        row_facts(datum.agreement_id, datum.created_at, facts))
    if not (held or _kept_by_law(datum, decision, day)):
        return None
    article = policy.legal_bases[datum.legal_basis].article
    return KeptItem(category, 0, decision.rule_id, article, decision.law.nl, decision.law.en,
                    decision.date, held)


def plan(person: Person, *, today: date | None = None) -> dict[tuple[str, int], KeptItem | None]:
    """What `erase_person` would do with each datum of `person` today, doing nothing:
    {(category, datum id): None if it would be deleted, else the KeptItem (count 0) naming
    the legal rule that keeps it}. Read-only, for the preview staff see before they confirm
    an erasure (#15); the engine itself decides with the same `_keeps`."""
    day = today or clock.today()
    facts = person_facts(person.pk)
    held = _held(facts, day)
    return {(category, datum.pk): _keeps(category, datum, facts, held, day)
            for category, model in DATUM_MODELS.items()
            for datum in data_of(model, person.pk).order_by("id")}


def person_tables() -> list[tuple[type[models.Model], str]]:
    """Every (model, field) outside the datum models with a foreign key to Person."""
    found = []
    datum_models = set(DATUM_MODELS.values())
    for model in apps.get_models():
        if model in datum_models or model in _KEPT_WITH_PERSON:
            continue
        for f in model._meta.get_fields():
            if (isinstance(f, models.ForeignKey | models.OneToOneField) and f.concrete
                    and f.related_model is Person):
                found.append((model, f.name))
    return found


def erase_person(person: Person, *, actor: str, request_ref: str | None = None,
                 today: date | None = None) -> ErasureReceipt:
    """Erase `person` (Art. 17) and return the receipt; see the module docstring."""
    return _erase(person, actor=actor, request_ref=request_ref, today=today, ledger=True)


def _erase(person: Person, *, actor: str, request_ref: str | None, today: date | None,
           ledger: bool) -> ErasureReceipt:
    day = today or clock.today()
    now, generation = timezone.now(), current_generation()
    with transaction.atomic():
        person = Person.objects.select_for_update().get(pk=person.pk)
        pid, ref = person.pk, str(person.ref)
        facts = person_facts(pid)
        held = _held(facts, day)
        deleted: Counter[str] = Counter()
        kept: Counter[KeptItem] = Counter()
        receipts: list[DeletionReceipt] = []
        for category, model in DATUM_MODELS.items():
            gone, keep = [], defaultdict(list)
            for datum in data_of(model, pid).order_by("id"):
                item = _keeps(category, datum, facts, held, day)
                if item is not None:
                    keep[item].append(datum.pk)
                else:
                    gone.append(datum.pk)
            if gone:
                model._default_manager.filter(pk__in=gone).delete()
                deleted[category] += len(gone)
                receipts.append(unsaved(receipt_row(
                    DeletionReceipt.ERASURE, model._meta.label_lower, category, ERASURE, gone,
                    at=now, person_ref=ref, generation=generation, actor=actor)))
            for item, ids in keep.items():
                model._default_manager.filter(pk__in=ids).update(restricted=True)   # Art. 18
                kept[item] += len(ids)
        person_deleted = not kept
        if person_deleted:
            person.delete()   # cascades to roles, parties, holds and every app's rows
            receipts.append(unsaved(person_row(DeletionReceipt.ERASURE, pid, at=now,
                                               person_ref=ref, generation=generation,
                                               actor=actor)))
        else:
            for table, field in person_tables():
                rows = table._default_manager.filter(**{field: pid})
                link: Any = table._meta.get_field(field)
                if link.remote_field.on_delete is models.SET_NULL:
                    # As if the person row were deleted: a model that declared its rows
                    # outlive the person (disclosure evidence, D1-D3) keeps them, by ref.
                    rows.update(**{field: None})
                else:
                    rows.delete()
            person.restricted, person.restricted_reason = True, "erasure: kept by law only"
            person.save(update_fields=["restricted", "restricted_reason"])
        if ledger:   # a replayed erasure is proven by the receipts it merged back
            DeletionReceipt.objects.bulk_create(receipts)
        result = ErasureReceipt(
            ref, now, request_ref or "",
            tuple(DeletedItem(c, n) for c, n in deleted.items()),
            tuple(replace(k, count=n) for k, n in kept.items()),
            person_deleted)
        audit.record(actor=actor, action="erase", object_type="register.person",
                     object_id=str(pid), person_ref=ref, purpose="erasure",
                     detail={"deleted": dict(deleted), "kept": sum(kept.values()),
                             "request": request_ref or "", "person_deleted": person_deleted})
        if ledger:
            entry = ErasureLedger(
                person_ref=ref, erased_at=now, actor=actor, request_ref=request_ref or "",
                generation=generation, summary=result.as_dict())
            entry.signature = ledger_signature(entry)   # Rt3: the receipt, signed
            entry.save(force_insert=True)
            # Outside the database too, so a restore after losing it still knows (Rt3).
            transaction.on_commit(lambda: journal.append(entry))
    return result


def erase_data(person: Person, picks: Iterable[tuple[str, int]], *, actor: str,
               request_ref: str = "", today: date | None = None) -> ErasureReceipt:
    """Erase only the data of `person` the person asked for (Art. 17 for part of their data,
    #15): `picks` are (category, datum id). All or nothing, in one transaction: a pick that
    is not this person's raises RuleViolation("datum", "exists"), a pick a legal rule or a
    hold keeps raises RuleViolation("datum", "Art17(3)") naming the rule — and nothing is
    deleted. The rows are really deleted, with a deletion receipt per category (a restore
    from an older backup deletes them again: the receipts are in the database and, after
    commit, in the erasure journal) and an audit entry; the person and their other data stay
    as they were, so no erasure-ledger line (the ledger erases a whole person on restore).
    Returns the receipt with `partial=True`."""
    wanted = sorted(set(picks))
    if not wanted:
        raise RuleViolation("datum", "required", "pick at least one datum to erase")
    day = today or clock.today()
    now, generation = timezone.now(), current_generation()
    with transaction.atomic():
        person = Person.objects.select_for_update().get(pk=person.pk)
        ref, decided = str(person.ref), plan(person, today=day)
        for pick in wanted:
            if pick not in decided:
                raise RuleViolation("datum", "exists", "this person has no such datum")
            kept = decided[pick]
            if kept is not None:
                why = "a legal claim or dispute" if kept.held else kept.law_en
                raise RuleViolation("datum", "Art17(3)", f"kept by law: {why} "
                                    f"({kept.basis_article})")
        by_category: dict[str, list[int]] = defaultdict(list)
        for category, pk in wanted:
            by_category[category].append(pk)
        receipts = []
        for category, ids in by_category.items():
            DATUM_MODELS[category]._default_manager.filter(pk__in=ids, person=person).delete()
            receipts.append(unsaved(receipt_row(
                DeletionReceipt.ERASURE, DATUM_MODELS[category]._meta.label_lower, category,
                ERASURE, ids, at=now, person_ref=ref, generation=generation, actor=actor)))
        DeletionReceipt.objects.bulk_create(receipts)
        # No ledger line erases a part of a person: the receipts go into the journal
        # outside the database, so a restore after losing it still deletes them (Rt3).
        transaction.on_commit(lambda: journal.append_receipts(receipts))
        deleted = {category: len(ids) for category, ids in by_category.items()}
        audit.record(actor=actor, action="erase", object_type="register.person",
                     object_id=str(person.pk), person_ref=ref, purpose="erasure",
                     detail={"deleted": deleted, "kept": 0, "request": request_ref,
                             "person_deleted": False, "partial": True})
    return ErasureReceipt(ref, now, request_ref, tuple(DeletedItem(c, n)
                                                       for c, n in deleted.items()),
                          (), False, partial=True)


def erase_ref(person_ref: str, *, actor: str, today: date | None = None) -> bool:
    """Erase the person with `person_ref` again if they exist (restore replay); True if so.
    Writes no new ledger line: the replayed erasure is already in the ledger."""
    person = Person.objects.filter(ref=person_ref).first()
    if person is None:
        return False
    _erase(person, actor=actor, request_ref=None, today=today, ledger=False)
    return True
