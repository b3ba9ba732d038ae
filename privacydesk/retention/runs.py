"""Sweep runs: the retention sweep's receipts summed up per run, for the staff page (#15, R1).

Every receipt one `sweep.run` writes carries the run's start time (`at`), so the receipts
with the same `at` are one run; the id of its first receipt names the run in a URL. A run's
summary holds no personal data: how many people and data, and the data per rule.
Person row receipts (nothing of the person was left, R1) count as people deleted, not as
data. `people` counts the refs still on the receipts: once no older backup exists they are
forgotten (`prune.forget_replay_data`) and a run counts 0 people.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from privacydesk.retention.models import DeletionReceipt

_PERSON_MODEL = "register.person"


@dataclass(frozen=True)
class SweepRun:
    """One sweep run: started `at`, named by its first receipt's id `first`."""

    first: int
    at: datetime
    people: int
    persons_deleted: int
    data: int
    #: (rule id, data deleted under it), the rule with the most data first.
    by_rule: tuple[tuple[str, int], ...]


def summary(receipts: Iterable[DeletionReceipt]) -> SweepRun:
    """The summary of one run's receipts (not empty: all with the same `at`)."""
    rows = list(receipts)
    by_rule: Counter[str] = Counter()
    for r in rows:
        if r.model != _PERSON_MODEL:
            by_rule[r.rule_id] += r.count
    return SweepRun(
        first=min(r.pk for r in rows), at=rows[0].at,
        people=len({r.person_ref for r in rows if r.person_ref}),
        persons_deleted=sum(r.count for r in rows if r.model == _PERSON_MODEL),
        data=sum(by_rule.values()),
        by_rule=tuple(sorted(by_rule.items(), key=lambda item: (-item[1], item[0]))))


def latest(limit: int = 10) -> list[SweepRun]:
    """The latest `limit` sweep runs, newest first (two queries)."""
    starts = list(DeletionReceipt.objects.filter(kind=DeletionReceipt.RETENTION)
                  .order_by("-at").values_list("at", flat=True).distinct()[:limit])
    by_start: dict[datetime, list[DeletionReceipt]] = {}
    for r in (DeletionReceipt.objects.filter(kind=DeletionReceipt.RETENTION, at__in=starts)
              .only("id", "at", "model", "rule_id", "count", "person_ref")):
        by_start.setdefault(r.at, []).append(r)
    return [summary(by_start[at]) for at in starts if at in by_start]


def receipts_of(first: int) -> list[DeletionReceipt]:
    """The receipts of the run whose first receipt has id `first`, by rule, person and
    category; raises DeletionReceipt.DoesNotExist when no sweep receipt has that id."""
    start = DeletionReceipt.objects.get(pk=first, kind=DeletionReceipt.RETENTION).at
    return list(DeletionReceipt.objects.filter(kind=DeletionReceipt.RETENTION, at=start)
                .order_by("rule_id", "person_ref", "category", "id"))
