"""The shapes the register's routers read and write. Persons appear only by `ref`, never by
row id.

Output schemas carry no logic: routers build them from register models and the services'
read results; which categories are in a response is decided before (Sec1). The class names
are the OpenAPI component names: a new shape needs a name no other router uses
(tests/api/test_api_openapi.py).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import UUID

from ninja import Field, Schema


class RoleOut(Schema):
    id: int
    kind: str
    organisation: int | None = Field(None, description="organisation id (contacts)")
    started_on: date
    ended_on: date | None = None

    @staticmethod
    def resolve_organisation(obj: Any) -> int | None:
        return obj.organisation_id


class PersonOut(Schema):
    """A person as lists show it: pseudonymous ref and roles, no personal data."""

    ref: UUID
    created_at: datetime
    restricted: bool
    roles: list[RoleOut]


class DatumOut(Schema):
    id: int
    category: str
    values: dict[str, Any]
    source: str
    purpose: str
    legal_basis: str
    agreement: str | None = Field(None, description="the agreement's reference (P3)")
    delete_after: date | None = None
    restricted: bool


class PersonDetailOut(PersonOut):
    """A person's detail: only the categories the token's staff role may see (Sec1)."""

    data: dict[str, list[DatumOut]] = Field(description="category key -> data")


class PersonIn(Schema):
    purpose: str = Field(description="why the person is registered (a policy purpose)")
    source: str = Field(description="where the data came from (C1: a policy source)")


class RoleIn(Schema):
    kind: str = Field(description="a policy role: customer, prospect, employee, ...")
    organisation: int | None = Field(None, description="organisation id; required for contact")
    started_on: date | None = None


class RoleEndIn(Schema):
    ended_on: date


class DatumIn(Schema):
    values: dict[str, Any] = Field(description="the category's fields, e.g. {\"address\": ...}")
    source: str
    purpose: str
    legal_basis: str
    agreement: str | None = Field(None, description="an agreement reference (P3)")


class DatumUpdateIn(Schema):
    values: dict[str, Any]
    purpose: str = Field(description="why it changes, e.g. rectification or a policy purpose")


class OrganisationIn(Schema):
    name: str
    coc_number: str = ""


class OrganisationOut(Schema):
    id: int
    name: str
    coc_number: str
    created_at: datetime


class RecipientIn(Schema):
    """D2: a third party the agreement says must receive these categories."""

    recipient: str
    categories: list[str]
    legal_basis: str = Field(description="contract or legal_obligation")
    purpose: str


class RecipientOut(RecipientIn):
    id: int


class PartyIn(Schema):
    person: UUID = Field(description="the person's ref")


class AgreementIn(Schema):
    kind: str = Field(description="one_off or sla")
    reference: str
    title: str
    organisation: int | None = None
    starts_on: date
    ends_on: date | None = None
    parties: list[UUID] = Field([], description="the refs of the persons party to it")
    recipients: list[RecipientIn] = Field([], description="D2: who must receive what")


class AgreementEndIn(Schema):
    ends_on: date | None = Field(description="the new end; null for open-ended")


class AgreementOut(Schema):
    id: int
    kind: str
    reference: str
    title: str
    organisation: int | None = None
    starts_on: date
    ends_on: date | None = None
    parties: list[UUID] = Field(description="the refs of the parties")
    recipients: list[RecipientOut]

    @staticmethod
    def resolve_organisation(obj: Any) -> int | None:
        return obj.organisation_id

    @staticmethod
    def resolve_parties(obj: Any) -> list[UUID]:
        return [party.person.ref for party in obj.parties.all()]
