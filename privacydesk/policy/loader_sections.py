"""Loader sections with numbers and cross-references: retention, requests, callbacks, guard.

Each function reads one table, validates it whole and returns its frozen dataclass, or raises
`PolicyError` naming the dotted key and the rule broken.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from privacydesk.policy._reader import Table
from privacydesk.policy.callbacks import CALL_OUTCOMES, REACHED
from privacydesk.policy.model import (
    ANCHORS,
    CallbackPolicy,
    Category,
    GuardPolicy,
    LegalBasis,
    Period,
    Purpose,
    RequestPolicy,
    RetentionPolicy,
    RetentionRule,
)
from privacydesk.policy.retention import CONTACT_PERIOD, ROLE_ENDED
from privacydesk.policy.schema import PATTERNS, PERIOD_PARTS, bounds, limits

_RULE_ID = re.compile(PATTERNS["rule_id"] + r"\Z")
# Upper bounds keep every computed date inside the calendar and out of absurd territory.
_PERIOD_MAX = PERIOD_PARTS


def period(t: Table) -> Period:
    """A period table: one or more of years / months / days, each an integer >= 0."""
    present = [k for k in _PERIOD_MAX if t.has(k)]
    if not present:
        t.fail(None, "must give years, months and/or days")
    parts = {k: t.integer(k, 0, _PERIOD_MAX[k]) for k in present}
    t.close()
    return Period(**parts)


def retention_section(t: Table, categories: Mapping[str, Category],
                      purposes: Mapping[str, Purpose],
                      bases: Mapping[str, LegalBasis]) -> RetentionPolicy:
    """[retention]: the contact period (R2) and the rules (R1, R3)."""
    contact = period(t.table("contact_period"))
    contact_law = t.label("contact_law")
    rules: list[RetentionRule] = []
    for i, item in enumerate(t.array("rule")):
        rt = Table(t.file, f"{t.path}.rule[{i}]", item)
        rule = _rule(rt, categories, purposes, bases)
        if rule.id == CONTACT_PERIOD:
            rt.fail("id", f"{CONTACT_PERIOD!r} is reserved for the contact period")
        if rule.id == ROLE_ENDED:
            rt.fail("id", f"{ROLE_ENDED!r} is reserved for data whose allowing role ended")
        if any(r.id == rule.id for r in rules):
            rt.fail("id", f"must be unique; {rule.id!r} is used by an earlier rule")
        rules.append(rule)
    t.close()
    return RetentionPolicy(contact_period=contact, contact_law=contact_law, rules=tuple(rules))


def _rule(t: Table, categories: Mapping[str, Category], purposes: Mapping[str, Purpose],
          bases: Mapping[str, LegalBasis]) -> RetentionRule:
    rule_id = t.text("id", 64)
    if not _RULE_ID.match(rule_id):
        t.fail("id", "must be a short slug of a-z, 0-9, - and _")
    labels = t.label("label")
    cats = t.refs("categories", categories, "category", allow_empty=True)
    purps = t.refs("purposes", purposes, "purpose")
    rule_bases = t.refs("bases", bases, "legal basis")
    for i, basis in enumerate(t.data["bases"]):
        if not any(basis in purposes[p].bases for p in purps):
            t.fail(f"bases[{i}]", f"{basis!r} is not allowed for any of this rule's purposes "
                   "(see purposes.*.bases), so the rule could never apply", raw=True)
    rule = RetentionRule(id=rule_id, labels=labels, categories=cats, purposes=purps,
                         bases=rule_bases, anchor=t.choice("anchor", ANCHORS),
                         period=period(t.table("period")),
                         from_year_end=t.boolean("from_year_end"), law=t.label("law"),
                         promise=t.promise("promise"))
    t.close()
    return rule


def requests_section(t: Table) -> RequestPolicy:
    """[requests]: the statement's deadline (Rt6) within the legal limit (Art. 12(3))."""
    legal = t.integer("legal_limit_months", *limits("requests", "legal_limit_months"))
    deadline = t.integer("deadline_days", *limits("requests", "deadline_days"))
    if deadline > 28 * legal:
        t.fail("deadline_days", f"must not exceed the legal limit of {legal} month(s) "
               f"(GDPR Art. 12(3)); {deadline} days may")
    reminder = t.integer("reminder_day", 1, deadline)
    t.close()
    return RequestPolicy(deadline_days=deadline, legal_limit_months=legal,
                         reminder_day=reminder)


def callbacks_section(t: Table) -> CallbackPolicy:
    """[callbacks]: when phone contact has failed and written contact may follow (P2)."""
    bound = bounds("callbacks")
    attempts = t.integer("attempts_before_written", *bound["attempts_before_written"])
    # A call that reached the person is never a failed call (P2), so it is not offered.
    failed = t.refs("failed_outcomes", [o for o in CALL_OUTCOMES if o != REACHED],
                    "call outcome other than 'reached'")
    gap = t.integer("min_gap_minutes", *bound["min_gap_minutes"])
    days = t.integer("min_distinct_days", *bound["min_distinct_days"])
    if days > attempts:
        t.fail("min_distinct_days", f"must not exceed attempts_before_written ({attempts}); "
               f"{attempts} call(s) cannot fall on {days} different days")
    t.close()
    return CallbackPolicy(attempts_before_written=attempts, failed_outcomes=failed,
                          min_gap_minutes=gap, min_distinct_days=days)


def guard_section(t: Table) -> GuardPolicy:
    """[guard]: the break-in detector's thresholds (W2)."""
    # Bounds from the key catalogue; every key is required, read in catalogue order.
    guard = GuardPolicy(**{name: t.integer(name, low, high)
                           for name, (low, high) in bounds("guard").items()})
    if guard.ban_seconds > guard.max_ban_seconds:
        t.fail("ban_seconds", f"must not exceed max_ban_seconds ({guard.max_ban_seconds})")
    t.close()
    return guard
