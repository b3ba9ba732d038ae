"""Asking for access (A1): servers, staff keys and access requests.

Every function checks its rules and raises RuleViolation(field, rule, message); every write
is one transaction with its audit entry (Sec1). Audit details carry ids, counts and the
basis only — never a host name, a key or a person.
"""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from privacydesk.access import contacts, keys, rules
from privacydesk.access.models import AccessRequest, ClientServer, StaffKey
from privacydesk.policy import clock
from privacydesk.policy.errors import RuleViolation
from privacydesk.register.models import Agreement, Organisation
from privacydesk.staff.permissions import has_permission
from privacydesk.vault import audit


def require(user: Any, permission: str, field: str) -> None:
    """Sec3: RuleViolation unless the policy gives `user`'s staff role `permission`."""
    if not has_permission(user, permission):
        raise RuleViolation(field, "Sec3", f"your staff role lacks the permission {permission!r}")


def add_server(host: str, *, organisation: Organisation | None = None,
               agreement: Agreement | None = None, host_key_fingerprint: str = "",
               actor: Any) -> ClientServer:
    """Register a client's server (needs grant_access). It must name its client."""
    require(actor, "grant_access", "host")
    host = (host or "").strip().lower()
    if not host or len(host) > 253 or any(c.isspace() or c in "@/" for c in host):
        raise RuleViolation(
            "host", "format", gettext_noop("a host name or address, without spaces"))
    if organisation is None and agreement is None:
        raise RuleViolation(
            "organisation", "A1", gettext_noop("a client server belongs to a client: "
                                               "name its organisation or its agreement"))
    if ClientServer.objects.filter(host=host).exists():
        raise RuleViolation("host", "unique", gettext_noop("this server is registered already"))
    with transaction.atomic():
        server = ClientServer.objects.create(
            host=host, organisation=organisation, agreement=agreement,
            host_key_fingerprint=(host_key_fingerprint or "").strip()[:100])
        audit.record(actor=actor.get_username(), action="create",
                     object_type="access.clientserver", object_id=str(server.pk),
                     purpose="security", detail={"organisation": server.organisation_id,
                                                 "agreement": server.agreement_id})
    return server


def upload_key(user: Any, text: str) -> StaffKey:
    """Store (or replace) `user`'s SSH public key after validating it (A2)."""
    require(user, "request_access", "public_key")
    parsed = keys.parse_public_key(text)
    # A2: a certificate must name the one person who logs in with it; a key two accounts
    # share would let either use the other's grants.
    if StaffKey.objects.filter(fingerprint=parsed.fingerprint).exclude(user=user).exists():
        raise _shared_key()
    try:
        with transaction.atomic():
            row, _ = StaffKey.objects.update_or_create(user=user, defaults={
                "public_key": parsed.line, "key_type": parsed.key_type, "bits": parsed.bits,
                "fingerprint": parsed.fingerprint, "added_at": timezone.now()})
            audit.record(actor=user.get_username(), action="upload_key",
                         object_type="access.staffkey", object_id=str(row.pk),
                         purpose="security",
                         detail={"type": parsed.key_type, "bits": parsed.bits})
    except IntegrityError:  # the same key stored for another account at the same moment
        raise _shared_key() from None
    return row


def _shared_key() -> RuleViolation:
    return RuleViolation(
        "public_key", "A2", gettext_noop("this public key is registered for another staff "
                                         "account; every account needs a key of its own (A2)"))


def request_access(user: Any, *, server: ClientServer, **fields: Any) -> AccessRequest:
    """File a pending access request; refused (A1) without a running agreement covering the
    server or an urgent repair the client asked for, and (A2) without a described action.
    Fields: principal, action, minutes, agreement, repair_reference, repair_contact_ref,
    force_command. A refusal is recorded in the audit chain too (field and rule only)."""
    require(user, "request_access", "requester")
    try:
        req = _validated(user, server, **fields)
    except RuleViolation as refused:
        audit.record(actor=user.get_username(), action="request_refused",
                     object_type="access.accessrequest", purpose="security",
                     detail={"server": server.pk, "field": refused.field, "rule": refused.rule})
        raise
    with transaction.atomic():
        req.save()
        audit.record(actor=user.get_username(), action="request",
                     object_type="access.accessrequest", object_id=str(req.pk),
                     purpose="security", detail={"server": server.pk, "basis": req.basis,
                                                 "agreement": req.agreement_id,
                                                 "minutes": req.minutes})
    return req


def _validated(user: Any, server: ClientServer, *, principal: str, action: str,
               minutes: int | None = None, agreement: Agreement | None = None,
               repair_reference: str = "", repair_contact_ref: str = "",
               force_command: str = "") -> AccessRequest:
    """The unsaved request, or RuleViolation naming the field and the rule."""
    if not rules.PRINCIPAL.fullmatch(principal or ""):
        raise RuleViolation(
            "principal", "format", gettext_noop("a login name: lowercase letters, digits, "
                                                "'_', '.', '-'; at most 32 characters"))
    if not (action or "").strip():
        raise RuleViolation("action", "A2", gettext_noop("describe the action the access is for"))
    wanted = rules.default_minutes() if minutes is None else int(minutes)
    if not 1 <= wanted <= rules.max_minutes():
        raise RuleViolation("minutes", "A2", f"between 1 and {rules.max_minutes()} minutes")
    if "\n" in force_command or len(force_command) > 500:
        raise RuleViolation(
            "force_command", "format", gettext_noop("one command line, at most 500 characters"))
    if not StaffKey.objects.filter(user=user).exists():
        raise RuleViolation("public_key", "A2", gettext_noop("upload your SSH public key first"))
    repair = bool(repair_reference.strip() or repair_contact_ref.strip())
    req = AccessRequest(
        server=server, principal=principal, action=action.strip(), minutes=wanted,
        force_command=force_command.strip(), agreement=agreement,
        basis=AccessRequest.AGREEMENT if agreement is not None or not repair
        else AccessRequest.REPAIR,
        repair_reference=repair_reference.strip()[:100], requester=user,
        requested_by=user.get_username())
    if req.basis == AccessRequest.REPAIR:
        # A1 (#15): who asked is one of the server's client's contacts, picked by a search
        # of that client's contacts (access.contacts), never free text.
        req.repair_contact_ref = (contacts.contact_ref(server, repair_contact_ref)
                                  if repair_contact_ref.strip() else "")
    elif agreement is None:
        raise RuleViolation(
            "agreement", "A1", gettext_noop("no agreement is named and no urgent repair "
                                            "the client asked for is given"))
    problem = rules.basis_problem(req, clock.today())
    if problem:
        raise RuleViolation(problem[0], "A1", problem[1])
    return req

