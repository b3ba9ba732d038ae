"""/api/v1/tokens: API tokens listed and revoked (Sec1, Sec3; issue #13, 5.2).

Every staff token may list and revoke its own account's tokens; the policy's `manage_staff`
permission covers every account's (403 rule "Sec3" otherwise). The rules are in
`privacydesk.staff.tokens`; a token is shown by its name and short id, never its secret.
Creating tokens stays with the operator (`privacydesk token create`).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema

from privacydesk.api.auth import staff_user
from privacydesk.api.errors import Forbidden, NotFound
from privacydesk.api.schemas import ERRORS, ERRORS_404
from privacydesk.policy.errors import RuleViolation
from privacydesk.staff import tokens
from privacydesk.staff.models import ApiToken

router = Router(tags=["tokens"])
LIST_LIMIT = 500


class ApiTokenOut(Schema):
    id: int
    name: str
    short_id: str = Field(description="the token's first characters, never its secret")
    user: str = Field(description="the staff account's user name")
    created_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None
    last_used_on: date | None = Field(description="the day of the last use (no time)")
    state: str = Field(description="active | expired | revoked")


def _out(token: ApiToken) -> dict[str, Any]:
    return {"id": token.pk, "name": token.name, "short_id": token.short_id,
            "user": token.user.get_username(), "created_at": token.created_at,
            "expires_at": token.expires_at, "revoked_at": token.revoked_at,
            "last_used_on": token.last_used_on, "state": tokens.state(token)}


@router.get("", response={200: list[ApiTokenOut], **ERRORS},
            summary="Your API tokens (everyone's with manage_staff)")
def list_tokens(request: HttpRequest, user: str | None = None) -> Any:
    """Own tokens; with `manage_staff` every account's, or one account's with `?user=`."""
    try:
        found = tokens.visible_tokens(staff_user(request), user)
    except RuleViolation as error:
        if error.rule == "Sec3":
            raise Forbidden("Sec3", error.message, field="user")
        raise
    return [_out(token) for token in found[:LIST_LIMIT]]


@router.post("/{int:pk}/revoke", response={200: ApiTokenOut, **ERRORS_404},
             summary="Revoke a token (own; anyone's with manage_staff)")
def revoke(request: HttpRequest, pk: int) -> Any:
    viewer = staff_user(request)
    token = ApiToken.objects.select_related("user").filter(pk=pk).first()
    if token is None:
        raise NotFound("pk", "no API token has this id")
    if not tokens.may_revoke(viewer, token):
        raise Forbidden("Sec3", "you may revoke only your own tokens; others' need the "
                        "permission 'manage_staff'", field="pk")
    return _out(tokens.revoke_token(token, viewer, actor=viewer.get_username()))
