"""Triage (#15): the messages the classifier could not place, and closing one as "not a
request" in one step with a reason.

Contract: `triage_items()` are the open requests of kind TRIAGE or NONE (the mailbox files
everyday mail as NONE and leaves it open for a person to confirm, intake.file_mail), the
oldest promise first. `close_as_not_a_request(request, reason, actor=, text=)` sets the kind
to NONE (a triage item; `intake.set_kind`) and closes it without an answer
(`actions.close`, #13: the reason is kept in `detail["closed_without_answer"]` with who and
when, and on the timeline), in one transaction. `reason` is one of REASONS; OTHER needs
`text`. Because the request was never of a request kind, `check` Rt6 neither counts it as
late nor lists it; its clocks (received_at, deadlines) are not touched. Bad input raises
RuleViolation(field, rule, message) and stores nothing.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from privacydesk.policy.errors import RuleViolation
from privacydesk.requests import actions, intake, kinds
from privacydesk.requests.models import OPEN_STATUSES, DataSubjectRequest

SUPPORT, SALES, INVOICE, SPAM, OTHER = "support", "sales", "invoice", "spam", "other"
#: The short list staff pick from; the code is stored, the label is shown (Dutch for staff).
REASONS = {
    SUPPORT: _("support question"),
    SALES: _("sales or offer"),
    INVOICE: _("invoice or payment"),
    SPAM: _("spam"),
    OTHER: _("other"),
}
TRIAGE_KINDS = (kinds.TRIAGE, kinds.NONE)
#: The staff member's own words: short, and without addresses (like every close reason).
MAX_TEXT = 200


def triage_items() -> QuerySet[DataSubjectRequest]:
    """Open requests a person still has to place (kind TRIAGE or NONE), oldest promise
    first."""
    return DataSubjectRequest.objects.filter(
        status__in=OPEN_STATUSES, kind__in=TRIAGE_KINDS).order_by("statement_deadline", "id")


def close_as_not_a_request(request: DataSubjectRequest, reason: str, *, actor: str,
                           text: str = "") -> DataSubjectRequest:
    """Close a triage item as not a data-subject request (module doc); returns it fresh."""
    code = (reason or "").strip()
    if code not in REASONS:
        raise RuleViolation("reason", "Rt5", f"choose one of {', '.join(REASONS)}")
    why = " ".join((text or "").split())
    if code == OTHER and not why:
        raise RuleViolation("text", "Rt6", gettext_noop(
            "say in a few words why this is not a request (the reason 'other' needs them)"))
    if len(why) > MAX_TEXT or "@" in why:
        raise RuleViolation("text", "format", f"the reason is at most {MAX_TEXT} characters "
                            "and holds no addresses")
    if not request.is_open:
        raise RuleViolation("status", "Rt6", "this request is already closed")
    if request.kind not in TRIAGE_KINDS:
        # A request kind changes only with a reason on its own page (Rt6, set_kind).
        raise RuleViolation("kind", "Rt5", f"a {request.kind} request is not in triage; "
                            "change its kind with a reason on its page first")
    note = f"not a request ({code})" + (f": {why}" if why else "")
    with transaction.atomic():
        if request.kind == kinds.TRIAGE:
            intake.set_kind(request, kinds.NONE, actor=actor, reason=note)
        actions.close(request, actor=actor, note=note)
        request.refresh_from_db()
        request.detail = {**request.detail, "not_a_request": {"reason": code, "text": why}}
        request.save(update_fields=["detail"])
    return request
