"""Agreements (P3): one-off assignments and SLAs, their parties and their recipients (D2)."""

from __future__ import annotations

from datetime import date

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from privacydesk.register.models.people import Organisation, Person


class Agreement(models.Model):
    """An agreement of assignment. Data with purpose "agreement" must link one (P3)."""

    ONE_OFF = "one_off"
    SLA = "sla"
    KINDS = ((ONE_OFF, _("One-off assignment")), (SLA, _("Service level agreement")))

    kind = models.CharField(max_length=16, choices=KINDS)
    reference = models.CharField(max_length=64, unique=True)
    title = models.CharField(max_length=200)
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, null=True,
                                     blank=True, related_name="agreements")
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-starts_on", "reference"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="register_agreement_ends_after_start"),
        ]

    def __str__(self) -> str:
        return self.reference

    def is_running_on(self, on: date) -> bool:
        """True if the agreement has started on `on` and has not ended before it."""
        return self.starts_on <= on and (self.ends_on is None or self.ends_on >= on)

    def has_party(self, person: Person) -> bool:
        return self.parties.filter(person=person).exists()


class AgreementParty(models.Model):
    """A person who is party to (or acts for the organisation in) an agreement."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="parties")
    person = models.ForeignKey(Person, on_delete=models.CASCADE,
                               related_name="agreement_parties")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["agreement", "person"],
                                    name="register_agreementparty_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.agreement_id}:{self.person_id}"


class AgreementRecipient(models.Model):
    """D2: a third party the agreement says must receive these categories, and why.

    The disclosure gate (D1) reads these rows; a recipient not listed here receives nothing
    on the strength of the agreement.
    """

    CONTRACT = "contract"
    LEGAL_OBLIGATION = "legal_obligation"
    BASES = ((CONTRACT, _("Performance of the contract")),
             (LEGAL_OBLIGATION, _("Legal obligation")))

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE,
                                  related_name="recipients")
    recipient = models.CharField(max_length=200)
    categories = models.JSONField(default=list)  # policy category keys
    legal_basis = models.CharField(max_length=32, choices=BASES)
    purpose = models.CharField(max_length=500)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.recipient} ({self.agreement_id})"
