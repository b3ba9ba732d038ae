"""Sweeps (R1): delete what is due, a batch of whole people per transaction, with receipts.

Contract:
- Due data are found by an indexed range query on `delete_after` (never a full scan), so a
  sweep costs in proportion to what is due, not to the size of the register.
- A batch of people is swept in ONE transaction: their due data, the receipts and — for
  each of them of whom nothing is left — the person row itself. Killed at any moment
  (kill -9), a sweep leaves every person either untouched or done; the next run finishes.
- Before deleting, each due datum is decided again by the policy: a date that moved (a
  hold, an extension the hooks missed) is stored instead of deleting.
- The work per batch is a fixed number of set-based queries (lock, facts, due rows per
  category, deletes, receipts), never a query per person or per datum.
"""

from __future__ import annotations

import sys
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db import transaction
from django.utils import timezone
from tqdm import tqdm

from privacydesk.policy import RetentionDecision, clock
from privacydesk.policy.active import get_policy
from privacydesk.register.models import DATUM_MODELS, Datum, Person
from privacydesk.retention.facts import chunks, facts_for_people, row_facts
from privacydesk.retention.models import DeletionReceipt
from privacydesk.retention.receipts import current_generation, insert_rows, person_row, receipt_row
from privacydesk.vault import anchor, audit

BATCH = 500
ROW_FIELDS = ("id", "person_id", "agreement_id", "created_at", "purpose", "legal_basis")

#: Called inside each batch's transaction, after its writes and before it commits.
BatchHook = Callable[["SweepResult"], None]


@dataclass
class SweepResult:
    """What one sweep did: people touched, data and person rows deleted, receipts written."""

    people: int = 0
    data: int = 0
    persons_deleted: int = 0
    receipts: int = 0
    by_category: dict[str, int] = field(default_factory=lambda: defaultdict(int))

    def add(self, other: SweepResult) -> None:
        """Add `other`'s totals to these."""
        self.people += other.people
        self.data += other.data
        self.persons_deleted += other.persons_deleted
        self.receipts += other.receipts
        for category, n in other.by_category.items():
            self.by_category[category] += n


def due_person_ids(today: date) -> dict[int, set[str]]:
    """Every person with data due on `today` -> the categories due, by one index range
    query per category (never a scan of the register)."""
    due: dict[int, set[str]] = defaultdict(set)
    for category, model in DATUM_MODELS.items():
        for pid in (model._default_manager.filter(delete_after__lte=today).order_by()
                    .values_list("person_id", flat=True).distinct()):
            due[pid].add(category)
    return dict(sorted(due.items()))


# (person id, decision) -> the ids of one category deleted under that decision
Deleted = dict[tuple[int, RetentionDecision], list[int]]


def _decide_category(model: type[Datum], pids: list[int], today: date,
                     facts: dict) -> Deleted:
    """Re-check the category's due rows of `pids` against the policy; store moved dates,
    delete the rest with one statement per slice; return what went, by person and rule."""
    policy, category = get_policy(), model.CATEGORY
    manager = model._default_manager
    decided: dict[tuple, RetentionDecision] = {}   # many rows share purpose, basis and facts
    deleted: Deleted = defaultdict(list)
    moved: dict[date | None, list[int]] = defaultdict(list)
    for chunk in chunks(pids):
        rows = manager.filter(person_id__in=chunk, delete_after__lte=today) \
            .order_by("id").values_list(*ROW_FIELDS)
        for pk, pid, agreement_id, created_at, purpose, basis in rows:
            retention_facts = row_facts(agreement_id, created_at, facts[pid])
            key = (purpose, basis, retention_facts)
            decision = decided.get(key)
            if decision is None:
                decision = decided[key] = policy.retention_decision(
                    category, purpose, basis, retention_facts)
            if decision.date is None or decision.date > today:
                moved[decision.date].append(pk)   # the date moved: keep it, store the new one
            else:
                deleted[(pid, decision)].append(pk)
    for new_date, ids in moved.items():
        for chunk in chunks(ids):
            manager.filter(pk__in=chunk).update(delete_after=new_date)
    gone = [pk for ids in deleted.values() for pk in ids]
    for chunk in chunks(gone):
        manager.filter(pk__in=chunk).delete()
    return deleted


def _still_holding(pids: list[int]) -> set[int]:
    """The people among `pids` of whom any datum remains: one UNION query per slice."""
    holding: set[int] = set()
    for chunk in chunks(pids):
        first, *rest = [m._default_manager.filter(person_id__in=chunk).order_by()
                        .values_list("person_id", flat=True) for m in DATUM_MODELS.values()]
        holding.update(first.union(*rest))
    return holding


def sweep_people(pids: Iterable[int], today: date, *, at: datetime, generation: int,
                 actor: str = "system", categories: set[str] | None = None,
                 on_batch: BatchHook | None = None) -> SweepResult:
    """Delete the due data of `pids` (and each of them with nothing left) in ONE
    transaction, with receipts and one audit entry per person swept.

    `categories` limits the sweep to those categories (None: all). `on_batch(result)` runs
    inside the transaction before it commits: raising there undoes the whole batch.
    """
    result = SweepResult()
    with transaction.atomic():
        refs: dict[int, str] = {}
        for chunk in chunks(sorted(set(pids))):
            refs.update((pid, str(ref)) for pid, ref in Person.objects.select_for_update()
                        .filter(pk__in=chunk).order_by().values_list("id", "ref"))
        people = sorted(refs)
        if not people:
            return result
        facts = facts_for_people(people)
        deleted: dict[str, Deleted] = {}
        for category, model in DATUM_MODELS.items():
            if categories is None or category in categories:
                deleted[category] = _decide_category(model, people, today, facts)
        swept: dict[int, list[tuple[str, RetentionDecision, list[int]]]] = defaultdict(list)
        for category, groups in deleted.items():
            for (pid, decision), ids in groups.items():
                swept[pid].append((category, decision, ids))
        if not swept:
            return result
        # R1: a person of whom nothing is held is no longer held at all
        holding = _still_holding(sorted(swept))
        emptied = [pid for pid in sorted(swept) if pid not in holding]
        for chunk in chunks(emptied):
            Person.objects.filter(pk__in=chunk).delete()
        receipts: list[tuple] = []
        entries = []
        for pid in sorted(swept):
            ref, counts = refs[pid], defaultdict[str, int](int)
            for category, decision, ids in swept[pid]:
                label = DATUM_MODELS[category]._meta.label_lower
                receipts.append(receipt_row(DeletionReceipt.RETENTION, label, category,
                                            decision, ids, at=at, person_ref=ref,
                                            generation=generation, actor=actor))
                counts[category] += len(ids)
            if pid not in holding:
                receipts.append(person_row(DeletionReceipt.RETENTION, pid, at=at,
                                           person_ref=ref, generation=generation,
                                           actor=actor))
            entries.append({"actor": actor, "action": "delete",
                            "object_type": "register.person", "object_id": str(pid),
                            "person_ref": ref, "purpose": "retention",
                            "detail": {"data": sum(counts.values()),
                                       "person_deleted": pid not in holding,
                                       "categories": sorted(counts)}})
            for category, n in counts.items():
                result.by_category[category] += n
            result.data += sum(counts.values())
        insert_rows(receipts)
        audit.record_many(entries)
        result.people, result.receipts = len(swept), len(receipts)
        result.persons_deleted = len(emptied)
        if on_batch is not None:
            on_batch(result)
    return result


def run(today: date | None = None, *, batch: int = BATCH, progress: bool = False,
        actor: str = "system", on_batch: BatchHook | None = None) -> SweepResult:
    """Delete everything due on `today` (default: today) in batches of `batch` people,
    each batch one transaction; return the totals. `on_batch` as in `sweep_people`."""
    day = today or clock.today()
    due = due_person_ids(day)
    ids = list(due)
    total = SweepResult()
    generation = current_generation()
    # Every receipt of one run carries the run's start, so the retention page can sum them
    # up per run (#15); the batches still commit apart.
    started = timezone.now()
    bar = tqdm(total=len(ids), unit=" people", file=sys.stderr, disable=not progress,
               desc="retention sweep")
    try:
        for part in chunks(ids, max(batch, 1)):
            categories = set().union(*(due[pid] for pid in part))
            total.add(sweep_people(part, day, at=started, generation=generation,
                                   actor=actor, categories=categories, on_batch=on_batch))
            bar.update(len(part))
    finally:
        bar.close()
    anchor.after_commit(anchor.SWEEP)  # Sec1: every daily sweep anchors the audit chain
    return total
