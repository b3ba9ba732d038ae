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

from privacydesk.api.urls import api


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
