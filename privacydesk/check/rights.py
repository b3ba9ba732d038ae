"""Rt1–Rt6: data-subject requests are filed, answered within the deadline, on the record.

Requests refer to the person only by pseudonymous ref; the details below name requests by
their reference (VZ-…) and persons by ref, never by the requester's name or address.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db.models import F
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from privacydesk.check.common import plural
from privacydesk.check.identity import controller_gaps
from privacydesk.check.registry import WARN, CheckResult, check, result, verdict
from privacydesk.check.runner import need_app
from privacydesk.policy.active import get_policy

LEGAL_OBLIGATION = "legal_obligation"


def _requests():  # type: ignore[no-untyped-def]
    need_app("requests", "the data-subject requests package (privacydesk.requests)")
    from privacydesk.requests import models

    return models


def _answered_unrecorded(kind: str) -> list[str]:
    models = _requests()
    done = models.DataSubjectRequest.objects.filter(
        kind=kind, status__in=(models.Status.ANSWERED, models.Status.CLOSED))
    n = done.filter(answered_at__isnull=True).count()
    return [f"{plural(n, kind + ' request')} marked answered without the moment recorded"] \
        if n else []


def _exports(promise: str, kind: str, what: str) -> CheckResult:
    models = _requests()
    failures = _answered_unrecorded(kind)
    answered = models.DataSubjectRequest.objects.filter(kind=kind, answered_at__isnull=False)
    unexported = answered.exclude(deliveries__kind=kind).values_list("uid", flat=True)
    failures += [f"request VZ-{uid.hex[:8].upper()} answered without a {kind} export"
                 for uid in unexported[:25]]
    n = answered.count()
    return verdict(promise, failures, f"{plural(n, kind + ' request')} "
                   f"answered, each with {what}", f"{kind} requests answered without {what}",
                   examined=n, idle_summary=f"nothing to check yet: no {kind} request answered")


@check("Rt1", "Right of access: a report with the data and the Art. 15 facts")
def access_requests() -> CheckResult:
    return _exports("Rt1", "access", "an access report delivered")


@check("Rt2", "Right to correct")
def rectification_requests() -> CheckResult:
    models = _requests()
    total = models.DataSubjectRequest.objects.filter(kind="rectification").count()
    return verdict("Rt2", _answered_unrecorded("rectification"),
                   f"{plural(total, 'rectification request')}, every answer recorded",
                   "rectifications without a record", examined=total,
                   idle_summary="nothing to check yet: no rectification requests")


@check("Rt3", "Right to delete, with a receipt of what stays, why and until when")
def erasures() -> CheckResult:
    models = _requests()
    need_app("retention", "the retention package (privacydesk.retention)")
    from privacydesk.register.models import DATUM_MODELS, Person
    from privacydesk.retention.models import ErasureLedger

    failures = _answered_unrecorded("erasure")
    answered = models.DataSubjectRequest.objects.filter(kind="erasure",
                                                        answered_at__isnull=False)
    no_receipt = [uid for uid, detail in answered.values_list("uid", "detail")
                  if not (isinstance(detail, dict) and detail.get("receipt"))]
    failures += [f"erasure request VZ-{uid.hex[:8].upper()} answered without a receipt"
                 for uid in no_receipt[:25]]
    erased = dict(ErasureLedger.objects.values_list("person_ref", "erased_at"))
    unreceipted = ErasureLedger.objects.filter(summary={}).count()
    if unreceipted:
        failures.append(f"{plural(unreceipted, 'erasure ledger entry')} without a receipt")
    # Data an erasure removed must not be back (a restore that skipped the replay, a
    # re-import): only records the law obliges to keep may remain.
    for pk, ref in Person.objects.filter(ref__in=list(erased)).values_list("pk", "ref"):
        when = erased[str(ref)]
        back = sum(model._default_manager.filter(person_id=pk, created_at__lte=when)
                   .exclude(legal_basis=LEGAL_OBLIGATION).count()
                   for model in DATUM_MODELS.values())
        if back:
            failures.append(f"person {ref}: {plural(back, 'datum')} still held after erasure")
    return verdict("Rt3", failures, f"{plural(len(erased), 'erasure')} on the ledger, each "
                   "with a receipt and nothing but legal records left",
                   "erased data are still held or unreceipted",
                   examined=len(erased) + answered.count(),
                   idle_summary="nothing to check yet: no erasure on the ledger or answered")


@check("Rt4", "Right to receive the data (machine-readable export)")
def portability_requests() -> CheckResult:
    return _exports("Rt4", "portability", "a JSON/CSV export delivered")


@check("Rt5", "Requests by e-mail to the controller's address, and by the web form")
def request_channels() -> CheckResult:
    models = _requests()
    failures = [g for g in controller_gaps() if "email" in g]
    try:
        reverse("public:request", kwargs={"lang": "nl"})
    except NoReverseMatch:
        failures.append("the public request form is not routed")
    by_mail = models.DataSubjectRequest.objects.filter(channel=models.Channel.EMAIL).count()
    info = [f"{plural(by_mail, 'request')} filed from the mailbox"]
    if failures:
        return verdict("Rt5", failures, "", "requests cannot reach the controller", info)
    if not getattr(settings, "PRIVACYDESK_IMAP_URL", ""):
        return result("Rt5", WARN, "no request mailbox is configured (PRIVACYDESK_IMAP_URL): "
                      f"mail to {get_policy().controller.email} is not filed automatically",
                      info)
    return verdict("Rt5", [], f"the mailbox of {get_policy().controller.email} is read and "
                   "the web form is routed", "", info)


@check("Rt6", "Answered within the statement's deadline (one week)")
def request_deadlines() -> CheckResult:
    models = _requests()
    now = timezone.now()
    days = get_policy().requests.deadline_days
    qs = models.DataSubjectRequest.objects.all()
    failures = []
    overdue = qs.filter(status__in=models.OPEN_STATUSES, statement_deadline__lt=now)
    failures += [f"request VZ-{uid.hex[:8].upper()} open past its deadline"
                 for uid in overdue.values_list("uid", flat=True)[:25]]
    moved = qs.filter(statement_deadline__gt=F("received_at") + timedelta(days=days)).count()
    if moved:
        failures.append(f"{plural(moved, 'request')} with a deadline later than {days} days "
                        "after receipt")
    late = qs.filter(answered_at__gt=F("statement_deadline")).count()
    open_n = qs.filter(status__in=models.OPEN_STATUSES).count()
    info = [f"{plural(open_n, 'open request')}",
            f"{plural(late, 'request')} answered after the deadline in the past"]
    if not failures and late:
        return result("Rt6", WARN, f"no request overdue now; {plural(late, 'request')} were "
                      "answered late", info)
    return verdict("Rt6", failures, f"no open request past its {days}-day deadline",
                   "requests overdue", info, examined=qs.count(),
                   idle_summary="nothing to check yet: no requests")
