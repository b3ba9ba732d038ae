"""P1–P3: callbacks when asked, written contact only after failed calls, agreements.

P3 also covers purpose limitation (Art. 5(1)(b), 6(1)): every stored purpose/basis pair
is asked of the policy once per distinct pair (a GROUP BY), not once per row.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from django.db.models import Count, Exists, OuterRef

from privacydesk.check.common import per_person, plural
from privacydesk.check.registry import CheckResult, check, verdict
from privacydesk.check.runner import need_app
from privacydesk.policy.active import get_policy
from privacydesk.policy.errors import RuleViolation
from privacydesk.register.models import DATUM_MODELS, AgreementParty


@check("P1", "A phone callback when the person asks for it")
def callbacks_followed() -> CheckResult:
    need_app("callbacks", "the call queue (privacydesk.callbacks)")
    from privacydesk.callbacks.models import (
        CallAttempt,
        CallbackRequest,
        CallbackStatus,
        Outcome,
        WrittenContact,
    )

    reached = CallAttempt.objects.filter(callback=OuterRef("pk"), outcome=Outcome.REACHED)
    written = WrittenContact.objects.filter(callback=OuterRef("pk"))
    failures = []
    n = (CallbackRequest.objects.filter(status=CallbackStatus.REACHED)
         .exclude(Exists(reached)).count())
    if n:
        failures.append(f"{plural(n, 'callback request')} closed as reached without a call "
                        "that reached the person")
    n = (CallbackRequest.objects.filter(status=CallbackStatus.WRITTEN)
         .exclude(Exists(written)).count())
    if n:
        failures.append(f"{plural(n, 'callback request')} closed as written without a "
                        "written contact on record")
    open_ = CallbackRequest.objects.filter(status=CallbackStatus.OPEN)
    info = [f"{plural(open_.count(), 'open callback request')}, "
            f"{open_.filter(attempts__isnull=True).distinct().count()} not yet called"]
    # Only a closed request shows whether the person was called back; open ones are info.
    closed = CallbackRequest.objects.exclude(status=CallbackStatus.OPEN).count()
    return verdict("P1", failures, f"{plural(closed, 'closed callback request')}, each with "
                   "its call or letter on record",
                   "callback requests closed without the call on record", info,
                   examined=closed, idle_summary="nothing to check yet: no callback request "
                   "closed")


@check("P2", "Written contact only when phone contact failed")
def written_after_calls() -> CheckResult:
    need_app("callbacks", "the call queue (privacydesk.callbacks)")
    from privacydesk.callbacks.models import CallAttempt, WrittenContact

    policy = get_policy()
    rules = policy.callbacks
    # The call log of every callback that was answered in writing, read once.
    logs: dict[int, list[tuple[datetime, str]]] = defaultdict(list)
    answered = WrittenContact.objects.values("callback_id")
    for cb, at, outcome in (CallAttempt.objects.filter(callback_id__in=answered)
                            .order_by().values_list("callback_id", "attempted_at", "outcome")):
        logs[cb].append((at, outcome))
    failures, total = [], 0
    for pk, cb, made_at in WrittenContact.objects.order_by("pk").values_list(
            "pk", "callback_id", "made_at"):
        total += 1
        # Only calls made before the written contact justify it, judged by the policy's
        # rule (P2): failed outcomes, spaced in time, on enough different days.
        ready = policy.written_contact_readiness(
            [(at, outcome) for at, outcome in logs[cb] if at <= made_at])
        if not ready.allowed:
            failures.append(f"written contact #{pk} (callback #{cb}) after {ready.counted} "
                            f"failed call(s) that count, on {ready.days} day(s)")
    rule = (f"{rules.attempts_before_written} failed calls at least {rules.min_gap_minutes} "
            f"minutes apart on {rules.min_distinct_days}+ days")
    if failures:
        failures.insert(0, f"the policy needs {rule}")
    return verdict("P2", failures,
                   f"{plural(total, 'written contact')}, each after {rule}",
                   "written contact made before phone contact had failed",
                   examined=total, idle_summary="nothing to check yet: no written contacts")


@check("P3", "Data used for executing agreements have an agreement the person is party to")
def agreements_linked() -> CheckResult:
    policy = get_policy()
    needs_agreement = [k for k, p in policy.purposes.items() if p.requires_agreement]
    failures: list[str] = []
    total = 0
    for category, model in DATUM_MODELS.items():
        qs = model._default_manager.all()
        total += qs.count()
        pairs = qs.order_by().values_list("purpose", "legal_basis").annotate(n=Count("pk"))
        for purpose, basis, n in pairs:
            try:  # Art. 5(1)(b), 6(1): the pair itself must be allowed
                policy.check_purpose(purpose, basis, has_agreement=True)
            except RuleViolation as exc:
                failures.append(f"{category}: {plural(n, 'row')} with purpose {purpose!r} on "
                                f"basis {basis!r} ({exc.rule})")
        serving = qs.filter(purpose__in=needs_agreement)
        missing = serving.filter(agreement__isnull=True)
        n = missing.count()
        if n:
            failures.append(f"{category}: {plural(n, 'row')} for an agreement purpose without "
                            "an agreement (P3)")
            failures += per_person(missing, f"{category} row(s) without agreement")
        party = AgreementParty.objects.filter(agreement=OuterRef("agreement_id"),
                                              person=OuterRef("person_id"))
        stranger = serving.filter(agreement__isnull=False).exclude(Exists(party))
        n = stranger.count()
        if n:
            failures.append(f"{category}: {plural(n, 'row')} linked to an agreement the "
                            "person is not party to (P3)")
            failures += per_person(stranger, f"{category} row(s) of a foreign agreement")
    return verdict("P3", failures, f"{plural(total, 'datum')}: purposes and bases allowed, "
                   "agreement data linked to the person's own agreement",
                   "data used outside their purpose or agreement", examined=total,
                   idle_summary="nothing to check yet: the register holds no data")
