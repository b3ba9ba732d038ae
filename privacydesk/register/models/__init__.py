"""The register's models, re-exported; `DATUM_MODELS` maps policy category keys to models."""

from __future__ import annotations

from privacydesk.register.models.agreements import (
    Agreement,
    AgreementParty,
    AgreementRecipient,
)
from privacydesk.register.models.data import (
    Account,
    Address,
    Datum,
    Email,
    Financial,
    Identity,
    Name,
    Phone,
)
from privacydesk.register.models.external import ExternalId
from privacydesk.register.models.people import Organisation, Person, Role

# Other packages iterate categories through this, never through a list of their own.
DATUM_MODELS: dict[str, type[Datum]] = {
    model.CATEGORY: model
    for model in (Name, Address, Phone, Email, Financial, Account, Identity)
}

__all__ = [
    "DATUM_MODELS",
    "Account",
    "Address",
    "Agreement",
    "AgreementParty",
    "AgreementRecipient",
    "Datum",
    "Email",
    "ExternalId",
    "Financial",
    "Identity",
    "Name",
    "Organisation",
    "Person",
    "Phone",
    "Role",
]
