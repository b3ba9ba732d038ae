"""/api/v1/access: server access for API clients and servers' login hooks (A1, A2).

Routers only translate: the rules are in access.requests / access.grants (RuleViolation ->
422, unknown id -> 404). A certificate leaves privacydesk only to its requester (A2): in
`/grants/mine` and `/grants/{id}/certificate`; every other grant response leaves it out.
request_access: key, requests, own grants and certificates;
grant_access: decisions, all grants, revocation, client servers. Any staff token may report
the use of a certificate serial (a server's login hook) and fetch the KRL.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Field, Router, Schema

from privacydesk.access import grants
from privacydesk.access import requests as access
from privacydesk.access.models import AccessRequest, ClientServer, Grant
from privacydesk.api.auth import require_permission, staff_user
from privacydesk.api.errors import Forbidden, NotFound
from privacydesk.api.schemas import ERRORS, ERRORS_404
from privacydesk.register.models import Agreement, Organisation

router = Router(tags=["access"])
ASK, DECIDE = "request_access", "grant_access"


class ServerIn(Schema):
    host: str
    organisation: int | None = None
    agreement: int | None = None
    host_key_fingerprint: str = ""


class ServerOut(Schema):
    id: int
    host: str
    organisation: int | None = Field(None, alias="organisation_id")
    agreement: int | None = Field(None, alias="agreement_id")
    host_key_fingerprint: str


class KeyIn(Schema):
    public_key: str


class AccessRequestIn(Schema):
    server: int
    principal: str
    action: str = Field(description="the action the access is for (A2), required")
    minutes: int | None = None
    agreement: int | None = Field(None, description="the SLA or one-off covering the server")
    repair_reference: str = Field("", description="urgent repair: the client's reference")
    repair_contact_ref: str = Field("", description="urgent repair: who asked (person ref)")
    force_command: str = ""


class AccessRequestOut(Schema):
    id: int
    server: int = Field(alias="server_id")
    principal: str
    action: str
    minutes: int
    basis: str
    agreement: int | None = Field(None, alias="agreement_id")
    repair_reference: str
    requested_by: str
    requested_at: datetime
    status: str
    decided_by: str
    refusal_reason: str


class GrantOut(Schema):
    """A grant as deciders see it: no certificate (A2: only the requester holds that)."""

    id: int
    request: int = Field(alias="request_id")
    key_id: str
    serial: int
    principal: str
    valid_after: datetime
    valid_before: datetime
    revoked_at: datetime | None


class OwnGrantOut(GrantOut):
    """One of the caller's own grants, with the certificate to log in with."""

    certificate: str


class ReasonIn(Schema):
    reason: str = ""


class UseIn(Schema):
    serial: int
    host: str


def _get(model: Any, pk: int | None, field: str) -> Any:
    found = model.objects.filter(pk=pk).first() if pk is not None else None
    if pk is not None and found is None:
        raise NotFound(field, f"no {model._meta.verbose_name} has this id")
    return found


@router.get("/servers", response={200: list[ServerOut], **ERRORS})
def list_servers(request: HttpRequest) -> Any:
    require_permission(request, ASK)
    return list(ClientServer.objects.all()[:1000])


@router.post("/servers", response={201: ServerOut, **ERRORS})
def add_server(request: HttpRequest, payload: ServerIn) -> Any:
    user = require_permission(request, DECIDE)
    return 201, access.add_server(
        payload.host, organisation=_get(Organisation, payload.organisation, "organisation"),
        agreement=_get(Agreement, payload.agreement, "agreement"),
        host_key_fingerprint=payload.host_key_fingerprint, actor=user)


@router.put("/key", response={200: dict[str, Any], **ERRORS}, summary="Store your SSH key")
def upload_key(request: HttpRequest, payload: KeyIn) -> Any:
    key = access.upload_key(require_permission(request, ASK), payload.public_key)
    return {"type": key.key_type, "bits": key.bits, "fingerprint": key.fingerprint}


@router.post("/requests", response={201: AccessRequestOut, **ERRORS})
def new_request(request: HttpRequest, payload: AccessRequestIn) -> Any:
    user = require_permission(request, ASK)
    return 201, access.request_access(
        user, server=_get(ClientServer, payload.server, "server"), principal=payload.principal,
        action=payload.action, minutes=payload.minutes,
        agreement=_get(Agreement, payload.agreement, "agreement"),
        repair_reference=payload.repair_reference,
        repair_contact_ref=payload.repair_contact_ref, force_command=payload.force_command)


@router.get("/requests", response={200: list[AccessRequestOut], **ERRORS},
            summary="Pending requests")
def pending(request: HttpRequest) -> Any:
    require_permission(request, DECIDE)
    return list(AccessRequest.objects.filter(status=AccessRequest.PENDING)[:500])


@router.post("/requests/{int:pk}/approve", response={201: GrantOut, **ERRORS_404})
def approve(request: HttpRequest, pk: int) -> Any:
    user = require_permission(request, DECIDE)
    return 201, grants.approve(_get(AccessRequest, pk, "pk"), user)


@router.post("/requests/{int:pk}/refuse", response={200: AccessRequestOut, **ERRORS_404})
def refuse(request: HttpRequest, pk: int, payload: ReasonIn) -> Any:
    user = require_permission(request, DECIDE)
    return grants.refuse(_get(AccessRequest, pk, "pk"), user, payload.reason)


@router.get("/grants/mine", response={200: list[OwnGrantOut], **ERRORS})
def my_grants(request: HttpRequest) -> Any:
    user = require_permission(request, ASK)
    return list(Grant.objects.filter(request__requester=user)[:200])


@router.get("/grants", response={200: list[GrantOut], **ERRORS}, summary="All grants")
def all_grants(request: HttpRequest) -> Any:
    require_permission(request, DECIDE)
    return list(Grant.objects.all()[:500])


@router.get("/grants/{int:pk}/certificate", response={200: str, **ERRORS_404})
def certificate(request: HttpRequest, pk: int) -> Any:
    user = require_permission(request, ASK)
    grant = _get(Grant, pk, "pk")
    if grant.request.requester_id != user.pk:
        raise Forbidden("A2", "only the requester downloads a certificate", field="pk")
    return HttpResponse(grant.certificate + "\n", content_type="text/plain; charset=ascii")


@router.post("/grants/{int:pk}/revoke", response={200: GrantOut, **ERRORS_404})
def revoke(request: HttpRequest, pk: int, payload: ReasonIn) -> Any:
    user = require_permission(request, ASK)
    return grants.revoke(_get(Grant, pk, "pk"), user, payload.reason)


@router.post("/uses", response={201: dict[str, Any], **ERRORS_404},
             summary="A server's login hook reports the use of a certificate serial")
def record_use(request: HttpRequest, payload: UseIn) -> Any:
    # A2: only an account of the access roles reports uses (the hook's own token), so no
    # other staff member can write a login into a grant's history.
    use = grants.record_use(payload.serial, payload.host, require_permission(request, ASK))
    return 201, {"grant": use.grant_id, "at": use.at.isoformat()}


@router.get("/krl", response={200: bytes, **ERRORS}, summary="The KRL of revoked serials")
def krl(request: HttpRequest) -> Any:
    staff_user(request)
    path = grants.export_krl(grants.krl_path())
    return HttpResponse(path.read_bytes(), content_type="application/octet-stream")
