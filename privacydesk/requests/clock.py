"""The two clocks (Rt6, Art. 12(3)) and the request app's housekeeping.

`tick(now)` is run by the `requests-tick` task (privacydesk/jobs) and by
`privacydesk requests tick`; tests move the clock by passing `now`. It is idempotent — run
it as often as you like:
- retries the identity step of new requests whose confirmation mail failed;
- reminds staff with "handle_requests" once a request reaches the policy's reminder day;
- escalates to the privacy officer (staff with "manage_staff" and "handle_requests") when
  the statement's deadline passes, and again when the legal deadline passes;
- deletes download files past their expiry (delivery.expire);
- clears the requester's contact details of requests finished (answered, closed,
  rejected) longer than the policy's contact period ago (R2), keeping the record of the
  answer.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from privacydesk.policy import RetentionFacts, clock
from privacydesk.policy.active import get_policy
from privacydesk.requests import _systems, delivery, events, intake, kinds, notify
from privacydesk.requests.models import OPEN_STATUSES, DataSubjectRequest, Status

log = logging.getLogger("privacydesk.requests")
# The retention of finished requests' contact details: a policy rule for records outside
# the register with this purpose and basis (we wrote to the person); none applies in the
# default policy, so the contact period (R2) counts from the day the request was finished.
CONTACT_PURPOSE, CONTACT_BASIS = "written_contact", "legitimate_interests"
FINISHED = (Status.ANSWERED, Status.CLOSED, Status.REJECTED)


@dataclass
class TickReport:
    retried: int = 0
    reminded: int = 0
    escalated: int = 0
    expired_files: int = 0
    cleared: int = 0


def open_requests() -> QuerySet[DataSubjectRequest]:
    """Open requests, fewest days left first (the staff list's order)."""
    return DataSubjectRequest.objects.filter(status__in=OPEN_STATUSES).order_by(
        "statement_deadline", "id")


def _context(request: DataSubjectRequest, now: datetime, legal: bool = False) -> dict[str, object]:
    return {"reference": request.reference, "kind": request.kind,
            "received_at": request.received_at, "deadline": request.statement_deadline,
            "legal_deadline": request.legal_deadline, "days_left": request.days_left(now),
            "legal": legal,
            "link": notify.public_url(reverse("requests:detail", kwargs={"uid": request.uid}))}


def _remind(now: datetime, report: TickReport) -> None:
    reminder_at = timedelta(days=get_policy().requests.reminder_day)
    for request in open_requests().exclude(kind=kinds.NONE).filter(
            reminder_sent_at__isnull=True, received_at__lte=now - reminder_at):
        notify.to_staff("staff_reminder", _context(request, now), permission="handle_requests")
        with transaction.atomic():
            request.reminder_sent_at = now
            request.save(update_fields=["reminder_sent_at"])
            events.log(request, "reminder", actor="system", at=now,
                       note=f"{request.days_left(now)} day(s) left")
        report.reminded += 1


def _escalate(now: datetime, report: TickReport) -> None:
    overdue = open_requests().exclude(kind=kinds.NONE)
    for field, legal in (("escalated_at", False), ("legal_escalated_at", True)):
        deadline = "legal_deadline" if legal else "statement_deadline"
        for request in overdue.filter(**{f"{field}__isnull": True, f"{deadline}__lt": now}):
            notify.to_staff("staff_escalation", _context(request, now, legal),
                            permission="manage_staff")
            with transaction.atomic():
                setattr(request, field, now)
                request.save(update_fields=[field])
                events.log(request, "escalated", actor="system", at=now,
                           note="legal deadline passed" if legal else "one-week promise passed")
            report.escalated += 1


def _clear_contacts(now: datetime) -> int:
    policy = get_policy()
    cleared = 0
    for request in DataSubjectRequest.objects.filter(
            status__in=FINISHED, contact_cleared_at__isnull=True):
        finished = request.closed_at or request.answered_at or request.received_at
        until = policy.retention_decision(None, CONTACT_PURPOSE, CONTACT_BASIS, RetentionFacts(
            collected_on=clock.day_of(finished))).date
        if until is None or until > clock.day_of(now):
            continue
        with transaction.atomic():
            request.key_id, request.ciphertext = "", b""
            request.email_index = request.name_index = ""
            request.contact_cleared_at = now
            request.save(update_fields=["key_id", "ciphertext", "email_index",
                                        "name_index", "contact_cleared_at"])
            events.log(request, "contact_cleared", actor="system", at=now,
                       note="requester details removed after the retention period (R2)")
        cleared += 1
    return cleared


def tick(now: datetime | None = None) -> TickReport:
    """Run every due step once (see the module doc) and return what was done."""
    when = now or timezone.now()
    report = TickReport()
    for request in DataSubjectRequest.objects.filter(
            status=Status.NEW, kind__in=kinds.REQUEST_KINDS, verification_sent_at__isnull=True):
        intake.start(request, actor="system")
        report.retried += 1
    _remind(when, report)
    _escalate(when, report)
    report.expired_files = delivery.expire(when)
    report.cleared = _clear_contacts(when)
    # Rt3 (#16.3): an erasure whose systems all settled is answered even if the worker
    # stopped between a system's last try and the receipt.
    _systems.finish_waiting()
    return report
