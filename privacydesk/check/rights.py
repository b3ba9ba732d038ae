"""Rt1–Rt6: data-subject requests are filed, answered within the deadline, on the record.

Requests refer to the person only by pseudonymous ref; the details below name requests by
their reference (VZ-…) and persons by ref, never by the requester's name or address.
"""

from __future__ import annotations

import math
from datetime import datetime, timedelta
from uuid import UUID

from django.conf import settings
from django.db.models import F, Q, QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from privacydesk.check.common import job_stopped, plural
from privacydesk.check.common import request_ref as _ref
from privacydesk.check.registry import WARN, CheckResult, check, result, verdict
from privacydesk.check.runner import need_app
from privacydesk.policy import clock
from privacydesk.policy.active import get_policy
from privacydesk.requests.kinds import REQUEST_KINDS

LEGAL_OBLIGATION = "legal_obligation"

#: How long after it was given a late answer fails Rt6 (see `request_deadlines`).
LATE_ANSWER_WINDOW = timedelta(days=30)
#: How long after it was given a late answer is still listed once the line passes again.
LATE_ANSWER_LISTED = timedelta(days=365)


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


def _late(uid: UUID, at: datetime, due: datetime) -> str:
    """Which request was answered late and when, on the controller's calendar."""
    days = math.ceil((at - due) / timedelta(days=1))
    return (f"request {_ref(uid)} answered on {clock.day_of(at).isoformat()}, "
            f"{days} day(s) after its deadline of {clock.day_of(due).isoformat()}")


def _answered(kind: str) -> tuple[QuerySet, QuerySet, list[str], list[str]]:
    """The answered requests of `kind`, those of them answered "we hold no data" (outcome
    NO_DATA_HELD, or before it existed the register search's record), the failures among
    them (and answers without their moment) and the info line on "no data held".

    "No data held" is a valid answer (Art. 15(1): confirming that nothing is processed),
    so an access request for an unknown address — which anyone can file — never turns
    Rt1 red. It stands only on its record: the register searched and nothing found, and
    no person tied to the request (a verified person always has data to export)."""
    models = _requests()
    answered = models.DataSubjectRequest.objects.filter(kind=kind, answered_at__isnull=False)
    searched_empty = Q(detail__register_search__found=False)
    no_data = answered.filter(Q(detail__outcome=models.NO_DATA_HELD) | searched_empty)
    bad = no_data.filter(~searched_empty | ~Q(person_ref="")).values_list("uid", flat=True)
    failures = _answered_unrecorded(kind) + [
        f"request {_ref(uid)} answered 'no data held' without a register search that found "
        "nothing" for uid in bad[:25]]
    empty = no_data.count()
    info = [f"{plural(empty, kind + ' request')} answered 'no data held' (the register "
            "searched for the address held nothing)"] if empty else []
    return answered, no_data, failures, info


def _exports(promise: str, kind: str, what: str) -> CheckResult:
    answered, no_data, failures, info = _answered(kind)
    unexported = (answered.exclude(pk__in=no_data.values("pk"))
                  .exclude(deliveries__kind=kind).values_list("uid", flat=True))
    failures += [f"request {_ref(uid)} answered without a {kind} export"
                 for uid in unexported[:25]]
    n = answered.count()
    return verdict(promise, failures, f"{plural(n, kind + ' request')} "
                   f"answered, each with {what} or 'no data held'",
                   f"{kind} requests answered without {what}", info,
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
    answered, no_data, failures, info = _answered("erasure")
    need_app("retention", "the retention package (privacydesk.retention)")
    from privacydesk.register.models import DATUM_MODELS, Person
    from privacydesk.retention.models import ErasureLedger

    no_receipt = [uid for uid, detail in answered.exclude(pk__in=no_data.values("pk"))
                  .values_list("uid", "detail")
                  if not (isinstance(detail, dict) and detail.get("receipt"))]
    failures += [f"erasure request {_ref(uid)} answered without a receipt"
                 for uid in no_receipt[:25]]
    erased = dict(ErasureLedger.objects.values_list("person_ref", "erased_at"))
    unreceipted = ErasureLedger.objects.filter(summary={}).count()
    if unreceipted:
        failures.append(f"{plural(unreceipted, 'erasure ledger entry')} without a receipt")
    # The signed receipt (retention.ledger): a line altered after signing fails here.
    from privacydesk.retention.ledger import unverified

    altered, unsigned = unverified()
    if altered:
        failures.append(f"{plural(altered, 'erasure ledger entry')} no longer matching "
                        "its signature")
    failures += _receipts_unlike_ledger(answered)
    # Data an erasure removed must not be back (a restore that skipped the replay, a
    # re-import): only records the law obliges to keep may remain.
    for pk, ref in Person.objects.filter(ref__in=list(erased)).values_list("pk", "ref"):
        when = erased[str(ref)]
        back = sum(model._default_manager.filter(person_id=pk, created_at__lte=when)
                   .exclude(legal_basis=LEGAL_OBLIGATION).count()
                   for model in DATUM_MODELS.values())
        if back:
            failures.append(f"person {ref}: {plural(back, 'datum')} still held after erasure")
    if unsigned:
        info.append(f"{plural(unsigned, 'erasure ledger entry')} "
                    "made before receipts were signed")
    # #16.3: each receipt covers every system holding the person's categories, 0 left.
    from privacydesk.check.system_rights import erasure_lines

    in_systems, systems_info = erasure_lines()
    failures += in_systems
    info += systems_info
    return verdict("Rt3", failures, f"{plural(len(erased), 'erasure')} on the ledger, each "
                   "with a receipt and nothing but legal records left",
                   "erased data are still held or unreceipted", info,
                   examined=len(erased) + answered.count(),
                   idle_summary="nothing to check yet: no erasure on the ledger or answered")


def _receipts_unlike_ledger(answered: QuerySet) -> list[str]:
    """Rt3: an answered erasure's receipt (what the person got) that says otherwise than
    its signed ledger entry (retention.ledger) — a copy changed where the signature does
    not reach."""
    from privacydesk.retention import ledger

    found = []
    for uid, detail in answered.values_list("uid", "detail"):
        receipt = detail.get("receipt") if isinstance(detail, dict) else None
        if not isinstance(receipt, dict):
            continue
        reference = _ref(uid)
        entry = ledger.of_request(reference)
        if entry is not None and not ledger.matches(entry, receipt):
            found.append(f"erasure request {reference}: the receipt differs from its signed "
                         "ledger entry")
    return found[:25]


@check("Rt4", "Right to receive the data (machine-readable export)")
def portability_requests() -> CheckResult:
    return _exports("Rt4", "portability", "a JSON/CSV export delivered")


@check("Rt5", "Requests by e-mail to the controller's address, and by the web form")
def request_channels() -> CheckResult:
    models = _requests()
    failures: list[str] = []
    try:
        reverse("public:request", kwargs={"lang": "nl"})
    except NoReverseMatch:
        failures.append("the public request form is not routed")
    by_mail = models.DataSubjectRequest.objects.filter(channel=models.Channel.EMAIL).count()
    # Letters and calls reach the controller too; staff file them and answer them by post
    # or telephone (#15 blocker 3).
    offline = models.DataSubjectRequest.objects.filter(channel__in=models.STAFF_CHANNELS)
    answered_offline = offline.filter(detail__answer__by__in=("post", "phone")).count()
    info = [f"{plural(by_mail, 'request')} filed from the mailbox",
            f"{plural(offline.count(), 'request')} by letter, telephone or in person, "
            f"{answered_offline} answered by post or telephone"]
    if failures:
        return verdict("Rt5", failures, "", "requests cannot reach the controller", info)
    if not getattr(settings, "PRIVACYDESK_IMAP_URL", ""):
        return result("Rt5", WARN, "no request mailbox is configured (PRIVACYDESK_IMAP_URL): "
                      f"mail to {get_policy().controller.email} is not filed automatically",
                      info)
    return verdict("Rt5", [], f"the mailbox of {get_policy().controller.email} is read and "
                   "the web form is routed", "", info)


def _kind_history(models) -> dict[int, list[tuple[str, str, str]]]:  # type: ignore[no-untyped-def]
    """(from, to, reason) of every kind change per request pk, read from the timeline:
    `intake.set_kind` writes "old -> new[: reason]" in the same transaction as the change."""
    events = models.RequestEvent.objects.filter(action="kind_set")
    history: dict[int, list[tuple[str, str, str]]] = {}
    for rid, note in events.order_by("at", "id").values_list("request_id", "note"):
        change, _, why = note.partition(": ")
        old, _, new = change.partition(" -> ")
        history.setdefault(rid, []).append((old.strip(), new.strip(), why.strip()))
    return history


def _filed_kinds(models, pks: list[int]) -> dict[int, str]:  # type: ignore[no-untyped-def]
    """The kind each request was filed with ("<channel>: <kind>[ (note)]" on `received`)."""
    rows = models.RequestEvent.objects.filter(action="received", request_id__in=pks)
    return {rid: note.partition(": ")[2].split(" ", 1)[0]
            for rid, note in rows.values_list("request_id", "note")}


def _closed_unanswered(models, qs: QuerySet, history  # type: ignore[no-untyped-def]
                       ) -> tuple[list[str], list[str], int]:
    """Requests closed or rejected without an answer to the person (Rt6): (failures,
    warnings, how many were never a data-subject request). No recorded reason fails; a
    request that was filed as, or re-typed from, a request kind is listed with its reason
    (warn); a kind that changed without a timeline record fails."""
    failures, warnings, quiet = [], [], 0
    unanswered = qs.filter(status__in=(models.Status.CLOSED, models.Status.REJECTED),
                           answered_at__isnull=True)
    rows = list(unanswered.values_list("pk", "uid", "kind", "detail"))
    filed = _filed_kinds(models, [pk for pk, *_ in rows])
    for pk, uid, kind, detail in rows:
        detail = detail if isinstance(detail, dict) else {}
        reason = str((detail.get("closed_without_answer") or {}).get("reason")
                     or detail.get("rejected") or "").strip()
        changes = history.get(pk, [])
        kinds_had = [filed.get(pk, kind), *(new for _, new, _ in changes)]
        if kinds_had[-1] != kind:
            failures.append(f"request {_ref(uid)} changed from {kinds_had[-1]} to {kind} "
                            "without a record on its timeline")
        was = [k for k in kinds_had[:-1] if k in REQUEST_KINDS] + (
            [kind] if kind in REQUEST_KINDS else [])
        if not reason:
            failures.append(f"request {_ref(uid)} closed without an answer and without a "
                            "recorded reason")
        elif was:
            warnings.append(f"request {_ref(uid)} ({' -> '.join(kinds_had)}) closed without "
                            f"an answer; reason: {reason[:120]}")
        else:
            quiet += 1
    return failures, warnings, quiet


@check("Rt6", "Answered within the statement's deadline (one week)")
def request_deadlines() -> CheckResult:
    """Every request, open or finished: none open past its deadline, none answered after
    it, no deadline moved, every kind change of a request explained, and no request closed
    without an answer unless a reason is recorded (then listed: warn at most).

    A late answer fails for `LATE_ANSWER_WINDOW` (30 days) after it was given, naming the
    request, the day it was answered and its deadline (the controller's calendar), and the
    day the line passes again; afterwards it is listed (info) for a year. Why a window:
    the line says whether the promise holds now. A late answer broke it and cannot be
    undone — it must be seen and its cause fixed, and 30 days spans the privacy officer's
    monthly review and the legal month (Art. 12(3)) — but a line that stays red for ever
    after one slip gets ignored, and then hides the next late or overdue request, which is
    what it exists to show. The record itself stays (Art. 5(2)): the request, its moments
    and the listing."""
    models = _requests()
    now = timezone.now()
    days = get_policy().requests.deadline_days
    qs = models.DataSubjectRequest.objects.all()
    failures = []
    overdue = qs.filter(status__in=models.OPEN_STATUSES, statement_deadline__lt=now)
    failures += [f"request {_ref(uid)} open past its deadline"
                 for uid in overdue.values_list("uid", flat=True)[:25]]
    moved = qs.filter(statement_deadline__gt=F("received_at") + timedelta(days=days)).count()
    if moved:
        failures.append(f"{plural(moved, 'request')} with a deadline later than {days} days "
                        "after receipt")
    # A late answer broke the promise even though the request is finished now: it fails
    # for a window, then is listed (see the docstring).
    late = qs.filter(answered_at__gt=F("statement_deadline")).order_by("-answered_at")
    recent = late.filter(answered_at__gte=now - LATE_ANSWER_WINDOW)
    failures += [_late(uid, at, due) + f"; this line passes again on "
                 f"{clock.day_of(at + LATE_ANSWER_WINDOW).isoformat()}"
                 for uid, at, due in recent.values_list(
                     "uid", "answered_at", "statement_deadline")[:25]]
    earlier = list(late.filter(answered_at__lt=now - LATE_ANSWER_WINDOW,
                               answered_at__gte=now - LATE_ANSWER_LISTED)
                   .values_list("uid", "answered_at", "statement_deadline")[:25])
    history = _kind_history(models)
    unexplained = [(pk, old, new) for pk, changes in history.items()
                   for old, new, why in changes if old in REQUEST_KINDS and not why]
    uids = dict(qs.filter(pk__in=[pk for pk, _, _ in unexplained]).values_list("pk", "uid"))
    failures += [f"request {_ref(uids[pk])} changed from {old} to {new} without a reason"
                 for pk, old, new in unexplained if pk in uids]
    closed_failures, warnings, quiet = _closed_unanswered(models, qs, history)
    failures += closed_failures
    # Reminders and escalations come from the request clock: one that stopped fails Rt6.
    failures += job_stopped("requests-tick")
    open_n = qs.filter(status__in=models.OPEN_STATUSES).count()
    retyped = sum(1 for changes in history.values()
                  if any(old in REQUEST_KINDS for old, _, _ in changes))
    # Answers given by post or in a call (letter and telephone requests, Rt5) count as
    # answers like e-mail ones: their moment is `answered_at` (#15 blocker 3).
    by_post = qs.filter(answered_at__isnull=False, detail__answer__by="post").count()
    by_phone = qs.filter(answered_at__isnull=False, detail__answer__by="phone").count()
    info = [plural(open_n, "open request"),
            f"{plural(by_post, 'request')} answered by post, {by_phone} by telephone",
            f"{plural(retyped, 'request')} re-typed, each with a reason",
            f"{plural(quiet, 'message')} that {'was' if quiet == 1 else 'were'} no request, "
            "closed with a reason"]
    info += [_late(uid, at, due) + f" (more than {LATE_ANSWER_WINDOW.days} days ago)"
             for uid, at, due in earlier]
    if not failures and warnings:
        closed = plural(len(warnings), "request")
        return result("Rt6", WARN, f"no request overdue or late; {closed} closed without an "
                      "answer, each with a reason", [*warnings, *info])
    return verdict("Rt6", failures, f"no request past its {days}-day deadline, open or "
                   "answered", "requests overdue, answered late or closed unexplained", info,
                   examined=qs.count(), idle_summary="nothing to check yet: no requests")
