"""The timeline of a request and its audit entries: every action is both (Sec1, Rt6).

`note`s and audit details hold references, kinds and counts — never the requester's name,
address or message (the audit chain refuses strings with "@").
"""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from privacydesk.register import services as register
from privacydesk.requests import kinds
from privacydesk.requests.models import DataSubjectRequest, RequestEvent
from privacydesk.vault import audit

# The audited purpose of work on a request: the data-subject right it serves.
PURPOSES = {
    kinds.ACCESS: register.ACCESS_REQUEST,
    kinds.RECTIFICATION: register.RECTIFICATION,
    kinds.ERASURE: register.ERASURE,
    kinds.PORTABILITY: register.PORTABILITY,
}
HANDLING = "data_subject_request"


def purpose_of(request: DataSubjectRequest) -> str:
    """The audit purpose for work on `request` (its right, or "data_subject_request")."""
    return PURPOSES.get(request.kind, HANDLING)


def log(request: DataSubjectRequest, action: str, *, actor: str, note: str = "",
        at: datetime | None = None) -> RequestEvent:
    """Append `action` to the request's timeline and to the audit chain (same transaction
    as the caller's change)."""
    when = at or timezone.now()
    event = RequestEvent.objects.create(request=request, at=when, actor=actor[:150],
                                        action=action[:32], note=note[:300])
    audit.record(actor=actor, action=f"request.{action}"[:32],
                 object_type="requests.datasubjectrequest", object_id=str(request.pk),
                 person_ref=request.person_ref, purpose=purpose_of(request),
                 detail={"request": request.reference, "kind": request.kind,
                         "note": note[:300]})
    return event
