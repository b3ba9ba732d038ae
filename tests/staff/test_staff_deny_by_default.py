"""Sec1, Sec3: deny by default. Every route of the project — including routes other packages
add later — refuses anonymous visitors and half-signed-in staff unless its view is marked
`@login_not_required` (read through the `login_required` attribute Django's
LoginRequiredMiddleware reads), every role-restricted page refuses the roles it does not
name, and every API operation refuses a request without a token."""

from __future__ import annotations

import pytest
from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse
from django.test import Client, override_settings
from django.urls import path

from privacydesk.policy.active import get_policy
from privacydesk.project.api import api
from privacydesk.staff import access
from privacydesk.staff.permissions import roles_seeing, roles_with_permission

from .routes import all_routes, api_path_view

REFUSED = (302, 401, 403)
METHODS = ("get", "post")


def _is_api(route) -> bool:
    return route.path.startswith("/api/")


def _is_static(route) -> bool:
    return route.path.startswith("/static/")


def _needs_login(route) -> bool:
    # Django's own marker: @login_not_required sets it to False; unmarked views need login.
    return getattr(route.callback, "login_required", True)


def _closed_routes():
    return [r for r in all_routes() if not _is_static(r) and _needs_login(r)]


def _assert_refused(response, route, method: str, who: str) -> None:
    assert response.status_code in REFUSED, (
        f"{method.upper()} {route.path} ({route.name}) answered {response.status_code} "
        f"to {who}; mark the view @login_not_required if that is intended")
    if response.status_code == 302:
        assert response["Location"].startswith(("/staff/login/", "/staff/protocol/")), (
            f"{route.path} redirected {who} to {response['Location']}")


def test_the_walk_finds_the_back_office_and_the_api():
    paths = {r.path for r in all_routes()}
    assert "/staff/persons/" in paths and "/staff/users/" in paths
    assert {"/staff/tokens/", "/staff/tokens/1/revoke/", "/staff/users/1/lift-pause/",
            "/staff/jobs/"} <= paths
    assert any(p.startswith("/api/v1/") for p in paths)


# The only staff pages open to a visitor who is not signed in: the way in and the way out.
SIGN_IN_PAGES = {"/staff/login/", "/staff/mfa/", "/staff/mfa/setup/", "/staff/logout/"}


def test_the_api_is_token_only_and_no_other_staff_page_is_open():
    open_routes = [r for r in all_routes() if not _needs_login(r)]
    # The API answers for itself with a bearer token (tested below and in tests/api): a
    # staff session's login redirect must not stand in front of it.
    api_routes = [r for r in all_routes() if _is_api(r)]
    assert api_routes and all(not _needs_login(r) for r in api_routes)
    open_staff = {r.path for r in open_routes if r.path.startswith("/staff/")}
    assert open_staff == SIGN_IN_PAGES


@pytest.mark.django_db
def test_every_closed_route_refuses_an_anonymous_visitor():
    client = Client()
    routes = _closed_routes()
    assert len(routes) >= 15
    for route in routes:
        for method in METHODS:
            _assert_refused(getattr(client, method)(route.path), route, method, "anonymous")
            json = getattr(client, method)(route.path, HTTP_ACCEPT="application/json")
            assert json.status_code in (401, 403), f"{route.path}: JSON client got {json}"


def test_every_closed_route_refuses_staff_who_skipped_the_second_factor(make_staff):
    client = Client()
    client.force_login(make_staff("privacy_officer"))  # password only, no MFA mark
    for route in _closed_routes():
        for method in METHODS:
            _assert_refused(getattr(client, method)(route.path), route, method,
                            "a user without MFA")


def _allowed_roles(callback) -> frozenset[str] | None:
    """The staff roles a route admits by its markers, or None if it names none."""
    allowed: frozenset[str] | None = None
    for attr, roles_of in (
        (access.ROLES_ATTR, lambda value: frozenset(value)),
        (access.PERMISSION_ATTR, roles_with_permission),
        (access.CATEGORY_ATTR, roles_seeing),
    ):
        value = getattr(callback, attr, None)
        if value is not None:
            roles = roles_of(value)
            allowed = roles if allowed is None else allowed & roles
    return allowed


def test_every_role_restricted_route_refuses_the_other_roles(staff_client):
    every_role = set(get_policy().staff_roles)
    clients = {role: staff_client(role) for role in every_role}
    restricted = [(r, _allowed_roles(r.callback)) for r in _closed_routes()]
    restricted = [(r, allowed) for r, allowed in restricted if allowed is not None]
    assert any(r.path == "/staff/users/" for r, _ in restricted)
    for route, allowed in restricted:
        for role in sorted(every_role - allowed):
            answers = {m: getattr(clients[role], m)(route.path).status_code for m in METHODS}
            assert 403 in answers.values() and not any(
                200 <= code < 400 for code in answers.values()), (
                f"{route.path} ({route.name}) let staff role {role!r} in: {answers}")


def _api_operations():
    """(path, method) of every operation the NinjaAPI registered, from its own routers."""
    found = set()
    for route in all_routes():
        path_view = api_path_view(route.callback)
        for operation in getattr(path_view, "operations", ()):
            for method in operation.methods:
                found.add((route.path, method.lower()))
    return sorted(found)


@pytest.mark.django_db
def test_every_api_operation_refuses_a_request_without_a_token():
    operations = _api_operations()
    registered = sum(len(op.methods) for _, router in api._routers
                     for view in router.path_operations.values() for op in view.operations)
    assert len(operations) == registered > 0
    client = Client()
    for url, method in operations:
        response = getattr(client, method)(url, content_type="application/json")
        assert response.status_code == 401, f"{method.upper()} {url}: {response.status_code}"
        bad = getattr(client, method)(url, content_type="application/json",
                                      HTTP_AUTHORIZATION="Bearer pd_not-a-token")
        assert bad.status_code == 401, f"{method.upper()} {url} with a bad token: {bad}"


def _unmarked(request):
    return HttpResponse("personal data")


@login_not_required
def _marked(request):
    return HttpResponse("public")


urlpatterns = [path("new-feature/", _unmarked), path("open/", _marked)]


@pytest.mark.django_db
@override_settings(ROOT_URLCONF=__name__)
def test_a_new_view_nobody_marked_is_closed_and_a_marked_one_open():
    client = Client()
    assert client.get("/new-feature/").status_code == 302
    assert client.get("/open/").status_code == 200
