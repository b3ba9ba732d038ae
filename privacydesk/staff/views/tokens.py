"""API tokens in the back office (Sec1, Sec3; issue #13, 5.2): list and revoke.

Every signed-in staff member sees and revokes the tokens of their own account; the policy's
`manage_staff` permission shows and revokes everyone's (403 otherwise). The rules are in
`privacydesk.staff.tokens`; tokens appear by name and short id, never by their secret.
Creating a token stays with the operator (`privacydesk token create`).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from privacydesk.policy import clock
from privacydesk.policy.errors import RuleViolation
from privacydesk.staff import tokens
from privacydesk.staff.models import ApiToken, StaffUser
from privacydesk.staff.permissions import has_permission
from privacydesk.staff.views.common import actor

STATES = {"active": gettext_lazy("active"), "expired": gettext_lazy("expired"),
          "revoked": gettext_lazy("revoked")}


def _row(token: ApiToken) -> dict[str, Any]:
    # The day of each moment in the policy's time zone (policy.clock), as everywhere.
    return {"token": token, "state": STATES[tokens.state(token)],
            "created_on": clock.day_of(token.created_at),
            "expires_on": clock.day_of(token.expires_at) if token.expires_at else None,
            "revocable": token.revoked_at is None}


@require_GET
def token_list(request: HttpRequest) -> HttpResponse:
    """Own tokens; a manager of staff sees every account's, or one account's (?user=)."""
    viewer: StaffUser = request.user  # type: ignore[assignment]
    username = request.GET.get("user") or None
    try:
        found = tokens.visible_tokens(viewer, username)
    except RuleViolation as error:
        if error.rule == "Sec3":
            raise PermissionDenied
        messages.error(request, _(error.message))
        return redirect("staff:token_list")
    manager = has_permission(viewer, "manage_staff")
    return render(request, "staff/token_list.html", {
        "rows": [_row(t) for t in found[:500]], "manager": manager, "username": username,
        "accounts": StaffUser.objects.order_by("username") if manager else ()})


@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(ApiToken.objects.select_related("user"), pk=pk)
    viewer: StaffUser = request.user  # type: ignore[assignment]
    if not tokens.may_revoke(viewer, token):
        raise PermissionDenied
    try:
        tokens.revoke_token(token, viewer, actor=actor(request))
    except RuleViolation as error:
        messages.error(request, _(error.message))
    else:
        messages.success(request, _("The token %(name)s (%(short_id)s) is revoked.")
                         % {"name": token.name, "short_id": token.short_id})
    return redirect("staff:token_list")
