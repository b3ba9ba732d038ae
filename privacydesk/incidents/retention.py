"""R1 for the incident register: the policy's `[incidents]` periods (GDPR Art. 33(5)).

Art. 33(5) obliges the controller to document every breach — the facts, its effects and the
remedial action — so the register keeps the incident's facts after it is closed. The reporter's
name and e-mail address serve only its handling: they are removed `reporter_period` after the
incident was closed (the sealed value is re-sealed without them and `reporter_cleared_at`
is set), and the whole incident goes `documentation_period` after it.
An incident that is not closed is kept. Both periods count from the policy's day of
`closed_at` (privacydesk.policy.clock), so the deletion date is the same at any hour.

`prune_expired(today)` applies this with one DeletionReceipt per kind (no personal data); it
runs in the daily retention prune (privacydesk.retention.prune.prune_system).
`plan_rows(until, today, lang)` tells the retention plan what goes when.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime

from django.db import transaction
from django.utils import timezone

from privacydesk.incidents.models import Incident, IncidentStatus
from privacydesk.policy import clock
from privacydesk.policy.active import get_policy
from privacydesk.policy.dates import add_period
from privacydesk.policy.incidents import DOCUMENTATION_RULE, REPORTER_RULE
from privacydesk.retention.models import DeletionReceipt
from privacydesk.vault import audit

MODEL = "incidents.incident"
#: The "categories" the plan and the receipts name: the reporter's contact data, the record.
REPORTER, RECORD = "incident reporter", "incident"


@dataclass(frozen=True)
class Due:
    """When one closed incident's reporter data and record go (the policy decides)."""

    reporter_on: date
    record_on: date


def due(closed_at: datetime) -> Due:
    """The days the reporter's data and the record of an incident closed at `closed_at` go."""
    periods = get_policy().incidents
    closed_on = clock.day_of(closed_at)
    return Due(add_period(closed_on, periods.reporter_period),
               add_period(closed_on, periods.documentation_period))


def _receipt(rule_id: str, category: str, ids: list[int], at: datetime) -> DeletionReceipt:
    law = get_policy().incidents.law
    return DeletionReceipt(kind=DeletionReceipt.SYSTEM, at=at, model=MODEL, category=category,
                           rule_id=rule_id, law_nl=law.get("nl"), law_en=law.get("en"),
                           promise="R1", count=len(ids), object_ids=ids)


def prune_expired(today: date | None = None) -> int:
    """Clear the reporter's contact data and delete the incidents past their periods;
    return how many incidents were touched. One transaction (nothing half-done)."""
    day = today or clock.today()
    now = timezone.now()
    cleared: list[int] = []
    gone: list[int] = []
    with transaction.atomic():
        closed = (Incident.objects.select_for_update()
                  .filter(status=IncidentStatus.CLOSED, closed_at__isnull=False)
                  .order_by("pk"))
        for incident in closed:
            if incident.closed_at is None:   # excluded by the filter; the type does not know
                continue
            when = due(incident.closed_at)
            if when.record_on <= day:
                gone.append(incident.pk)
            elif when.reporter_on <= day and incident.reporter_cleared_at is None:
                incident.reseal(reporter_name="", reporter_email="")
                incident.reporter_cleared_at = now
                incident.save(update_fields=["key_id", "ciphertext", "reporter_cleared_at"])
                cleared.append(incident.pk)
        Incident.objects.filter(pk__in=gone).delete()
        DeletionReceipt.objects.bulk_create(
            [_receipt(rule, category, ids, now) for rule, category, ids in (
                (REPORTER_RULE, REPORTER, cleared), (DOCUMENTATION_RULE, RECORD, gone)) if ids])
        for action, ids in (("update", cleared), ("delete", gone)):
            for pk in ids:   # the audit names the incident and the rule, never the reporter
                audit.record(actor="system", action=action, object_type=MODEL,
                             object_id=str(pk), person_ref="", purpose="security",
                             detail={"retention": REPORTER_RULE if action == "update"
                                     else DOCUMENTATION_RULE})
    return len(cleared) + len(gone)


def _closed() -> Iterator[tuple[Due, bool]]:
    """Every closed incident's `Due` and whether its reporter's data are still held."""
    for closed_at, cleared in (Incident.objects.filter(status=IncidentStatus.CLOSED,
                                                       closed_at__isnull=False)
                               .values_list("closed_at", "reporter_cleared_at")):
        if closed_at is not None:   # excluded by the filter; the type does not know it
            yield due(closed_at), cleared is None


def plan_rows(until: date, today: date, lang: str) -> Counter[tuple[date, str, str, str]]:
    """The retention plan's rows (a plan source, registered by IncidentsConfig.ready()):
    counts by (day, category, rule, law in `lang`) of what goes by `until` (overdue:
    `today`): "incident reporter" for contact data, "incident" for whole records."""
    law = get_policy().incidents.law.get(lang)
    counts: Counter[tuple[date, str, str, str]] = Counter()
    for when, reporter_held in _closed():
        if when.record_on <= until:
            counts[(max(when.record_on, today), RECORD, DOCUMENTATION_RULE, law)] += 1
        elif reporter_held and when.reporter_on <= until:
            counts[(max(when.reporter_on, today), REPORTER, REPORTER_RULE, law)] += 1
    return counts


def overdue(today: date) -> tuple[int, int]:
    """For `privacydesk check` (R1): how many closed incidents still hold the reporter's
    data after their reporter date, and how many records outlived their documentation date
    (a date before `today` means the daily prune did not run)."""
    reporters = records = 0
    for when, reporter_held in _closed():
        records += when.record_on < today
        reporters += reporter_held and when.reporter_on < today
    return reporters, records
