"""The disclosure log (D1–D3) and the consent requests (D3). No data values are stored here.

A `Disclosure` says that categories of one person's data went to a recipient, on which basis
(an agreement that names the recipient, a stated legal obligation, or a consent), by whom and
when. A `ConsentRequest` is one question to a person — may `recipient` receive these
categories for this purpose? — and, once answered, the proof of the answer (Art. 7(1)).

Both refer to the person by foreign key and by pseudonymous ref. Deleting the person (erasure,
the sweep) sets the key to NULL and keeps the ref: the rows remain as pseudonymous evidence of
lawful sharing for the policy's accountability period, then `retention.prune` deletes them.
`Disclosure` is declared before `ConsentRequest` so that code deleting a person's rows model
by model (erasure of a person kept by law) deletes the disclosures before the consents they
rest on (PROTECT).
"""

from __future__ import annotations

import uuid
from datetime import datetime

from django.db import models
from django.db.models import Q
from django.utils import timezone

from privacydesk.register.models import Agreement, Person


class Basis(models.TextChoices):
    """The gate's three roads (D1: agreement or law; D3: consent)."""

    AGREEMENT = "agreement", "agreement (D1, D2)"
    LEGAL_OBLIGATION = "legal_obligation", "legal obligation (D1)"
    CONSENT = "consent", "consent (D3)"


class Disclosure(models.Model):
    """One disclosure to a third party, written only by `gate.disclose` (one transaction)."""

    person = models.ForeignKey(Person, on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="disclosures")
    person_ref = models.UUIDField(db_index=True)
    recipient = models.CharField(max_length=200, db_index=True)
    categories = models.JSONField(default=list)       # policy category keys, sorted
    purpose = models.CharField(max_length=32)         # policy purpose key (Art. 5(1)(b))
    basis = models.CharField(max_length=32, choices=Basis.choices)
    legal_basis = models.CharField(max_length=32)     # policy legal basis key (Art. 6(1))
    agreement = models.ForeignKey(Agreement, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="disclosures")
    agreement_reference = models.CharField(max_length=64, blank=True)
    obligation = models.CharField(max_length=300, blank=True)  # statute and authority
    consent = models.ForeignKey("disclosure.ConsentRequest", on_delete=models.PROTECT,
                                null=True, blank=True, related_name="disclosures")
    actor = models.CharField(max_length=150)
    disclosed_at = models.DateTimeField(default=timezone.now, db_index=True)
    # R1: the day the person was found deleted; the accountability period counts from it.
    person_gone_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-disclosed_at", "-id"]
        constraints = [
            # D1: every disclosure names its basis and the reference of that basis.
            models.CheckConstraint(
                condition=(Q(basis="agreement", agreement__isnull=False)
                           | Q(basis="legal_obligation") & ~Q(obligation="")
                           | Q(basis="consent", consent__isnull=False)),
                name="disclosure_disclosure_basis_has_reference"),
        ]

    def __str__(self) -> str:
        # Never the person: str() ends up in logs and tracebacks.
        return f"Disclosure #{self.pk} to {self.recipient}"

    @property
    def reference(self) -> str:
        """The agreement reference, the legal obligation or the consent's uid."""
        if self.basis == Basis.AGREEMENT:
            return self.agreement_reference
        if self.basis == Basis.LEGAL_OBLIGATION:
            return self.obligation
        return str(self.consent.uid) if self.consent is not None else ""

    def obligation_text(self, lang: str = "nl") -> str:
        """The declared legal obligation this row names, as staff and the person read it
        ("<label> (<authority>, <article> <statute>)"); the stored text if the policy no
        longer declares it (D1: `privacydesk check` then fails the row)."""
        from privacydesk.policy.active import get_policy

        declared = get_policy().legal_obligations.get(self.obligation)
        return f"{declared.label(lang)} ({declared.citation})" if declared else self.obligation


class ConsentStatus(models.TextChoices):
    PENDING = "pending", "waiting for the person"
    GRANTED = "granted", "granted"
    REFUSED = "refused", "refused"
    WITHDRAWN = "withdrawn", "withdrawn"


class ConsentRequest(models.Model):
    """A question to a person (D3) and, once answered, the proof of their answer.

    The links carry signed secrets; only their sha256 is stored (`answer_hash` until the
    person answers — single use —, `withdraw_hash` while a granted consent can be withdrawn).
    """

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    person = models.ForeignKey(Person, on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="consent_requests")
    person_ref = models.UUIDField(db_index=True)
    recipient = models.CharField(max_length=200)
    categories = models.JSONField(default=list)
    purpose = models.CharField(max_length=32)
    explanation = models.CharField(max_length=500)   # what the recipient does with the data
    language = models.CharField(max_length=2, default="nl")
    status = models.CharField(max_length=16, choices=ConsentStatus.choices,
                              default=ConsentStatus.PENDING, db_index=True)
    requested_by = models.CharField(max_length=150)
    requested_at = models.DateTimeField(default=timezone.now)
    link_expires_at = models.DateTimeField()
    answered_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)     # a granted consent's end
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.CharField(max_length=150, blank=True)  # "public" or a staff name
    answer_hash = models.CharField(max_length=64, blank=True)
    withdraw_hash = models.CharField(max_length=64, blank=True)
    person_gone_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]

    def __str__(self) -> str:
        return f"Consent request {self.uid} ({self.status})"

    def state(self, now: datetime | None = None) -> str:
        """The status as it stands at `now`: a pending request whose link has expired is
        "lapsed", a granted consent past `expires_at` is "expired"."""
        moment = now or timezone.now()
        if self.status == ConsentStatus.PENDING and self.link_expires_at <= moment:
            return "lapsed"
        if self.status == ConsentStatus.GRANTED and self.expires_at is not None \
                and self.expires_at <= moment:
            return "expired"
        return str(self.status)

    def ended_at(self, now: datetime | None = None) -> datetime | None:
        """When this request stopped mattering (refused, withdrawn, expired, lapsed);
        None while it is pending or in force. The proof period counts from here."""
        state = self.state(now)
        if state in (ConsentStatus.REFUSED, ConsentStatus.WITHDRAWN):
            return self.withdrawn_at or self.answered_at
        if state == "expired":
            return self.expires_at
        if state == "lapsed":
            return self.link_expires_at
        return None
