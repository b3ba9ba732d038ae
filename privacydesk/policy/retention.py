"""Retention: when must a datum be deleted (R1..R3, GDPR Art. 5(1)(e))?

`decide()` is a pure function of the policy's retention section and the facts about one
datum. Contract:

* Every rule whose categories, purposes and bases all match the datum is a candidate. A rule
  with an empty category list matches only records outside the register (category None),
  such as break-in registrations (W2).
* A candidate is counted from its anchor. If the anchor's event is still running (the
  agreement or employment has not ended) the date cannot be known yet: the decision is
  None. If the anchor's event never happened (no agreement, no employment), the rule does not
  apply to this datum.
* Of the applicable candidates the LATEST date wins: where laws differ, the longest
  obligation must be met. Any candidate still running makes the whole decision None.
* No applicable rule: the data were gathered for contact and no agreement came about (R2),
  so the contact period counts from the later of collection and last contact.
* C3/C4/C5 after a role ends: data of a role-limited category (one whose `allowed_roles` is
  not every role) may be held only while a role that allows it holds. When the last such role
  has ended (its `ended_on`, even one still ahead), the data are due on that role's end day
  (rule id ROLE_ENDED) — unless the datum rests on a legal obligation (basis
  LEGAL_OBLIGATION) and a retention rule (not the contact period) dates it: the law keeps it
  until that rule's own date (Art. 17(3)(b) GDPR). An earlier ordinary date stays. Applied
  only when the facts list the person's roles (`roles` not None).
* A legal hold pushes the date to the day after the hold ends; an open-ended hold makes it
  None while it lasts.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta

from privacydesk.policy.dates import add_period, year_end
from privacydesk.policy.model import Label, RetentionPolicy, RetentionRule

#: The rule id a decision carries when the contact period (R2) decided.
CONTACT_PERIOD = "contact_period"

#: The rule id a decision carries when the end of the last role that allows the category
#: decided (C3/C4/C5): the data may not outlive the role that allowed them.
ROLE_ENDED = "role_ended"
ROLE_ENDED_LAW = Label(nl="art. 5 lid 1 sub c en e AVG, alleen zolang een rol die deze "
                          "gegevens toestaat loopt",
                       en="Art. 5(1)(c) and (e) GDPR, only while a role that allows these "
                          "data lasts")

#: The legal basis id of Art. 6(1)(c) GDPR: data the law obliges the controller to keep.
LEGAL_OBLIGATION = "legal_obligation"


@dataclass(frozen=True)
class RoleSpan:
    """One role a person holds or held: `ended_on` None while it runs (inclusive end)."""

    kind: str
    started_on: date
    ended_on: date | None = None


@dataclass(frozen=True)
class RoleLimit:
    """A role-limited category: the roles that allow it and the promise that says so."""

    allowed_roles: frozenset[str]
    promise: str


@dataclass(frozen=True)
class RetentionFacts:
    """What is known about one datum and the relations it was collected for.

    `*_end` is the date the agreement / employment / role ended; `*_running` says it has not
    ended yet (running wins over an end date given at the same time).
    """

    collected_on: date
    last_contact_on: date | None = None
    agreement_end: date | None = None
    agreement_running: bool = False
    employment_end: date | None = None
    employment_running: bool = False
    role_end: date | None = None
    legal_hold_until: date | None = None
    role_running: bool = False
    legal_hold_open: bool = False   # a hold without an end date (e.g. a pending lawsuit)
    # Every role of the person; None: not known to the caller (no role limit is applied).
    roles: tuple[RoleSpan, ...] | None = None


@dataclass(frozen=True)
class RetentionDecision:
    """The deletion date (None: not known yet) and what decided it."""

    date: date | None
    rule_id: str          # a retention rule id, or CONTACT_PERIOD
    law: Label
    promise: str
    held: bool = False    # a legal hold moved or suspended the date


_UNKNOWN = object()   # the anchor's event is still running


def _anchor(rule: RetentionRule, facts: RetentionFacts) -> date | None | object:
    """The anchor date; _UNKNOWN while its event runs; None when it never happened."""
    if rule.anchor == "collected":
        return facts.collected_on
    end, running = {
        "agreement_end": (facts.agreement_end, facts.agreement_running),
        "employment_end": (facts.employment_end, facts.employment_running),
        "role_end": (facts.role_end, facts.role_running),
    }[rule.anchor]
    if running:
        return _UNKNOWN
    return end


def _rule_date(rule: RetentionRule, anchor: date) -> date:
    start = year_end(anchor) if rule.from_year_end else anchor
    return add_period(start, rule.period)


def matching_rules(retention: RetentionPolicy, category: str | None, purpose: str,
                   basis: str) -> list[RetentionRule]:
    """The rules that name this category (or none, for category None), purpose and basis."""
    return [rule for rule in retention.rules
            if (category in rule.categories if category is not None else not rule.categories)
            and purpose in rule.purposes and basis in rule.bases]


def decide(retention: RetentionPolicy, category: str | None, purpose: str, basis: str,
           facts: RetentionFacts, limit: RoleLimit | None = None) -> RetentionDecision:
    """The retention decision for one datum; see the module docstring for the contract.

    `limit`: the category's allowed roles when it is role-limited (C3..C5), else None."""
    best: RetentionDecision | None = None
    for rule in matching_rules(retention, category, purpose, basis):
        anchor = _anchor(rule, facts)
        if anchor is None:
            continue                              # the event never happened: not applicable
        if anchor is _UNKNOWN:
            best = RetentionDecision(None, rule.id, rule.law, rule.promise)
            break                                 # unknowable: nothing can be later
        assert isinstance(anchor, date)
        candidate = RetentionDecision(_rule_date(rule, anchor), rule.id, rule.law, rule.promise)
        if best is None or (best.date is not None and candidate.date is not None
                            and candidate.date > best.date):
            best = candidate
    if best is None:                              # R2: no agreement came about
        start = max(facts.collected_on, facts.last_contact_on or facts.collected_on)
        best = RetentionDecision(add_period(start, retention.contact_period), CONTACT_PERIOD,
                                 retention.contact_law, "R2")
    return _apply_hold(_apply_role_limit(best, basis, facts, limit), facts)


def allowed_until(allowed_roles: frozenset[str], roles: tuple[RoleSpan, ...],
                  collected_on: date) -> date | None:
    """The last day a role in `allowed_roles` holds; None while one runs (no end date).

    A person who never held such a role (data that slipped past the write path) gets the
    collection day: the data were never allowed (C3..C5).
    """
    ends = [r.ended_on for r in roles if r.kind in allowed_roles]
    if not ends:
        return collected_on
    if any(end is None for end in ends):
        return None
    return max(end for end in ends if end is not None)


def _apply_role_limit(decision: RetentionDecision, basis: str, facts: RetentionFacts,
                      limit: RoleLimit | None) -> RetentionDecision:
    if limit is None or facts.roles is None:
        return decision
    end = allowed_until(limit.allowed_roles, facts.roles, facts.collected_on)
    if end is None:
        return decision                           # an allowing role still runs
    if basis == LEGAL_OBLIGATION and decision.rule_id != CONTACT_PERIOD:
        return decision                           # Art. 17(3)(b): the law keeps it to its date
    if decision.date is not None and decision.date <= end:
        return decision                           # already due by then
    return RetentionDecision(end, ROLE_ENDED, ROLE_ENDED_LAW, limit.promise)


def _apply_hold(decision: RetentionDecision, facts: RetentionFacts) -> RetentionDecision:
    if decision.date is None:
        return decision
    if facts.legal_hold_open:
        return replace(decision, date=None, held=True)
    hold = facts.legal_hold_until
    if hold is not None and decision.date <= hold:
        after = date.max if hold == date.max else hold + timedelta(days=1)
        return replace(decision, date=after, held=True)
    return decision
