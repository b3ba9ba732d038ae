"""Deny by default (Sec1, Sec3): no operation of the API answers without a valid token.

The operations are not listed by hand: they are read from the NinjaAPI's URL patterns, so
an operation added tomorrow is covered by these tests without anyone remembering to.
"""

from __future__ import annotations

import re
import uuid
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern

from privacydesk.project.api import api

from .conftest import Api, only_error

METHODS = ("get", "post", "put", "patch", "delete")
# The only routes that are public on purpose: the API's description (no personal data) and
# ninja's root, which answers 404.
PUBLIC_NAMES = {"openapi-json", "openapi-view", "api-root"}


def _concrete(route: str) -> str:
    """A URL for a Django route, each <converter:name> replaced by a well-formed value."""
    def value(match: re.Match[str]) -> str:
        converter = match.group(1) or "str"
        if "uuid" in converter:
            return str(uuid.uuid4())
        if converter == "int":
            return "1"
        return "names"
    return "/api/v1/" + re.sub(r"<(?:(\w+):)?(\w+)>", value, route)


def operation_urls() -> list[tuple[str, str]]:
    patterns, _app, _ns = api.urls
    urls = {(str(p.name), _concrete(str(p.pattern))) for p in patterns
            if isinstance(p, URLPattern) and p.name not in PUBLIC_NAMES}
    assert len(urls) + len(PUBLIC_NAMES) == len(patterns)  # no nested resolver slipped by
    return sorted(urls)


def test_the_enumeration_finds_every_router() -> None:
    urls = [url for _name, url in operation_urls()]
    for prefix in ("/persons", "/organisations", "/agreements", "/data/", "/roles", "/tokens"):
        assert any(prefix in url for url in urls), prefix
    assert len(urls) >= 10


def test_every_operation_declares_token_auth() -> None:
    # The operations as mounted (ninja binds a copy of each router to the API, with the
    # API's default auth applied); this also covers operations left out of the OpenAPI
    # document (include_in_schema=False).
    operations = [op for router in api._get_bound_routers()
                  for view in router.path_operations.values() for op in view.operations]
    assert operations
    for operation in operations:
        assert operation.auth_callbacks, operation.view_func.__name__


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "url"), operation_urls())
@pytest.mark.parametrize("authorization", [None, "Bearer pd_not-a-real-token", "Basic Zm9vOmJhcg==",
                                           "Bearer "])
def test_no_operation_answers_without_a_valid_token(name: str, url: str,
                                                    authorization: str | None) -> None:
    client = Client()
    headers = {"Authorization": authorization} if authorization else {}
    answered = []
    for method in METHODS:
        response = client.generic(method.upper(), url + "?purpose=callback&email=a%40b.nl",
                                  data="{}", content_type="application/json", headers=headers)
        # 405: the route has no operation for this method; anything else must be a refusal.
        assert response.status_code in (401, 405), (method, url, response.status_code)
        if response.status_code == 401:
            answered.append(method)
            assert only_error(response) == {
                "field": "Authorization", "rule": "token",
                "message": "send a valid API token: Authorization: Bearer <token>"}
            assert response["WWW-Authenticate"] == "Bearer"
    assert answered, f"{name}: no method reached the operation"


def test_a_revoked_token_is_refused(db: Any, token_for: Any, personas: Any) -> None:
    from privacydesk.staff.models import ApiToken
    from privacydesk.staff.tokens import revoke_token

    client = Api(token_for("privacy_officer"))
    assert client.get("/persons").status_code == 200
    revoke_token(ApiToken.objects.get())
    assert client.get("/persons").status_code == 401


def test_an_account_without_a_staff_role_is_refused_403(token_for: Any) -> None:
    response = Api(token_for("")).get("/persons")
    assert response.status_code == 403
    assert only_error(response)["rule"] == "staff_role"


def test_no_personal_data_before_the_staff_protocol_is_accepted(token_for: Any) -> None:
    # Sec4: a valid token is not enough; the person behind it must have signed the protocol.
    response = Api(token_for("hr", accepted=False)).get("/persons")
    assert response.status_code == 403
    assert only_error(response)["rule"] == "Sec4"


def test_the_openapi_document_is_public_valid_and_lists_our_paths(personas: Any) -> None:
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200
    document = response.json()
    assert document["openapi"].startswith("3.")
    assert document["info"]["title"] == "privacydesk"
    paths = set(document["paths"])
    assert {"/api/v1/persons", "/api/v1/persons/{ref}", "/api/v1/persons/{ref}/data/{category}",
            "/api/v1/organisations", "/api/v1/agreements"} <= paths
    # Every operation in the document requires the bearer scheme.
    schemes = document["components"]["securitySchemes"]
    assert [s["scheme"] for s in schemes.values()] == ["bearer"]
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            assert operation.get("security"), (method, path)
    # Every schema reference resolves inside the document.
    refs = re.findall(r'"\$ref": "#/components/schemas/([^"]+)"', response.content.decode())
    assert refs and set(refs) <= set(document["components"]["schemas"])
    # Public, so it must not carry anything personal: the personas exist, yet none shows.
    text = response.content.decode()
    for word in ("Anna", "Vries", "Carla", "111222333", str(personas.anna.ref)):
        assert word not in text


def test_the_docs_page_is_public_and_loads_nothing_from_elsewhere() -> None:
    response = Client().get("/api/v1/docs")
    assert response.status_code == 200
    page = response.content.decode()
    assert "swagger" in page.lower()
    assert "https://" not in page  # no CDN: nobody else learns who reads the docs (W1)
