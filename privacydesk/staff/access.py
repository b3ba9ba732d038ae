"""Access markers and checks for views (Sec1, Sec3: deny by default, least privilege).

Every view is closed unless it says otherwise. Whether a view needs sign-in at all is
Django's own marker, read by Django's LoginRequiredMiddleware (privacydesk.staff.middleware)
and by the route-enumeration test:

    @login_not_required               (django.contrib.auth.decorators) open to anyone: the
                                      login pages, the public website, data subjects' links

The markers below only set attributes on the view function; the staff middleware and the
route-enumeration test read them:

    @protocol_exempt                  signed in with MFA, but the protocol need not be accepted
    @require_staff_role("privacy_officer")          403 for every other staff role
    @require_permission("manage_staff")             403 unless the policy grants it (Sec3)
    @require_category("identity")                   403 unless the role may see the category

The checks raise PermissionDenied, which Django renders as the 403 page.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from privacydesk.staff import permissions

PROTOCOL_EXEMPT_ATTR = "privacydesk_protocol_exempt"
ROLES_ATTR = "privacydesk_staff_roles"
PERMISSION_ATTR = "privacydesk_permission"
CATEGORY_ATTR = "privacydesk_category"

View = TypeVar("View", bound=Callable[..., Any])


def protocol_exempt(view: View) -> View:
    """Mark `view` as reachable before the staff protocol is accepted (it shows no personal
    data: the protocol page itself, MFA management)."""
    setattr(view, PROTOCOL_EXEMPT_ATTR, True)
    return view


def needs_login(view: Callable[..., Any]) -> bool:
    """Whether `view` is closed to anyone not signed in: Django's `login_required` attribute
    (as LoginRequiredMiddleware reads it), True unless the view is `@login_not_required`."""
    return bool(getattr(view, "login_required", True))


def is_protocol_exempt(view: Callable[..., Any]) -> bool:
    return bool(getattr(view, PROTOCOL_EXEMPT_ATTR, False))


def _guarded(check: Callable[[HttpRequest], bool], attr: str, value: Any) -> Callable[[View], View]:
    def decorator(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
            if not check(request):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        setattr(wrapper, attr, value)
        return wrapper  # type: ignore[return-value]

    return decorator


def require_staff_role(*roles: str) -> Callable[[View], View]:
    """Refuse (403) every user whose staff role is not one of `roles`."""
    allowed = frozenset(roles)
    return _guarded(
        lambda request: getattr(request.user, "staff_role", None) in allowed, ROLES_ATTR, allowed)


def require_permission(permission: str) -> Callable[[View], View]:
    """Refuse (403) unless the policy gives the user's staff role `permission`."""
    return _guarded(
        lambda request: permissions.has_permission(request.user, permission),
        PERMISSION_ATTR, permission)


def require_category(category: str) -> Callable[[View], View]:
    """Refuse (403) unless the user's staff role may see `category` (Sec1)."""
    return _guarded(
        lambda request: category in permissions.visible_categories(request.user),
        CATEGORY_ATTR, category)


def ensure_category(user: Any, category: str) -> None:
    """Raise PermissionDenied unless `user` may see `category` (for categories from the URL)."""
    if category not in permissions.visible_categories(user):
        raise PermissionDenied
