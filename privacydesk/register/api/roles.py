"""/persons/{ref}/roles: the roles that link a person to the controller (S1).

Whether a role may be given (known kind, a contact names its organisation, an end not
before the start) is the register service's rule; this router only translates.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.http import HttpRequest
from ninja import Router

from privacydesk.api.auth import staff_user
from privacydesk.api.schemas import ERRORS_404
from privacydesk.register import services
from privacydesk.register.api import lookup
from privacydesk.register.api.schemas import RoleEndIn, RoleIn, RoleOut

router = Router(tags=["roles"])


@router.get("/{uuid:ref}/roles", response={200: list[RoleOut], **ERRORS_404},
            summary="A person's roles")
def list_roles(request: HttpRequest, ref: UUID) -> Any:
    staff_user(request)
    return lookup.person(ref).roles.all()


@router.post("/{uuid:ref}/roles", response={201: RoleOut, **ERRORS_404},
             summary="Give a person a role")
def add_role(request: HttpRequest, ref: UUID, payload: RoleIn) -> Any:
    user = staff_user(request)
    person = lookup.person(ref)
    organisation = lookup.named_organisation(payload.organisation)
    role = services.add_role(person, payload.kind, actor=user.username,
                             organisation=organisation, started_on=payload.started_on)
    return 201, role


@router.post("/{uuid:ref}/roles/{int:role_id}/end", response={200: RoleOut, **ERRORS_404},
             summary="End a role on a date")
def end_role(request: HttpRequest, ref: UUID, role_id: int, payload: RoleEndIn) -> Any:
    user = staff_user(request)
    role = lookup.role(lookup.person(ref), role_id)
    return services.end_role(role, payload.ended_on, actor=user.username)
