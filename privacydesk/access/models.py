"""Client servers, staff SSH keys, access requests, grants and their reported use (A1, A2).

No client's personal data lives here: a server is a company's machine, the client who asked
for an urgent repair is named only by the register's pseudonymous person ref, and staff are
named by their username (as in the audit chain).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from privacydesk.policy import clock
from privacydesk.register.models import Agreement, Organisation


def agreement_end_instant(agreement: Agreement) -> datetime | None:
    """The moment an agreement stops covering access: the end of its last day (local time);
    None while it has no end date."""
    if agreement.ends_on is None:
        return None
    return clock.start_of(agreement.ends_on + timedelta(days=1))


class ClientServer(models.Model):
    """A client's server staff may be granted access to; it belongs to an organisation, to
    an agreement, or to both (a private client's server names the agreement)."""

    host = models.CharField(max_length=253, unique=True)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, null=True,
                                     blank=True, related_name="servers")
    agreement = models.ForeignKey(Agreement, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="servers")
    host_key_fingerprint = models.CharField(max_length=100, blank=True, default="")
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["host"]
        constraints = [models.CheckConstraint(
            condition=Q(organisation__isnull=False) | Q(agreement__isnull=False),
            name="access_clientserver_has_client")]

    def __str__(self) -> str:
        return self.host

    def covered_by(self, agreement: Agreement) -> bool:
        """A1: the agreement is this server's own, or one of its organisation's."""
        if self.agreement_id is not None and self.agreement_id == agreement.pk:
            return True
        return self.organisation_id is not None and \
            self.organisation_id == agreement.organisation_id


class StaffKey(models.Model):
    """A staff member's SSH public key (one per account; a new upload replaces it). Stored
    as "type base64" only: the comment, often an e-mail address, is dropped."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                                related_name="ssh_key")
    public_key = models.TextField()
    key_type = models.CharField(max_length=40)
    bits = models.PositiveIntegerField()
    fingerprint = models.CharField(max_length=100)
    added_at = models.DateTimeField(default=timezone.now)

    class Meta:
        # A2: one key, one person. The service says so first (field error); the constraint
        # holds when two accounts upload the same key at the same moment.
        constraints = [models.UniqueConstraint(fields=["fingerprint"],
                                               name="access_staffkey_one_account")]

    def __str__(self) -> str:
        return self.fingerprint


class AccessRequest(models.Model):
    """A1: one staff member's request for access to one server, for one described action."""

    AGREEMENT, REPAIR = "agreement", "repair"
    BASES = ((AGREEMENT, _("Service agreement")), (REPAIR, _("Urgent repair the client asked for")))
    PENDING, APPROVED, REFUSED = "pending", "approved", "refused"
    STATUSES = ((PENDING, _("Pending")), (APPROVED, _("Approved")), (REFUSED, _("Refused")))

    server = models.ForeignKey(ClientServer, on_delete=models.PROTECT, related_name="requests")
    principal = models.CharField(max_length=32)
    action = models.TextField()
    minutes = models.PositiveIntegerField()
    force_command = models.CharField(max_length=500, blank=True, default="")
    basis = models.CharField(max_length=16, choices=BASES)
    agreement = models.ForeignKey(Agreement, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="access_requests")
    repair_reference = models.CharField(max_length=100, blank=True, default="")
    # Who at the client asked for the repair: the register's pseudonymous ref, never a name.
    repair_contact_ref = models.CharField(max_length=64, blank=True, default="")
    requester = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL,
                                  null=True, related_name="access_requests")
    requested_by = models.CharField(max_length=150)
    requested_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(max_length=16, choices=STATUSES, default=PENDING)
    decided_by = models.CharField(max_length=150, blank=True, default="")
    decided_at = models.DateTimeField(null=True, blank=True)
    refusal_reason = models.CharField(max_length=500, blank=True, default="")

    class Meta:
        ordering = ["-requested_at"]

    def __str__(self) -> str:
        return f"access request #{self.pk}"


class Grant(models.Model):
    """A2: the certificate issued for an approved request: one principal, one short window.
    `serial` is random (never reused, so a KRL entry never revokes a later certificate)."""

    request = models.OneToOneField(AccessRequest, on_delete=models.PROTECT,
                                   related_name="grant")
    key_id = models.CharField(max_length=64, unique=True)
    serial = models.BigIntegerField(unique=True)
    principal = models.CharField(max_length=32)
    valid_after = models.DateTimeField()
    valid_before = models.DateTimeField()
    key_fingerprint = models.CharField(max_length=100)
    ca_fingerprint = models.CharField(max_length=100)
    certificate = models.TextField()
    issued_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.CharField(max_length=150, blank=True, default="")
    revoke_reason = models.CharField(max_length=500, blank=True, default="")

    class Meta:
        ordering = ["-issued_at"]
        constraints = [models.CheckConstraint(condition=Q(valid_before__gt=models.F("valid_after")),
                                              name="access_grant_window")]

    def __str__(self) -> str:
        return self.key_id

    @property
    def minutes(self) -> float:
        return (self.valid_before - self.valid_after).total_seconds() / 60

    def is_active(self, now: datetime | None = None) -> bool:
        moment = now or timezone.now()
        return self.revoked_at is None and self.valid_after <= moment < self.valid_before


class GrantUse(models.Model):
    """A2: a server's login hook reported that a certificate serial was used to log in."""

    grant = models.ForeignKey(Grant, on_delete=models.CASCADE, related_name="uses")
    host = models.CharField(max_length=253)
    at = models.DateTimeField(default=timezone.now)
    reported_by = models.CharField(max_length=150)

    class Meta:
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"use of {self.grant_id} on {self.host}"
