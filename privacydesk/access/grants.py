"""Deciding on access (A2): approve and sign, refuse, revoke, record use, revocation list.

`approve()` is the only way a certificate comes about: another staff member with
`grant_access` approves a pending request whose basis still holds (A1, checked again now),
and privacydesk signs the requester's key for the request's principal with a window capped
by `rules.window_end` — all in one transaction with the audit entries of the approval and
the grant. Revoking adds the serial to the KRL at once (`krl_path()`).
"""

from __future__ import annotations

import secrets
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from privacydesk.access import ca, rules
from privacydesk.access.models import AccessRequest, Grant, GrantUse, StaffKey
from privacydesk.access.requests import require
from privacydesk.policy import clock
from privacydesk.policy.errors import RuleViolation
from privacydesk.vault import audit

_REQ, _GRANT = "access.accessrequest", "access.grant"


def _decidable(req: AccessRequest, approver: Any) -> None:
    require(approver, "grant_access", "approver")
    if req.status != AccessRequest.PENDING:
        raise RuleViolation("status", "A2", f"this request is {req.status} already")
    # A2: four eyes. Compared by account and by name: a re-created account is no way round.
    if req.requester_id == approver.pk or req.requested_by == approver.get_username():
        raise RuleViolation(
            "approver", "A2", gettext_noop("a request must be approved by someone other "
                                           "than the requester"))


def approve(req: AccessRequest, approver: Any) -> Grant:
    """Approve `req` and issue its certificate; RuleViolation names what stands in the way."""
    _decidable(req, approver)
    problem = rules.basis_problem(req, clock.today())
    if problem:
        raise RuleViolation(problem[0], "A1", problem[1])
    key = StaffKey.objects.filter(user_id=req.requester_id).first()
    if key is None:
        raise RuleViolation("public_key", "A2", gettext_noop("the requester has no SSH public key"))
    start = timezone.now().replace(microsecond=0)
    end = rules.window_end(req, start, req.minutes)
    if end <= start:
        raise RuleViolation("agreement", "A1", gettext_noop("the agreement has ended"))
    who = approver.get_username()
    with transaction.atomic():
        locked = AccessRequest.objects.select_for_update().get(pk=req.pk)
        if locked.status != AccessRequest.PENDING:
            raise RuleViolation("status", "A2", f"this request is {locked.status} already")
        req.status, req.decided_by, req.decided_at = AccessRequest.APPROVED, who, start
        req.save(update_fields=["status", "decided_by", "decided_at"])
        grant = Grant.objects.create(
            request=req, key_id=f"pending-{secrets.token_hex(8)}",
            serial=secrets.randbelow(2**63 - 2) + 1, principal=req.principal,
            valid_after=start, valid_before=end, key_fingerprint=key.fingerprint,
            ca_fingerprint=ca.ca_fingerprint(), certificate="", issued_at=start)
        grant.key_id = f"privacydesk-grant-{grant.pk}"
        grant.certificate = ca.sign(key.public_key, key_id=grant.key_id, serial=grant.serial,
                                    principal=grant.principal, valid_after=start,
                                    valid_before=end, force_command=req.force_command)
        grant.save(update_fields=["key_id", "certificate"])
        audit.record(actor=who, action="approve", object_type=_REQ, object_id=str(req.pk),
                     purpose="security", detail={"grant": grant.pk})
        audit.record(actor=who, action="grant", object_type=_GRANT, object_id=str(grant.pk),
                     purpose="security", detail={
                         "request": req.pk, "server": req.server_id, "serial": grant.serial,
                         "principal": grant.principal, "valid_after": start.isoformat(),
                         "valid_before": end.isoformat(), "key": key.fingerprint})
    return grant


def refuse(req: AccessRequest, approver: Any, reason: str) -> AccessRequest:
    """Refuse `req`; the reason is required and kept with the request."""
    _decidable(req, approver)
    if not (reason or "").strip():
        raise RuleViolation("reason", "A2", gettext_noop("say why the request is refused"))
    with transaction.atomic():
        req.status, req.decided_by = AccessRequest.REFUSED, approver.get_username()
        req.decided_at, req.refusal_reason = timezone.now(), reason.strip()[:500]
        req.save(update_fields=["status", "decided_by", "decided_at", "refusal_reason"])
        audit.record(actor=req.decided_by, action="refuse", object_type=_REQ,
                     object_id=str(req.pk), purpose="security", detail={})
    return req


def revoke(grant: Grant, actor: Any, reason: str = "") -> Grant:
    """Revoke `grant` (grant_access, or the requester giving their own access up) and
    rewrite the KRL so servers refuse its serial."""
    own = grant.request.requester_id == getattr(actor, "pk", None)
    if not own:
        require(actor, "grant_access", "grant")
    if grant.revoked_at is not None:
        raise RuleViolation("grant", "A2", gettext_noop("this grant is revoked already"))
    with transaction.atomic():
        grant.revoked_at, grant.revoked_by = timezone.now(), actor.get_username()
        grant.revoke_reason = (reason or "").strip()[:500]
        grant.save(update_fields=["revoked_at", "revoked_by", "revoke_reason"])
        audit.record(actor=grant.revoked_by, action="revoke", object_type=_GRANT,
                     object_id=str(grant.pk), purpose="security",
                     detail={"serial": grant.serial, "own": own})
        transaction.on_commit(lambda: export_krl(krl_path()))
    return grant


def record_use(serial: int, host: str, reporter: Any) -> GrantUse:
    """A2: a server reports a login with certificate `serial`."""
    grant = Grant.objects.filter(serial=serial).first()
    if grant is None:
        raise RuleViolation("serial", "A2", gettext_noop("no grant has this serial"))
    host = (host or "").strip().lower()[:253]
    if not host or "@" in host:
        raise RuleViolation(
            "host", "format", gettext_noop("the host name the certificate was used on"))
    with transaction.atomic():
        use = GrantUse.objects.create(grant=grant, host=host,
                                      reported_by=reporter.get_username())
        audit.record(actor=use.reported_by, action="use", object_type=_GRANT,
                     object_id=str(grant.pk), purpose="security",
                     detail={"serial": serial, "active": grant.is_active(use.at),
                             "on_its_server": host == grant.request.server.host})
    return use


def revoked_serials() -> list[int]:
    return list(Grant.objects.filter(revoked_at__isnull=False).values_list("serial", flat=True))


def krl_path() -> Path:
    return Path(settings.DATA_DIR) / "access" / "revoked.krl"


def export_krl(output: Path) -> Path:
    """Write the KRL of every revoked serial to `output`."""
    return ca.write_krl(revoked_serials(), output)


def prune_expired(today: date | None = None) -> int:
    """R1: delete requests and grants past the policy's security rule (see
    retention.declarations), counted from the end of the grant, or from the decision (or
    filing) of a request that got none. Returns how many requests went."""
    from privacydesk.access.retention import cutoff

    last = cutoff(today or clock.today())
    # A moment is "on or before `last`" when it is before the start of the next day in the
    # policy's zone: a `__date` lookup would take the database's day (#13.1).
    after_last = clock.start_of(last + timedelta(days=1))
    old = AccessRequest.objects.filter(grant__isnull=True).exclude(
        decided_at__gte=after_last).filter(requested_at__lt=after_last)
    done = list(Grant.objects.filter(valid_before__lt=after_last)
                .values_list("pk", "request_id"))
    with transaction.atomic():
        GrantUse.objects.filter(grant_id__in=[g for g, _ in done]).delete()
        Grant.objects.filter(pk__in=[g for g, _ in done]).delete()
        count = AccessRequest.objects.filter(pk__in=[r for _, r in done]).delete()[0]
        count += old.delete()[0]
        if count:
            audit.record(actor="system", action="prune", object_type=_REQ,
                         purpose="security", detail={"requests": count})
    return count
