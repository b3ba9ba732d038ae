"""Data-subject requests, their timeline and their download links (Rt1–Rt6).

A request never points at the Person row: it refers to the person by the pseudonymous
`person_ref`, so erasing the person (Art. 17) leaves the request — the record of when and
how it was answered (Rt6) — and the requester's contact details are sealed (AES-GCM) and
cleared after the contact period once the request is closed (requests.clock.prune_closed).
"""

from __future__ import annotations

import json
import math
import uuid
from datetime import datetime
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from privacydesk.requests import kinds, name_words
from privacydesk.vault.blind import blind_index
from privacydesk.vault.models import SealedMixin


class Status(models.TextChoices):
    NEW = "new", _("new")
    AWAITING_VERIFICATION = "awaiting_verification", _("awaiting verification")
    VERIFIED = "verified", _("verified")
    ANSWERED = "answered", _("answered")
    CLOSED = "closed", _("closed")
    REJECTED = "rejected", _("rejected")


OPEN_STATUSES = (Status.NEW, Status.AWAITING_VERIFICATION, Status.VERIFIED)


class Channel(models.TextChoices):
    """How the request reached the company (Rt5). Staff enter the last four; "staff" is
    what the API files when no channel is named (and what older staff entries carry)."""

    WEB = "web", _("web form")
    EMAIL = "email", _("e-mail")
    STAFF = "staff", _("entered by staff")
    LETTER = "letter", _("letter")
    PHONE = "phone", _("telephone")
    IN_PERSON = "in_person", _("in person")


# The channels staff may name when they register a request that did not come in online.
STAFF_CHANNELS = (Channel.LETTER, Channel.PHONE, Channel.IN_PERSON)

#: `detail["outcome"]` of a request answered "we hold no data about you": the register was
#: searched for the requester's address and held nothing (Art. 15(1): confirming that no
#: data are processed IS the answer). Rt1/Rt3/Rt4 accept it in place of an export or receipt.
NO_DATA_HELD = "no_data_held"


class DataSubjectRequest(SealedMixin):
    """One request. The sealed secret is JSON {name, email, subject, message, address}
    (`address`: the postal address of a request by letter, "" otherwise)."""

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    kind = models.CharField(max_length=16, choices=[(k, k) for k in kinds.ALL_KINDS],
                            db_index=True)
    classified_kind = models.CharField(max_length=16, blank=True)  # the classifier's guess
    confidence = models.FloatField(default=1.0)
    channel = models.CharField(max_length=16, choices=Channel.choices)
    language = models.CharField(max_length=2, default="nl")
    status = models.CharField(max_length=24, choices=Status.choices, default=Status.NEW,
                              db_index=True)
    person_ref = models.CharField(max_length=64, blank=True, db_index=True)
    # The blind index of the requester's e-mail address (vault.blind, HMAC): staff find a
    # request by the address without decrypting or scanning rows (#15); cleared with the
    # contact details. "" without an address and for requests filed before it existed.
    email_index = models.CharField(max_length=64, blank=True, default="", db_index=True)
    # The blind index of each word of the name the requester wrote (requests.name_words):
    # staff find a request matched to nobody by that name (#15); cleared with the contact
    # details.
    name_index = models.CharField(max_length=name_words.INDEX_LENGTH, blank=True,
                                  default="")
    # Rt6 / Art. 12(3): the two clocks run from received_at.
    received_at = models.DateTimeField(db_index=True)
    statement_deadline = models.DateTimeField(db_index=True)
    legal_deadline = models.DateTimeField()
    verification_hash = models.CharField(max_length=64, blank=True)
    verification_sent_at = models.DateTimeField(null=True, blank=True)
    verified_at = models.DateTimeField(null=True, blank=True)
    reminder_sent_at = models.DateTimeField(null=True, blank=True)
    escalated_at = models.DateTimeField(null=True, blank=True)
    legal_escalated_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_how = models.CharField(max_length=64, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    contact_cleared_at = models.DateTimeField(null=True, blank=True)
    detail = models.JSONField(default=dict)  # never personal data: counts, refs, reasons

    class Meta:
        ordering = ["statement_deadline", "id"]

    def __str__(self) -> str:
        # Never the requester: str() ends up in logs and tracebacks.
        return f"request {self.reference} ({self.kind}, {self.status})"

    @property
    def reference(self) -> str:
        """The short reference the person and staff quote, e.g. "VZ-1A2B3C4D"."""
        return "VZ-" + self.uid.hex[:8].upper()

    def contact(self) -> dict[str, str]:
        """The requester's {name, email, subject, message, address}; empty strings once
        cleared (and "address" for requests sealed before it existed)."""
        empty = {"name": "", "email": "", "subject": "", "message": "", "address": ""}
        if not self.ciphertext:
            return empty
        data: dict[str, str] = json.loads(self.get_secret())
        return {**empty, **data}

    def set_contact(self, *, name: str, email: str, subject: str = "",
                    message: str = "", address: str = "") -> None:
        self.set_secret(json.dumps({"name": name, "email": email, "subject": subject,
                                    "message": message, "address": address},
                                   ensure_ascii=False))
        self.email_index = blind_index(email, kind="email") if email.strip() else ""
        self.name_index = name_words.name_index(name)

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def days_left(self, now: datetime) -> int:
        """Whole days until the statement's deadline (negative when overdue)."""
        return math.floor((self.statement_deadline - now).total_seconds() / 86400)


class RequestEvent(models.Model):
    """One step on a request's timeline: who did what, when. `note` holds no personal data."""

    request = models.ForeignKey(DataSubjectRequest, on_delete=models.CASCADE,
                                related_name="events")
    at = models.DateTimeField()
    actor = models.CharField(max_length=150)
    action = models.CharField(max_length=32)
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.action} ({self.request_id})"


class Delivery(models.Model):
    """An expiring, single-use download of an export (never an e-mail attachment).

    The file on disk is sealed with AES-GCM under `key_id`; the link carries a random token
    of which only the SHA-256 is stored. The file is deleted after one download or at
    `expires_at`, whichever comes first.
    """

    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    request = models.ForeignKey(DataSubjectRequest, on_delete=models.CASCADE,
                                related_name="deliveries")
    kind = models.CharField(max_length=16)  # access | portability
    token_hash = models.CharField(max_length=64, unique=True)
    key_id = models.CharField(max_length=40)
    file_name = models.CharField(max_length=100)
    size = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField(db_index=True)
    downloaded_at = models.DateTimeField(null=True, blank=True)
    deleted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"delivery {self.uid} ({self.kind})"

    def as_dict(self) -> dict[str, Any]:
        return {"uid": str(self.uid), "kind": self.kind, "created_at": self.created_at,
                "expires_at": self.expires_at, "downloaded_at": self.downloaded_at,
                "deleted_at": self.deleted_at}


class FiledMail(models.Model):
    """One mailbox message that was handled, written in the same transaction as what it
    filed: a message is filed once even if the reader stops between committing and flagging
    it in the mailbox. `mail_key` is the sha256 of its Message-ID (no content)."""

    mail_key = models.CharField(max_length=64, unique=True)
    filed_at = models.DateTimeField()
    outcome = models.CharField(max_length=16)  # request | triage | concern | rejected

    def __str__(self) -> str:
        return f"filed mail {self.pk} ({self.outcome})"
