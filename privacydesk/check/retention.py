"""R1–R3: nothing kept longer than the policy's retention rules allow.

Deletion dates live in each datum's indexed `delete_after` (filled by privacydesk.retention).
These checks ask the policy once per distinct (category, purpose, basis) — never once per row —
which rules apply, and then count the rows that break them with indexed queries.
"""

from __future__ import annotations

from collections import Counter
from datetime import date

from django.db.models import Exists, F, OuterRef, Q, QuerySet

from privacydesk.check.common import job_stopped, per_person, plural
from privacydesk.check.registry import MAX_DETAILS, CheckResult, check, verdict
from privacydesk.check.runner import need_app
from privacydesk.policy import RetentionFacts, clock
from privacydesk.policy.active import get_policy
from privacydesk.policy.dates import add_period
from privacydesk.policy.retention import matching_rules
from privacydesk.register.models import DATUM_MODELS, AgreementParty, Datum, Role


def _groups(model: type[Datum]) -> list[tuple[str, str]]:
    return list(model._default_manager.order_by().values_list("purpose", "legal_basis")
                .distinct())


def _hold(open_ended: bool) -> Exists:
    from privacydesk.retention.models import LegalHold

    holds = LegalHold.objects.filter(person=OuterRef("person_id"), lifted_at__isnull=True)
    return Exists(holds.filter(until__isnull=True) if open_ended else holds)


def _running(anchor: str) -> Q:
    """Rows whose `anchor` event still runs (the reason a date may be unknown, R1)."""
    from privacydesk.retention.facts import EMPLOYEE

    if anchor == "agreement_end":
        own = Q(agreement__isnull=False, agreement__ends_on__isnull=True)
        party = Exists(AgreementParty.objects.filter(person=OuterRef("person_id"),
                                                     agreement__ends_on__isnull=True))
        return own | (Q(agreement__isnull=True) & Q(party))
    if anchor in ("employment_end", "role_end"):
        roles = Role.objects.filter(person=OuterRef("person_id"), ended_on__isnull=True)
        return Q(Exists(roles.filter(kind=EMPLOYEE) if anchor == "employment_end" else roles))
    return Q(pk__in=[])  # "collected" is never running


def _last_sweep() -> date | None:
    """The last policy day whose sweep succeeded (the jobs app's run per day)."""
    from privacydesk.jobs.models import PeriodicRun
    from privacydesk.jobs.periodic import SWEEP

    slot = (PeriodicRun.objects.filter(job=SWEEP.name, outcome=PeriodicRun.OK)
            .order_by("-slot").values_list("slot", flat=True).first())
    return date.fromisoformat(slot) if slot else None


@check("R1", "Kept no longer than strictly necessary")
def deletion_dates() -> CheckResult:
    need_app("retention", "the retention package (privacydesk.retention)")
    policy = get_policy()
    day = clock.today()
    failures: list[str] = []
    total = undated = 0
    for category, model in DATUM_MODELS.items():
        qs = model._default_manager.all()
        total += qs.count()
        # The sweep deletes what is due ON a day; a date before today means it did not run.
        overdue = qs.filter(delete_after__lt=day)
        n = overdue.count()
        if n:
            failures.append(f"{category}: {plural(n, 'row')} past its deletion date")
            failures += per_person(overdue, f"overdue {category} row(s)")
        for purpose, basis in _groups(model):
            rules = matching_rules(policy.retention, category, purpose, basis)
            reason = Q(_hold(open_ended=True))
            for anchor in {r.anchor for r in rules}:
                reason |= _running(anchor)
            nulls = qs.filter(delete_after__isnull=True, purpose=purpose, legal_basis=basis)
            undated += nulls.count()
            unexplained = nulls.exclude(reason)
            n = unexplained.count()
            if n:
                failures.append(f"{category} ({purpose}/{basis}): {plural(n, 'row')} without "
                                "a deletion date and nothing running that explains it")
                failures += per_person(unexplained, f"undated {category} row(s)")
    incidents = _incident_periods(day, failures)
    # R1 rests on the daily sweep: one that stopped fails before any row is overdue.
    failures += job_stopped("retention-sweep")
    last = _last_sweep()
    info = [f"{plural(undated, 'row')} undated while an agreement, employment, role or "
            "legal hold runs", f"last daily sweep: {last.isoformat() if last else 'never'}",
            f"{plural(incidents, 'incident')} in the register, kept by the policy's "
            "[incidents] periods"]
    return verdict("R1", failures, f"{plural(total, 'datum')}: every one dated or running, "
                   "none overdue; no incident past its periods", "data kept past their date "
                   "or without one", info, examined=total + incidents,
                   idle_summary="nothing to check yet: the register holds no data and no "
                   "incident")


def _incident_periods(day: date, failures: list[str]) -> int:
    """R1 for the incident register (policy [incidents], Art. 33(5)): no reporter's data
    and no record past its date; returns how many incidents there are."""
    from privacydesk.incidents.models import Incident
    from privacydesk.incidents.retention import overdue

    reporters, records = overdue(day)
    if reporters:
        failures.append(f"incidents: {plural(reporters, 'reporter')} still held past the "
                        "policy's reporter_period after closing")
    if records:
        failures.append(f"incidents: {plural(records, 'record')} kept past the policy's "
                        "documentation_period after closing")
    return Incident.objects.count()


def _contact_only(model: type[Datum], category: str) -> QuerySet:
    """Rows to which no retention rule applies: the contact period decides (R2)."""
    policy = get_policy()
    pairs = [(p, b) for p, b in _groups(model)
             if not matching_rules(policy.retention, category, p, b)]
    cond = Q(pk__in=[])
    for purpose, basis in pairs:
        cond |= Q(purpose=purpose, legal_basis=basis)
    return model._default_manager.filter(cond)


@check("R2", "No agreement: kept no longer than the contact period")
def contact_period() -> CheckResult:
    need_app("retention", "the retention package (privacydesk.retention)")
    policy = get_policy()
    # Collected or last contacted today at the latest, so no contact datum may be dated later
    # than today + the contact period, except while a legal hold pushes it.
    limit = add_period(clock.today(), policy.retention.contact_period)
    failures: list[str] = []
    total = 0
    for category, model in DATUM_MODELS.items():
        qs = _contact_only(model, category)
        total += qs.count()
        undated = qs.filter(delete_after__isnull=True).exclude(_hold(open_ended=True))
        late = qs.filter(delete_after__gt=limit).exclude(_hold(open_ended=False))
        for bad, what in ((undated, "without a deletion date"),
                          (late, f"dated after {limit.isoformat()}")):
            n = bad.count()
            if n:
                failures.append(f"{category}: {plural(n, 'contact-only row')} {what}")
                failures += per_person(bad, f"{category} row(s) {what}")
    return verdict("R2", failures, f"{plural(total, 'contact-only datum')}, each due within "
                   "the contact period", "contact data kept beyond the contact period",
                   examined=total, idle_summary="nothing to check yet: no data held on the "
                   "contact period alone")


@check("R3", "After an agreement ends only legally required records remain, until their date")
def after_agreement() -> CheckResult:
    need_app("retention", "the retention package (privacydesk.retention)")
    policy = get_policy()
    day = clock.today()
    needs_agreement = [k for k, p in policy.purposes.items() if p.requires_agreement]
    failures: list[str] = []
    total = 0
    for category, model in DATUM_MODELS.items():
        ended = (model._default_manager.filter(purpose__in=needs_agreement,
                                               agreement__ends_on__lt=day)
                 .exclude(_hold(open_ended=False)))
        total += ended.count()
        # Compliant rows are dated on or before the end (the rule's period counts from it);
        # only the others are read, and judged by the policy's date for their group.
        suspects = (ended.filter(Q(delete_after__isnull=True)
                                 | Q(delete_after__gt=F("agreement__ends_on")))
                    .values_list("person__ref", "purpose", "legal_basis", "agreement__ends_on",
                                 "delete_after"))
        bounds: dict[tuple[str, str, date], date | None] = {}
        bad: Counter[str] = Counter()
        for ref, purpose, basis, ends_on, delete_after in suspects.iterator():
            if ends_on is None:  # excluded by the filter; keeps the types honest
                continue
            key = (purpose, basis, ends_on)
            if key not in bounds:
                bounds[key] = policy.deletion_date(category, purpose, basis, RetentionFacts(
                    collected_on=ends_on, agreement_end=ends_on))
            bound = bounds[key]
            if bound is None:  # another rule's event still runs; R1 covers the reason
                continue
            if delete_after is None or delete_after > bound:
                bad[str(ref)] += 1
        if bad:
            failures.append(f"{category}: {plural(sum(bad.values()), 'row')} of ended "
                            "agreements kept past the date the policy gives")
            failures += [f"person {ref}: {n} {category} row(s) of an ended agreement"
                         for ref, n in bad.most_common(MAX_DETAILS)]
    return verdict("R3", failures, f"{plural(total, 'datum')} of ended agreements, each due "
                   "by the rule that applies", "data of ended agreements kept too long",
                   examined=total, idle_summary="nothing to check yet: no data of an ended "
                   "agreement")
