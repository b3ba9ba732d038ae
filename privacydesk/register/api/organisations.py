"""/organisations: the companies whose representatives the register holds (S1).

Organisations are business data, addressed by id.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router
from ninja.pagination import paginate

from privacydesk.api.auth import staff_user
from privacydesk.api.paging import Paged
from privacydesk.api.schemas import ERRORS, ERRORS_404
from privacydesk.register import services
from privacydesk.register.api import lookup
from privacydesk.register.api.schemas import OrganisationIn, OrganisationOut
from privacydesk.register.models import Organisation

router = Router(tags=["organisations"])


@router.get("", response={200: list[OrganisationOut], **ERRORS}, summary="List organisations")
@paginate(Paged)
def list_organisations(request: HttpRequest) -> Any:
    staff_user(request)
    return Organisation.objects.order_by("name", "id")


@router.get("/{int:organisation_id}", response={200: OrganisationOut, **ERRORS_404},
            summary="Read an organisation")
def get_organisation(request: HttpRequest, organisation_id: int) -> Any:
    staff_user(request)
    return lookup.organisation(organisation_id)


@router.post("", response={201: OrganisationOut, **ERRORS}, summary="Register an organisation")
def create_organisation(request: HttpRequest, payload: OrganisationIn) -> Any:
    user = staff_user(request)
    org = services.create_organisation(payload.name, actor=user.username,
                                       coc_number=payload.coc_number)
    return 201, org

