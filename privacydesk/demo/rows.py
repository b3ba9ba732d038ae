"""The register tables the demo fills, and how one datum becomes one row.

`RegisterTables` holds a `bulk.Table` per register model. Datum rows carry the columns every
category shares (person, source, purpose, basis, agreement), then the category's plain
fields in `register.fields` order, then — for sealed categories — the blind index (e-mail)
and the AES-GCM blob. Sealed values are stored as the register stores them: the sealed
fields as one JSON object, bound (AAD) to the model label and the person's ref
(`SealedMixin.sealed_aad`); a test opens generated rows through the model to keep this true.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any
from uuid import UUID

from privacydesk.demo.bulk import Table
from privacydesk.register.fields import plain_fields, sealed_fields
from privacydesk.register.models import (
    DATUM_MODELS,
    Agreement,
    AgreementParty,
    AgreementRecipient,
    Organisation,
    Person,
    Role,
)
from privacydesk.vault import crypto
from privacydesk.vault.blind import blind_index
from privacydesk.vault.models import sealed_aad_for

# One encoder for all rows: json.dumps(..., ensure_ascii=False) builds a new one per call.
_JSON = json.JSONEncoder(ensure_ascii=False)
_DATUM_BASE = ("person_id", "source", "purpose", "legal_basis", "agreement_id", "delete_after")


class RegisterTables:
    """One insert buffer per register table; `flush()` writes them all, parents first."""

    def __init__(self) -> None:
        self.person = Table(Person, ("id", "ref"))
        self.organisation = Table(Organisation, ("id", "name", "coc_number"))
        self.agreement = Table(Agreement, ("id", "kind", "reference", "title",
                                           "organisation_id", "starts_on", "ends_on"))
        self.party = Table(AgreementParty, ("agreement_id", "person_id"))
        self.recipient = Table(AgreementRecipient, ("agreement_id", "recipient", "categories",
                                                    "legal_basis", "purpose"))
        self.role = Table(Role, ("person_id", "kind", "organisation_id", "started_on",
                                 "ended_on"))
        self.data: dict[str, Table] = {}
        self._plain: dict[str, tuple[str, ...]] = {}
        self._sealed: dict[str, tuple[str, ...]] = {}
        for category, model in DATUM_MODELS.items():
            plain, sealed = plain_fields(category), sealed_fields(category)
            extra = ("address_index",) if category == "email" else ()
            tail = ("key_id", "ciphertext") if sealed else ()
            self.data[category] = Table(model, _DATUM_BASE + plain + extra + tail)
            self._plain[category], self._sealed[category] = plain, sealed
        self.counts: dict[str, int] = {}
        # Agreement id -> end date, so a person's data can be dated as they are generated.
        self.agreement_ends: dict[int, date | None] = {}

    def add_datum(self, category: str, person_id: int, ref: UUID, source: str, purpose: str,
                  basis: str, agreement_id: int | None, values: dict[str, Any],
                  delete_after: date | None = None) -> None:
        """Queue one datum; `values` holds every field of the category (already valid);
        `delete_after` is the policy's deletion date (R1), None while it cannot be known."""
        row: tuple[Any, ...] = (person_id, source, purpose, basis, agreement_id, delete_after)
        row += tuple(values[name] for name in self._plain[category])
        sealed = self._sealed[category]
        if category == "email":
            row += (blind_index(values["address"], kind="email"),)
        if sealed:
            secret = _JSON.encode({name: values[name] for name in sealed})
            aad = sealed_aad_for(DATUM_MODELS[category]._meta.label_lower, ref)
            row += crypto.seal(secret, aad=aad)
        self.data[category].add(row)

    def flush(self) -> None:
        """Insert everything queued, in foreign-key order (call inside a transaction)."""
        order = [("people", self.person), ("organisations", self.organisation),
                 ("agreements", self.agreement), ("parties", self.party),
                 ("recipients", self.recipient), ("roles", self.role),
                 *self.data.items()]
        for name, table in order:
            self.counts[name] = self.counts.get(name, 0) + table.insert()
