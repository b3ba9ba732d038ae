"""Personal data: one model per policy category (C2), all on the abstract `Datum`.

Every datum records where it came from (C1), why it is held and on what basis (Art. 5, 6),
the agreement it serves (P3) and the date it must go (R1, filled by retention). The fields of
each category and which of them are encrypted are declared once, in `register.fields`;
sealed fields are stored together as one AES-GCM blob bound to the person's ref.
"""

from __future__ import annotations

import json
from typing import Any, ClassVar

from django.db import models

from privacydesk.register.fields import plain_fields, sealed_fields
from privacydesk.register.models.agreements import Agreement
from privacydesk.register.models.people import Person
from privacydesk.vault.blind import blind_index
from privacydesk.vault.models import SealedMixin, key_id_field


class Datum(models.Model):
    """Base of every category model. `CATEGORY` is the policy category key.

    Sealed categories list `Datum` before `SealedMixin` so Datum's Meta (ordering) is the
    one inherited; the mixin binds each ciphertext to the model and the person's ref.
    """

    CATEGORY: ClassVar[str] = ""

    person = models.ForeignKey(Person, on_delete=models.CASCADE)
    source = models.CharField(max_length=32)  # C1: a policy source key
    purpose = models.CharField(max_length=32)  # a policy purpose key
    legal_basis = models.CharField(max_length=32)  # a policy legal basis key (Art. 6(1))
    agreement = models.ForeignKey(Agreement, on_delete=models.PROTECT, null=True, blank=True,
                                  related_name="%(class)s_data")  # P3
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    delete_after = models.DateField(null=True, blank=True, db_index=True)  # R1, retention
    restricted = models.BooleanField(default=False)  # GDPR Art. 18

    class Meta:
        abstract = True
        ordering = ["id"]

    def __str__(self) -> str:
        # Never the value: str() ends up in logs and tracebacks.
        return f"{self.CATEGORY} #{self.pk}"

    def get_values(self) -> dict[str, Any]:
        """Return every field of the category as a plain dict, sealed fields decrypted."""
        values = {name: getattr(self, name) for name in plain_fields(self.CATEGORY)}
        if sealed_fields(self.CATEGORY):
            values.update(json.loads(self.get_secret()))  # type: ignore[attr-defined]
        return values

    def set_values(self, values: dict[str, Any]) -> None:
        """Store already validated `values` on this (unsaved or changed) row."""
        for name in plain_fields(self.CATEGORY):
            setattr(self, name, values[name])
        sealed = {name: values[name] for name in sealed_fields(self.CATEGORY)}
        if sealed:
            self.set_secret(json.dumps(sealed, ensure_ascii=False))  # type: ignore[attr-defined]


class Name(Datum):
    CATEGORY = "names"

    given_names = models.CharField(max_length=200)
    infix = models.CharField(max_length=32, blank=True)  # Dutch "tussenvoegsel": van, de, ...
    family_name = models.CharField(max_length=200)

    @staticmethod
    def compose(values: dict[str, Any]) -> str:
        """Return "given infix family" from a names datum's values."""
        parts = (values.get("given_names"), values.get("infix"), values.get("family_name"))
        return " ".join(p for p in parts if p)

    def full_name(self) -> str:
        return self.compose(self.get_values())


class Address(Datum):
    CATEGORY = "address"

    street = models.CharField(max_length=200)
    house_number = models.CharField(max_length=16)
    postcode = models.CharField(max_length=16)
    city = models.CharField(max_length=100)
    country = models.CharField(max_length=2, default="NL")


class Phone(Datum):
    CATEGORY = "phone"

    number = models.CharField(max_length=32)  # E.164


class Email(Datum, SealedMixin):
    """An e-mail address, encrypted; found again only through `address_index` (no scan)."""

    CATEGORY = "email"
    key_id = key_id_field(index=False)  # only `keys reencrypt` selects by it

    address_index = models.CharField(max_length=128, db_index=True)

    def set_values(self, values: dict[str, Any]) -> None:
        super().set_values(values)
        self.address_index = blind_index(values["address"], kind="email")


class Financial(Datum, SealedMixin):
    """C3: IBAN, VAT number, payment terms, ... — only for customers, prospects, employees."""

    CATEGORY = "financial"
    key_id = key_id_field(index=False)  # only `keys reencrypt` selects by it

    kind = models.CharField(max_length=32)


class Account(Datum, SealedMixin):
    """C4: an administrator account of a customer, prospect or employee."""

    CATEGORY = "account"
    key_id = key_id_field(index=False)  # only `keys reencrypt` selects by it

    system = models.CharField(max_length=100)
    is_admin_account = models.BooleanField(default=False)


class Identity(Datum, SealedMixin):
    """C5: an identity document number — only for employees and former employees."""

    CATEGORY = "identity"
    key_id = key_id_field(index=False)  # only `keys reencrypt` selects by it

    kind = models.CharField(max_length=32)
