"""The retention plan: what will be deleted when, by person ref, category and rule (R1).

The plan holds no personal data: a pseudonymous person ref, a category, the rule and law,
the date and a count — never a value. It reads only rows whose `delete_after` falls in the
window (an indexed range query).
"""

from __future__ import annotations

import io
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from privacydesk.exports import csvsafe
from privacydesk.policy import clock
from privacydesk.register.models import DATUM_MODELS, Person
from privacydesk.retention import registry
from privacydesk.retention.facts import decide, person_facts
from privacydesk.retention.services import DECISION_FIELDS

HEADER = ("date", "person_ref", "category", "rule", "law", "count")


@dataclass(frozen=True, order=True)
class PlanRow:
    """`count` data of `category` of person `person_ref` go on `date` under `rule_id`."""

    date: date
    person_ref: str
    category: str
    rule_id: str
    law: str
    count: int


def plan(days: int = 30, today: date | None = None, lang: str = "en") -> list[PlanRow]:
    """Every deletion due within `days` from `today` (overdue ones included), sorted."""
    day = today or clock.today()
    until = day + timedelta(days=max(days, 0))
    due: dict[int, list] = {}
    for category, model in DATUM_MODELS.items():
        for datum in model._default_manager.filter(delete_after__lte=until).only(*DECISION_FIELDS) \
                .order_by():
            due.setdefault(datum.person_id, []).append((category, datum))
    refs = dict(Person.objects.filter(pk__in=list(due)).values_list("id", "ref"))
    counts: Counter[tuple[date, str, str, str, str]] = Counter()
    for pid, data in due.items():
        facts = person_facts(pid)
        for category, datum in data:
            decision = decide(datum, facts)
            when = max(datum.delete_after, day)   # overdue data go with the next sweep
            counts[(when, str(refs.get(pid, "")), category, decision.rule_id,
                    decision.law.get(lang))] += 1
    # Records outside the register with periods of their own, such as the incident register
    # (Sec5, Art. 33(5)): each app registers its plan source; no person ref, the category
    # says what.
    for source in registry.plan_sources().values():
        for (when, category, rule_id, law), n in source(until, day, lang).items():
            counts[(when, "", category, rule_id, law)] += n
    return sorted(PlanRow(*key, n) for key, n in counts.items())


@dataclass(frozen=True)
class RuleGroup:
    """The plan rows of one day under one rule; `count` is their data."""

    rule_id: str
    rows: tuple[PlanRow, ...]
    count: int


@dataclass(frozen=True)
class DayGroup:
    """The plan rows of one day, by rule (the rule ids in order)."""

    date: date
    rules: tuple[RuleGroup, ...]
    count: int


def by_day_and_rule(rows: Iterable[PlanRow]) -> list[DayGroup]:
    """`rows` grouped by day (in order) and within a day by rule, for the staff page (#15);
    within a rule the rows keep their order (person, category)."""
    days: dict[date, dict[str, list[PlanRow]]] = {}
    for row in sorted(rows):
        days.setdefault(row.date, {}).setdefault(row.rule_id, []).append(row)
    out = []
    for day, rules in days.items():
        groups = tuple(RuleGroup(rule_id, tuple(found), sum(r.count for r in found))
                       for rule_id, found in sorted(rules.items()))
        out.append(DayGroup(day, groups, sum(g.count for g in groups)))
    return out


def as_csv(rows: list[PlanRow]) -> str:
    """The plan as CSV with a header line."""
    out = io.StringIO()
    writer = csvsafe.writer(out, lineterminator="\n")  # no cell read as a formula (5.6)
    writer.writerow(HEADER)
    for r in rows:
        writer.writerow((r.date.isoformat(), r.person_ref, r.category, r.rule_id, r.law,
                         r.count))
    return out.getvalue()


def as_table(rows: list[PlanRow]) -> str:
    """The plan as an aligned text table, with a total line."""
    lines = [(r.date.isoformat(), r.person_ref, r.category, r.rule_id, str(r.count))
             for r in rows]
    head = ("date", "person_ref", "category", "rule", "count")
    widths = [max([len(h)] + [len(line[i]) for line in lines]) for i, h in enumerate(head)]
    fmt = "  ".join(f"{{:<{w}}}" for w in widths)
    out = [fmt.format(*head), fmt.format(*("-" * w for w in widths))]
    out += [fmt.format(*line) for line in lines]
    out.append(f"{sum(r.count for r in rows)} data of "
               f"{len({r.person_ref for r in rows if r.person_ref})} "
               f"people due by the end of the window")
    return "\n".join(out)
