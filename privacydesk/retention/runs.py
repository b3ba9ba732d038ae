"""Sweep runs: the retention sweep's receipts summed up per run, for the staff page (#15, R1).

Every receipt one `sweep.run` writes carries the run's start time (`at`), so the receipts
with the same `at` are one run; the id of its first receipt names the run in a URL. A run's
summary holds no personal data: how many people and data, and the data per rule. It is
counted by the database (a run of a large sweep has a receipt per person and category).
Person row receipts (nothing of the person was left, R1) count as people deleted, not as
data. `people` counts the refs still on the receipts: once no older backup exists they are
forgotten (`prune.forget_replay_data`) and a run counts 0 people.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Min, QuerySet, Sum

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


def _sweeps() -> QuerySet[DeletionReceipt]:
    return DeletionReceipt.objects.filter(kind=DeletionReceipt.RETENTION)


def _summaries(receipts: QuerySet[DeletionReceipt]) -> dict[datetime, SweepRun]:
    """A SweepRun for each `at` among `receipts`, in four grouped queries."""
    first = dict(receipts.order_by().values("at").annotate(n=Min("id"))
                 .values_list("at", "n"))
    people = dict(receipts.exclude(person_ref="").order_by().values("at")
                  .annotate(n=Count("person_ref", distinct=True)).values_list("at", "n"))
    gone = dict(receipts.filter(model=_PERSON_MODEL).order_by().values("at")
                .annotate(n=Sum("count")).values_list("at", "n"))
    by_rule: dict[datetime, list[tuple[str, int]]] = defaultdict(list)
    for at, rule_id, n in (receipts.exclude(model=_PERSON_MODEL).order_by()
                           .values("at", "rule_id").annotate(n=Sum("count"))
                           .values_list("at", "rule_id", "n")):
        by_rule[at].append((rule_id, int(n)))
    return {at: SweepRun(
        first=n, at=at, people=people.get(at, 0), persons_deleted=int(gone.get(at) or 0),
        data=sum(c for _, c in by_rule[at]),
        by_rule=tuple(sorted(by_rule[at], key=lambda item: (-item[1], item[0]))))
        for at, n in first.items()}


def latest(limit: int = 10) -> list[SweepRun]:
    """The latest `limit` sweep runs, newest first."""
    starts = list(_sweeps().order_by("-at").values_list("at", flat=True).distinct()[:limit])
    found = _summaries(_sweeps().filter(at__in=starts))
    return [found[at] for at in starts if at in found]


def receipts_of(first: int) -> QuerySet[DeletionReceipt]:
    """The receipts of the run whose first receipt has id `first`, by rule, person and
    category; raises DeletionReceipt.DoesNotExist when no sweep receipt has that id."""
    start = _sweeps().get(pk=first).at
    return _sweeps().filter(at=start).order_by("rule_id", "person_ref", "category", "id")


def summary(receipts: QuerySet[DeletionReceipt]) -> SweepRun:
    """The summary of one run's receipts (as `receipts_of` returns them)."""
    return next(iter(_summaries(receipts).values()))


def laws(receipts: QuerySet[DeletionReceipt], lang: str) -> dict[str, str]:
    """{rule id: the law the receipts quote for it} in `lang` ("nl" or "en")."""
    field = "law_en" if lang == "en" else "law_nl"
    return dict(receipts.exclude(model=_PERSON_MODEL).order_by()
                .values_list("rule_id", field).distinct())
