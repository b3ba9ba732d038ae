"""The rules of server access, in one place: the services enforce them and `privacydesk
check` (A1, A2) proves them on the stored rows with the same functions.

A1: access needs a basis — an agreement that runs on the day and covers the server, or an
urgent repair with the client's request reference and the (pseudonymous) client who asked.
A2: a grant is one principal for a short window: at most `max_minutes()` (settings
PRIVACYDESK_ACCESS_MAX_MINUTES, default 240) and never past the end of its agreement.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

from django.conf import settings

from privacydesk.access.models import AccessRequest, ClientServer, Grant, agreement_end_instant
from privacydesk.register.models import Agreement

#: A login name as POSIX and OpenSSH accept it (no "@": never an e-mail address).
PRINCIPAL = re.compile(r"^[a-z_][a-z0-9_.-]{0,31}$")


def max_minutes() -> int:
    """A2: the longest window any grant may have."""
    return int(settings.PRIVACYDESK_ACCESS_MAX_MINUTES)


def default_minutes() -> int:
    return min(int(settings.PRIVACYDESK_ACCESS_DEFAULT_MINUTES), max_minutes())


def agreement_problem(server: ClientServer, agreement: Agreement, on: date) -> str | None:
    """A1: why `agreement` does not cover access to `server` on `on`, or None."""
    if not agreement.is_running_on(on):
        return (f"agreement {agreement.reference} does not run on {on.isoformat()} "
                f"({agreement.starts_on.isoformat()} – "
                f"{agreement.ends_on.isoformat() if agreement.ends_on else 'open'})")
    if not server.covered_by(agreement):
        return f"agreement {agreement.reference} does not cover server {server.host}"
    return None


def basis_problem(req: AccessRequest, on: date) -> tuple[str, str] | None:
    """A1: (field, message) when `req` has no basis on `on`; None when it has one."""
    if req.basis == AccessRequest.AGREEMENT:
        if req.agreement is None:
            return ("agreement", "no agreement is named")
        problem = agreement_problem(req.server, req.agreement, on)
        return ("agreement", problem) if problem else None
    if req.basis == AccessRequest.REPAIR:
        if not req.repair_reference.strip():
            return ("repair_reference", "an urgent repair needs the client's request reference")
        if not req.repair_contact_ref.strip():
            return ("repair_contact", "an urgent repair needs the client who asked for it")
        return None
    return ("basis", "access needs an agreement or an urgent repair the client asked for")


def window_end(req: AccessRequest, start: datetime, minutes: int) -> datetime:
    """A2: the end of a window that starts at `start`: the requested minutes, capped by
    max_minutes() and by the end of the agreement."""
    end = start + timedelta(minutes=min(minutes, max_minutes()))
    if req.basis == AccessRequest.AGREEMENT and req.agreement is not None:
        limit = agreement_end_instant(req.agreement)
        if limit is not None and limit < end:
            end = limit
    return end


def grant_problems(grant: Grant, req: AccessRequest) -> list[str]:
    """A2: what is wrong with a stored grant (empty when nothing is)."""
    found = []
    if req.status != AccessRequest.APPROVED or not req.decided_by:
        found.append("its request was not approved")
    elif req.decided_by == req.requested_by:
        found.append("its request was approved by the requester")
    if not req.action.strip():
        found.append("its request describes no action")
    if grant.principal != req.principal:
        found.append("its principal is not the one requested")
    if grant.valid_before - grant.valid_after > timedelta(minutes=max_minutes()):
        found.append(f"it is valid {grant.minutes:.0f} minutes, longer than the cap of "
                     f"{max_minutes()}")
    if req.basis == AccessRequest.AGREEMENT and req.agreement is not None:
        limit = agreement_end_instant(req.agreement)
        if limit is not None and grant.valid_before > limit:
            found.append(f"it is valid past the end of agreement {req.agreement.reference}")
    return found
