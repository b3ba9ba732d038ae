"""Filing and handling incidents (Sec5). Views and the mailbox intake only call these."""

from __future__ import annotations

import math
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from privacydesk.incidents.models import Incident, IncidentKind, IncidentStatus
from privacydesk.policy import clock
from privacydesk.policy.errors import RuleViolation
from privacydesk.vault import audit

# GDPR Art. 33(1): notify the supervisory authority within 72 hours of becoming aware.
AUTHORITY_NOTIFICATION = timedelta(hours=72)


def file_concern(description: str, *, reporter_name: str = "", reporter_email: str = "",
                 language: str = "nl", source: str = "web_form",
                 actor: str = "public") -> Incident:
    """File a reported concern as a new incident; the description is required. The
    description and the reporter's details are sealed (Sec1), never stored in clear."""
    if not description.strip():
        raise RuleViolation("description", "required", gettext_noop("describe the concern"))
    incident = Incident(language=language, source=source)
    incident.seal(description=description.strip(), reporter_name=reporter_name.strip(),
                  reporter_email=reporter_email.strip())
    with transaction.atomic():
        incident.save()
        _audit("create", incident, actor, {"kind": incident.kind, "source": source})
    return incident


#: Longest assessment or closing reason (the model's column).
REASON_LENGTH = 500


def _reason(field: str, reason: str, *, required: bool) -> str:
    reason = reason.strip()
    if (required and not reason) or len(reason) > REASON_LENGTH:
        raise RuleViolation(field, "required" if required else "length", gettext_noop(
            "give the reason in 1-500 characters") if required else gettext_noop(
            "the reason is at most 500 characters"))
    return reason


@contextmanager
def _changing(incident: Incident) -> Iterator[Incident]:
    """`incident` locked for a change, in one transaction; `incident` itself is read again
    once the change is committed."""
    with transaction.atomic():
        yield Incident.objects.select_for_update().get(pk=incident.pk)
    incident.refresh_from_db()


def open_for_staff(pk: int, *, actor: str) -> Incident:
    """The incident `pk` for its detail page, its sealed report opened for `actor`; the
    read is audited with its purpose (Sec4: every view of personal data is recorded).
    Incident.DoesNotExist when there is none."""
    incident = Incident.objects.get(pk=pk)
    audit.audit_read(actor=actor, object_type="incidents.incident", object_id=str(pk),
                     person_ref="", purpose="security",
                     detail={"fields": ["description", "reporter"]})
    return incident


def hours_left(incident: Incident, at: datetime | None = None) -> int | None:
    """Whole hours left on the 72-hour clock at `at` (default: now), negative when overdue;
    None when no clock runs (not a breach, or already notified to the authority)."""
    if incident.authority_deadline is None or incident.reported_at is not None:
        return None
    moment = at or clock.now()
    return math.floor((incident.authority_deadline - moment).total_seconds() / 3600)


def mark_breach(incident: Incident, *, actor: str, reason: str = "") -> Incident:
    """Mark `incident` a personal data breach; its authority deadline is received + 72 h.

    The clock runs from when the controller became aware (Art. 33(1)), which is when the
    report came in, not when staff got round to marking it. Marking twice keeps the first
    deadline. `reason` (optional here, up to 500 characters) documents the assessment
    (Art. 33(5)).
    """
    reason = _reason("reason", reason, required=False)
    with _changing(incident) as locked:
        if locked.kind != IncidentKind.BREACH:
            locked.kind = IncidentKind.BREACH
            locked.breach_marked_at = locked.assessed_at = timezone.now()
            locked.reseal(assessment_reason=reason)  # free text: sealed (Sec1)
            locked.authority_deadline = locked.received_at + AUTHORITY_NOTIFICATION
            if locked.status == IncidentStatus.NEW:
                locked.status = IncidentStatus.INVESTIGATING
            locked.save()
            _audit("update", locked, actor, {"kind": "breach"})
    return incident


def mark_not_breach(incident: Incident, *, reason: str, actor: str) -> Incident:
    """Record that staff assessed `incident` as not a personal data breach, with the
    reason (required: Art. 33(5) asks to document why no notification was made). A breach
    stays a breach: RuleViolation("kind", "Art33") then."""
    reason = _reason("reason", reason, required=True)
    with _changing(incident) as locked:
        if locked.kind == IncidentKind.BREACH:
            raise RuleViolation("kind", "Art33", gettext_noop(
                "this incident is already a personal data breach; its 72-hour clock runs"))
        locked.assessed_at = timezone.now()
        locked.reseal(assessment_reason=reason)  # free text: sealed (Sec1)
        if locked.status == IncidentStatus.NEW:
            locked.status = IncidentStatus.INVESTIGATING
        locked.save(update_fields=["assessed_at", "key_id", "ciphertext", "status"])
        _audit("update", locked, actor, {"assessed": "no breach"})
    return incident


def mark_subjects_informed(incident: Incident, *, actor: str) -> Incident:
    """Record when the data subjects were informed of the breach (Art. 34(1)); the first
    moment stays. Only a breach: RuleViolation("kind", "Art34") otherwise."""
    with _changing(incident) as locked:
        if locked.kind != IncidentKind.BREACH:
            raise RuleViolation("kind", "Art34", gettext_noop(
                "only the data subjects of a personal data breach are informed; "
                "mark it a breach first"))
        if locked.subjects_informed_at is None:
            locked.subjects_informed_at = timezone.now()
            locked.save(update_fields=["subjects_informed_at"])
            _audit("update", locked, actor, {"subjects_informed": True})
    return incident


def close(incident: Incident, *, reason: str, actor: str) -> Incident:
    """Close `incident` with the reason (required, up to 500 characters); the retention
    periods count from closing (R1). Closing a closed incident changes nothing."""
    reason = _reason("reason", reason, required=True)
    with _changing(incident) as locked:
        if locked.status != IncidentStatus.CLOSED:
            locked.reseal(close_reason=reason)  # free text: sealed (Sec1)
            locked.save(update_fields=["key_id", "ciphertext"])
            set_status(locked, IncidentStatus.CLOSED, actor=actor)
    return incident


def reopen(incident: Incident, *, reason: str, actor: str) -> Incident:
    """Open a closed `incident` again with the reason (required, up to 500 characters,
    sealed): it is "investigating" again, `closed_at` is cleared — so the retention
    periods stop until it is closed again (R1: an open incident is kept) — and a breach
    not yet notified is back on the 72-hour clock in the work queue. Reporter details
    already removed after their period stay removed. Recorded in the audit chain (the
    reason stays out of it: free text). RuleViolation("status", "Sec5") when the incident
    is not closed; nothing changes then."""
    reason = _reason("reason", reason, required=True)
    with _changing(incident) as locked:
        if locked.status != IncidentStatus.CLOSED:
            raise RuleViolation("status", "Sec5", gettext_noop(
                "only a closed incident can be reopened"))
        locked.reseal(reopen_reason=reason)
        locked.reopened_at = timezone.now()
        locked.save(update_fields=["key_id", "ciphertext", "reopened_at"])
        _audit("update", locked, actor, {"reopened": True})
        set_status(locked, IncidentStatus.INVESTIGATING, actor=actor)
    return incident


def mark_reported(incident: Incident, *, reference: str, actor: str,
                  at: datetime | None = None) -> Incident:
    """Record that the breach was notified to the supervisory authority (Art. 33(1)).

    Only a breach can be reported; `reference` is the authority's case number (required,
    it is the evidence). Reporting after the deadline is recorded as it happened — the
    register shows it late rather than hiding it (Art. 33(1): reasons for the delay).
    """
    reference = reference.strip()
    if not reference or len(reference) > 100 or not reference.isprintable():
        raise RuleViolation("authority_reference", "required", gettext_noop(
            "give the authority's reference (1-100 printable characters)"))
    with _changing(incident) as locked:
        if locked.kind != IncidentKind.BREACH:
            raise RuleViolation(
                "kind", "Art33", gettext_noop("only a personal data breach is reported "
                                              "to the authority; mark it a breach first"))
        if locked.reported_at is None:
            locked.reported_at = at or timezone.now()
            locked.authority_reference = reference
            locked.save(update_fields=["reported_at", "authority_reference"])
            _audit("update", locked, actor, {"reported": True, "late": locked.reported_late})
    return incident


def set_status(incident: Incident, status: str, *, actor: str) -> Incident:
    """Move `incident` to `status` (new | investigating | closed). Closing records when
    (`closed_at`: the retention periods of policy [incidents] count from it, R1); closing
    again keeps the first moment, re-opening clears it (an open incident is kept)."""
    if status not in IncidentStatus.values:
        raise RuleViolation("status", "choice",
                            f"status must be one of: {', '.join(IncidentStatus.values)}")
    with transaction.atomic():
        rows = Incident.objects.filter(pk=incident.pk)
        if status == IncidentStatus.CLOSED:
            rows.filter(closed_at__isnull=True).update(closed_at=timezone.now())
        else:
            rows.update(closed_at=None)
        rows.update(status=status)
        incident.refresh_from_db()
        _audit("update", incident, actor, {"status": status})
    return incident


def _audit(action: str, incident: Incident, actor: str, detail: dict[str, object]) -> None:
    # The description and the reporter's details stay out of the audit chain.
    audit.record(actor=actor, action=action, object_type="incidents.incident",
                 object_id=str(incident.pk), person_ref="", purpose="security",
                 detail=detail)
