"""The OpenAPI document describes what each route really takes and answers (#13.5.10).

django-ninja names a component after its schema class and keeps the last definition it
sees under a name: two routes whose schemas share a class name (`/requests` and
`/access/requests` both had `RequestIn`/`RequestOut`) silently document one route with the
other's fields. These tests build every operation's schemas on their own and require that
a component name always means one definition, the one the published document carries.
"""

from __future__ import annotations

import json
from collections import defaultdict
from typing import Any

from ninja.openapi.schema import REF_TEMPLATE, NinjaGenerateJsonSchema

from privacydesk.project.api import api


def _operations() -> list[tuple[str, Any]]:
    found = []
    for prefix, router in api._routers:
        for path, path_view in router.path_operations.items():
            for operation in path_view.operations:
                found.append((f"{','.join(operation.methods)} {prefix}{path}", operation))
    return found


def _definitions_by_route() -> dict[str, dict[str, set[str]]]:
    """component name -> its JSON definition -> the routes that use that definition."""
    seen: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for route, operation in _operations():
        # As ninja builds the document: parameters and bodies as validated, answers as
        # serialised (by alias).
        models = [(m, "validation", False) for m in operation.models]
        models += [(m, "serialization", bool(operation.by_alias))
                   for m in operation.response_models.values()
                   if hasattr(m, "model_json_schema")]
        for model, mode, by_alias in models:
            schema = model.model_json_schema(ref_template=REF_TEMPLATE, mode=mode,
                                             by_alias=by_alias,
                                             schema_generator=NinjaGenerateJsonSchema)
            for name, definition in schema.get("$defs", {}).items():
                seen[name][json.dumps(definition, sort_keys=True)].add(route)
    return seen


def test_no_two_routes_document_different_schemas_under_one_name():
    collisions = {name: sorted(sorted(routes)[0] for routes in variants.values())
                  for name, variants in _definitions_by_route().items() if len(variants) > 1}
    assert collisions == {}


def test_every_component_in_the_document_is_the_one_its_routes_use():
    components = api.get_openapi_schema()["components"]["schemas"]
    for name, variants in _definitions_by_route().items():
        (definition,) = variants.keys()
        assert json.dumps(components[name], sort_keys=True) == definition, name


def test_subject_requests_and_server_access_requests_are_documented_apart(client):
    document = client.get("/api/v1/openapi.json").json()
    paths = document["paths"]

    def body_of(path: str) -> dict[str, Any]:
        ref = paths[path]["post"]["requestBody"]["content"]["application/json"]["schema"]
        return document["components"]["schemas"][ref["$ref"].rsplit("/", 1)[1]]

    # A data-subject request names its kind and channel; a server access request its server.
    assert "channel" in body_of("/api/v1/requests")["properties"]
    assert "server" in body_of("/api/v1/access/requests")["properties"]


# The ids clients generated from the document call, as published before #14.4 moved the
# register's and the tokens' routers into their apps (project/api.py keeps them).
PUBLISHED_IDS = {
    ("post", "/api/v1/agreements/{agreement_id}/parties"): "privacydesk_api_agreements_add_party",
    ("patch", "/api/v1/agreements/{agreement_id}"): "privacydesk_api_agreements_change_end",
    ("post", "/api/v1/agreements"): "privacydesk_api_agreements_create_agreement",
    ("get", "/api/v1/agreements/{agreement_id}"): "privacydesk_api_agreements_get_agreement",
    ("get", "/api/v1/agreements"): "privacydesk_api_agreements_list_agreements",
    ("post", "/api/v1/persons/{ref}/data/{category}"): "privacydesk_api_data_add_datum",
    ("delete", "/api/v1/persons/{ref}/data/{category}/{datum_id}"):
        "privacydesk_api_data_delete_datum",
    ("patch", "/api/v1/persons/{ref}/data/{category}/{datum_id}"):
        "privacydesk_api_data_update_datum",
    ("post", "/api/v1/organisations"): "privacydesk_api_organisations_create_organisation",
    ("get", "/api/v1/organisations/{organisation_id}"):
        "privacydesk_api_organisations_get_organisation",
    ("get", "/api/v1/organisations"): "privacydesk_api_organisations_list_organisations",
    ("post", "/api/v1/persons"): "privacydesk_api_persons_create_person",
    ("get", "/api/v1/persons"): "privacydesk_api_persons_list_persons",
    ("get", "/api/v1/persons/{ref}"): "privacydesk_api_persons_read_person",
    ("post", "/api/v1/persons/{ref}/roles"): "privacydesk_api_roles_add_role",
    ("post", "/api/v1/persons/{ref}/roles/{role_id}/end"): "privacydesk_api_roles_end_role",
    ("get", "/api/v1/persons/{ref}/roles"): "privacydesk_api_roles_list_roles",
    ("get", "/api/v1/tokens"): "privacydesk_api_tokens_list_tokens",
    ("post", "/api/v1/tokens/{pk}/revoke"): "privacydesk_api_tokens_revoke",
}


def test_moving_a_router_into_its_app_keeps_the_published_operation_ids(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    found = {key: paths[key[1]][key[0]]["operationId"] for key in PUBLISHED_IDS}
    assert found == PUBLISHED_IDS
    every_id = [op["operationId"] for path in paths.values() for op in path.values()]
    assert len(every_id) == len(set(every_id))
