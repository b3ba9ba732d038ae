"""Bearer-token authentication for every API operation (Sec1, Sec3: deny by default).

`StaffToken` is set as the NinjaAPI's default auth, so an operation without it does not
exist: the route-enumeration test in tests/api proves every operation refuses an anonymous
request and a bad token with 401. Tokens come from `privacydesk token create`; checking them
(hash lookup, expiry, revocation, active account) is `privacydesk.staff.tokens`' job.

Once the token is good, the account must also be allowed to look at personal data at all:
it needs a staff role the policy declares (Sec1) and must have accepted the current staff
protocol (Sec4). Otherwise 403 — the token is valid, the person behind it may not do this.

`token_only` exempts a NinjaAPI's views from the staff session's login redirect (Django's
`LoginRequiredMiddleware`, privacydesk.staff.middleware): the API answers for itself, with
a JSON 401 from `StaffToken`, and a session cookie opens nothing in it.
"""

from __future__ import annotations

from typing import TypeAlias

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest
from django.urls import URLPattern, URLResolver
from ninja.security import HttpBearer

from privacydesk.api.errors import Forbidden, RateLimited
from privacydesk.guard.runtime import get_guard
from privacydesk.policy.active import get_policy
from privacydesk.staff import permissions, protocol
from privacydesk.staff.models import StaffUser
from privacydesk.staff.tokens import authenticate_token, hash_token


class StaffToken(HttpBearer):
    """`Authorization: Bearer pd_…` → the token's active StaffUser, also set as request.user."""

    def authenticate(self, request: HttpRequest, token: str) -> StaffUser | None:
        user = authenticate_token(token)
        if user is None:
            return None
        if user.staff_role not in get_policy().staff_roles:
            raise Forbidden("staff_role", "this account has no staff role; it may not use the API")
        if not protocol.is_current(user.protocol_version_accepted):
            # Sec4: no personal data before the current staff protocol is accepted.
            raise Forbidden("Sec4", "accept the current staff protocol (in the back office) "
                            "before using the API")
        # Sec3: a busy client is slowed down per token, never banned as an address (W2 is
        # for break-ins; #13.5.3). Counted only for a good token of an allowed account.
        verdict = get_guard().token_rate(hash_token(token))
        if not verdict.allowed:
            limits = get_policy().api
            raise RateLimited(verdict.retry_after, (
                f"this API token made more than {limits.requests_per_window} calls in "
                f"{limits.window_seconds} seconds; retry after {verdict.retry_after} seconds"))
        request.user = user
        return user


ApiUrls: TypeAlias = tuple[list[URLResolver | URLPattern], str, str]


def token_only(urls: ApiUrls) -> ApiUrls:
    """Return a NinjaAPI's `.urls` with every view marked `@login_not_required` (Sec1).

    Every operation authenticates itself (the API's default auth is StaffToken, proven by the
    route enumeration in tests/api); the OpenAPI document, the docs page and ninja's root
    carry no data. A nested resolver (ninja makes none) would stay behind the login: closed.
    """
    patterns, _app_name, _namespace = urls
    for pattern in patterns:
        if isinstance(pattern, URLPattern):
            login_not_required(pattern.callback)
    return urls


def staff_user(request: HttpRequest) -> StaffUser:
    """The authenticated account of this request (set by StaffToken)."""
    user = request.auth  # type: ignore[attr-defined]
    assert isinstance(user, StaffUser)
    return user


def require_permission(request: HttpRequest, permission: str) -> StaffUser:
    """Return the account, or raise Forbidden unless the policy grants its role `permission`."""
    user = staff_user(request)
    if not permissions.has_permission(user, permission):
        raise Forbidden("Sec3", f"your staff role lacks the permission {permission!r}")
    return user


def require_category(request: HttpRequest, category: str) -> StaffUser:
    """Return the account, or raise Forbidden unless its role may see `category` (Sec1)."""
    user = staff_user(request)
    if category not in permissions.visible_categories(user):
        raise Forbidden("Sec1", f"your staff role may not see or change {category} data",
                        field="category")
    return user
