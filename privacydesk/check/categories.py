"""S1, C1–C5: who the register holds data of, which categories, from which sources.

The allowed roles of every category, its admin-account requirement and whether it is
encrypted are read from the policy; the check finds the rows that slipped past the write
path (a raw insert, an import, a role that ended without the data following it). Data of a
role-limited category (C3..C5) whose last allowing role ended are judged by the policy's
retention decision, as the retention plan and the sweep judge them.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from django.apps import apps
from django.db.models import Exists, OuterRef, Q, QuerySet

from privacydesk.check.common import per_person, plural
from privacydesk.check.registry import CheckResult, check, verdict
from privacydesk.policy import CONTACT_PERIOD, ROLE_ENDED, RetentionDecision, clock
from privacydesk.policy.active import get_policy
from privacydesk.register.models import DATUM_MODELS, Datum, Role
from privacydesk.vault.models import SealedMixin

# R3: records the law obliges us to keep may outlive the role they were collected for.
LEGAL_OBLIGATION = "legal_obligation"


@check("S1", "The register covers individuals, customers and company representatives")
def roles_known() -> CheckResult:
    policy = get_policy()
    failures = []
    for row in (Role.objects.exclude(kind__in=list(policy.roles)).order_by()
                .values("kind").distinct()):
        n = Role.objects.filter(kind=row["kind"]).count()
        failures.append(f"{plural(n, 'role')} of kind {row['kind']!r}, not a policy role")
    orphans = Role.objects.filter(kind="contact", organisation__isnull=True).count()
    if orphans:  # S1: a representative always represents an organisation
        failures.append(f"{plural(orphans, 'contact role')} without an organisation")
    total = Role.objects.count()
    return verdict("S1", failures, f"all {plural(total, 'role')} are roles the policy declares",
                   "roles outside the policy found", examined=total,
                   idle_summary="nothing to check yet: the register holds no roles")


@check("C1", "Every datum records a source the statement names")
def sources_known() -> CheckResult:
    sources = list(get_policy().sources)
    failures, total = [], 0
    for category, model in DATUM_MODELS.items():
        qs = model._default_manager.all()
        total += qs.count()
        bad = qs.exclude(source__in=sources)
        n = bad.count()
        if n:
            kinds = sorted(set(bad.values_list("source", flat=True).distinct()))
            failures.append(f"{category}: {plural(n, 'row')} with undeclared source "
                            f"{', '.join(repr(k) for k in kinds[:5])}")
            failures += per_person(bad, f"{category} row(s) without a declared source")
    return verdict("C1", failures, f"all {plural(total, 'datum')} have a declared source",
                   "data without a declared source found", examined=total,
                   idle_summary="nothing to check yet: the register holds no data")


def _unlisted_models() -> list[str]:
    """Concrete Datum models that DATUM_MODELS does not list (storage outside C2)."""
    listed = set(DATUM_MODELS.values())
    return [m._meta.label for m in apps.get_models()
            if issubclass(m, Datum) and m not in listed]


def _holding_failures(promise: str) -> tuple[list[str], int]:
    """Rows of the categories whose promise is `promise` held for a person without an
    allowed active role (or, C4, without an administrator account), and unsealed rows of
    encrypted categories. Returns (failure lines, rows looked at)."""
    policy = get_policy()
    day = clock.today()
    failures: list[str] = []
    total = 0
    for key, category in policy.categories.items():
        model = DATUM_MODELS.get(key)
        if category.promise != promise or model is None:
            continue
        allowed = list(category.allowed_roles)
        active = Role.objects.active_on(day).filter(person=OuterRef("person_id"),
                                                    kind__in=allowed)
        ended = Role.objects.filter(person=OuterRef("person_id"), kind__in=allowed,
                                    ended_on__lt=day)
        qs = model._default_manager.all()
        total += qs.count()
        without = qs.annotate(_active=Exists(active)).filter(_active=False)
        if policy.role_limit(key) is not None:
            # C3..C5: the policy's retention decision says which rows outlive the role.
            wrong_role = without.filter(pk__in=_not_kept(key, without, day))
        else:
            # Someone whose roles have all ended is no outsider: the retention rules keep
            # their data to a date (R1..R3: the agreement's years, the contact period, a
            # legal record's own period). Only rows past that date fail here, judged as the
            # plan and the sweep judge them; rows of someone who never held a role (S1:
            # an outsider) always fail.
            former = without.annotate(_ended=Exists(ended))
            wrong_role = former.filter(_ended=False)
            overdue = qs.filter(pk__in=_past_due(key, former.filter(_ended=True), day))
            n = overdue.count()
            if n:
                failures.append(f"{key}: {plural(n, 'row')} held past the retention date for "
                                f"a person whose roles of {', '.join(sorted(allowed))} "
                                f"ended ({promise}, R1)")
                failures += per_person(overdue, f"{key} row(s) past their date")
        n = wrong_role.count()
        if n:
            failures.append(f"{key}: {plural(n, 'row')} held for a person without an active "
                            f"role of {', '.join(sorted(allowed))} ({promise})")
            failures += per_person(wrong_role, f"{key} row(s)")
        if category.requires_admin_account:  # C4: administrator accounts only
            not_admin = qs.filter(**{"is_admin_account": False})
            n = not_admin.count()
            if n:
                failures.append(f"{key}: {plural(n, 'row')} not an administrator account")
                failures += per_person(not_admin, f"non-admin {key} row(s)")
        if category.encrypted:  # Sec1/C5: encrypted at rest
            if not issubclass(model, SealedMixin):
                failures.append(f"{key}: the policy says encrypted but {model._meta.label} "
                                "is not a sealed model")
            else:
                unsealed = qs.filter(Q(key_id="") | Q(ciphertext=b""))
                n = unsealed.count()
                if n:
                    failures.append(f"{key}: {plural(n, 'row')} stored without encryption")
    return failures, total


def _decided(key: str, rows: QuerySet) -> Iterator[tuple[int, str, RetentionDecision]]:
    """(id, basis, decision) of each of `rows` (of category `key`): the policy's retention
    decision (`Policy.retention_decision`, legal holds included), as the plan and the sweep
    decide it."""
    from privacydesk.retention.facts import facts_for_people, row_facts

    policy = get_policy()
    found = list(rows.order_by().values_list("id", "person_id", "agreement_id", "created_at",
                                             "purpose", "legal_basis"))
    facts = facts_for_people({pid for _, pid, *_ in found})
    for pk, pid, agreement_id, created_at, purpose, basis in found:
        yield pk, basis, policy.retention_decision(
            key, purpose, basis, row_facts(agreement_id, created_at, facts[pid]))


def _past_due(key: str, rows_of_former: QuerySet, day: date) -> list[int]:
    """The ids among `rows_of_former` (rows of a general category of people whose roles
    have all ended) whose retention date lies before `day`: the daily sweep should have
    deleted them."""
    return [pk for pk, _, decision in _decided(key, rows_of_former)
            if decision.date is not None and decision.date < day]


def _not_kept(key: str, without: QuerySet, day: date) -> list[int]:
    """The ids among `without` (rows of a role-limited category whose person has no
    allowing role today) that nothing keeps (`_decided`, rule ROLE_ENDED). Kept are rows a
    legal rule keeps (basis legal obligation, Art. 17(3)(b)) or a legal hold holds
    (Art. 17(3)(e)) — and only until their date; every other row is past its due date:
    due on the last allowing role's end day, which lies before today."""
    bad = []
    for pk, basis, decision in _decided(key, without):
        by_law = (basis == LEGAL_OBLIGATION
                  and decision.rule_id not in (CONTACT_PERIOD, ROLE_ENDED))
        in_time = decision.date is None or decision.date >= day
        if not ((by_law or decision.held) and in_time):
            bad.append(pk)
    return bad


@check("C2", "Only the categories the statement lists")
def categories_declared() -> CheckResult:
    policy = get_policy()
    failures = []
    for key in sorted(set(DATUM_MODELS) - set(policy.categories)):
        n = DATUM_MODELS[key]._default_manager.count()
        failures.append(f"category {key!r} is stored ({plural(n, 'row')}) but the policy "
                        "does not declare it")
    for key in sorted(set(policy.categories) - set(DATUM_MODELS)):
        failures.append(f"policy category {key!r} has no model in the register")
    failures += [f"model {label} stores personal data outside DATUM_MODELS"
                 for label in _unlisted_models()]
    held, total = _holding_failures("C2")
    # #16.3: what the other systems hold is known only while their scans are recent.
    from privacydesk.check.system_rights import scan_lines

    unscanned, scan_info = scan_lines()
    failures += unscanned
    return verdict("C2", failures + held,
                   f"{len(DATUM_MODELS)} categories, all declared; {plural(total, 'row')} of "
                   "general categories held for people with a role",
                   "data outside the declared categories or roles found", scan_info,
                   examined=total,
                   idle_summary=f"nothing to check yet: no data held; the {len(DATUM_MODELS)} "
                   "categories the register can hold are all declared")


def _restricted_category(promise: str, what: str) -> CheckResult:
    failures, total = _holding_failures(promise)
    return verdict(promise, failures, f"{plural(total, 'row')} of {what}, all allowed",
                   f"{what} held where {promise} forbids it", examined=total,
                   idle_summary=f"nothing to check yet: no {what} held")


@check("C3", "Financial data only for customers, prospects and employees")
def financial_roles() -> CheckResult:
    return _restricted_category("C3", "financial data")


@check("C4", "Account data only for administrator accounts of customers, prospects, employees")
def account_roles() -> CheckResult:
    return _restricted_category("C4", "account data")


@check("C5", "Identity data only for (former) employees, encrypted")
def identity_roles() -> CheckResult:
    return _restricted_category("C5", "identity data")
