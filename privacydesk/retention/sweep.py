"""Sweeps (R1): delete what is due, one transaction per person, with a receipt for each.

Contract:
- Due data are found by an indexed range query on `delete_after` (never a full scan), so a
  sweep costs in proportion to what is due, not to the size of the register.
- Each person is swept in ONE transaction: their due data, the receipts and — when nothing
  of them is left — the person row itself. Killed at any moment (kill -9), a sweep leaves
  every person either untouched or done; the next run finishes the job.
- Before deleting, each due datum is decided again by the policy: a date that moved (a
  hold, an extension the hooks missed) is stored instead of deleting.
"""

from __future__ import annotations

import sys
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db import transaction
from django.utils import timezone
from tqdm import tqdm

from privacydesk.policy import RetentionDecision
from privacydesk.register.models import DATUM_MODELS, Person
from privacydesk.retention.facts import decide, person_facts
from privacydesk.retention.models import DeletionReceipt
from privacydesk.retention.receipts import current_generation, person_receipt, receipt
from privacydesk.retention.services import DECISION_FIELDS
from privacydesk.vault import audit

BATCH = 500


@dataclass
class SweepResult:
    """What one sweep did: people touched, data and person rows deleted, receipts written."""

    people: int = 0
    data: int = 0
    persons_deleted: int = 0
    receipts: int = 0
    by_category: dict[str, int] = field(default_factory=lambda: defaultdict(int))


def due_person_ids(today: date) -> dict[int, set[str]]:
    """Every person with data due on `today` -> the categories due, by one index range
    query per category (never a scan of the register)."""
    due: dict[int, set[str]] = defaultdict(set)
    for category, model in DATUM_MODELS.items():
        for pid in (model._default_manager.filter(delete_after__lte=today).order_by()
                    .values_list("person_id", flat=True).distinct()):
            due[pid].add(category)
    return dict(sorted(due.items()))


def _anything_left(pid: int) -> bool:
    """True if any datum of the person remains: one UNION query over the categories."""
    first, *rest = [m._default_manager.filter(person_id=pid).order_by()
                    .values_list("person_id") for m in DATUM_MODELS.values()]
    return first.union(*rest, all=True).exists()


def sweep_person(pid: int, today: date, *, at: datetime, generation: int,
                 actor: str = "system", categories: set[str] | None = None) -> SweepResult:
    """Delete the person's due data (and the person if nothing is left), atomically."""
    result = SweepResult()
    with transaction.atomic():
        person = Person.objects.select_for_update().filter(pk=pid).only("id", "ref").first()
        if person is None:
            return result
        ref = str(person.ref)
        facts = person_facts(pid)
        receipts: list[DeletionReceipt] = []
        for category, model in DATUM_MODELS.items():
            if categories is not None and category not in categories:
                continue
            groups: dict[RetentionDecision, list[int]] = defaultdict(list)
            for datum in model._default_manager.filter(person_id=pid, delete_after__lte=today) \
                    .only(*DECISION_FIELDS).order_by():
                decision = decide(datum, facts)
                if decision.date is None or decision.date > today:
                    model._default_manager.filter(pk=datum.pk).update(delete_after=decision.date)
                    continue
                groups[decision].append(datum.pk)
            for decision, ids in groups.items():
                model._default_manager.filter(pk__in=ids).delete()
                receipts.append(receipt(DeletionReceipt.RETENTION, model._meta.label_lower,
                                        category, decision, ids, at=at, person_ref=ref,
                                        generation=generation, actor=actor))
                result.data += len(ids)
                result.by_category[category] += len(ids)
        if not receipts:
            return result
        left = _anything_left(pid)
        if not left:   # R1: a person of whom nothing is held is no longer held at all
            person.delete()
            receipts.append(person_receipt(DeletionReceipt.RETENTION, pid, at=at,
                                           person_ref=ref, generation=generation,
                                           actor=actor))
            result.persons_deleted = 1
        DeletionReceipt.objects.bulk_create(receipts)
        audit.record(actor=actor, action="delete", object_type="register.person",
                     object_id=str(pid), person_ref=ref, purpose="retention",
                     detail={"data": result.data, "person_deleted": not left,
                             "categories": sorted(result.by_category)})
        result.people, result.receipts = 1, len(receipts)
    return result


def run(today: date | None = None, *, batch: int = BATCH, progress: bool = False,
        actor: str = "system") -> SweepResult:
    """Delete everything due on `today` (default: today); return the totals."""
    day = today or timezone.localdate()
    due = due_person_ids(day)
    ids = list(due)
    total = SweepResult()
    generation = current_generation()
    bar = tqdm(total=len(ids), unit=" people", file=sys.stderr, disable=not progress,
               desc="retention sweep")
    try:
        for start in range(0, len(ids), batch):
            at = timezone.now()
            for pid in ids[start:start + batch]:
                done = sweep_person(pid, day, at=at, generation=generation, actor=actor,
                                    categories=due[pid])
                total.people += done.people
                total.data += done.data
                total.persons_deleted += done.persons_deleted
                total.receipts += done.receipts
                for category, n in done.by_category.items():
                    total.by_category[category] += n
            bar.update(len(ids[start:start + batch]))
    finally:
        bar.close()
    return total
