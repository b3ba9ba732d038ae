"""Walk every route Django knows, with a sample path for each (used by the deny-by-default
tests; any route added later by anyone is picked up without touching the tests)."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.urls.converters import (
    IntConverter,
    PathConverter,
    SlugConverter,
    StringConverter,
    UUIDConverter,
)
from django.urls.resolvers import RegexPattern, RoutePattern

SAMPLE_UUID = str(uuid.UUID("00000000-0000-4000-8000-000000000001"))
# A slug that names a sensitive category exercises require_category-style checks too.
SAMPLES: dict[type, str] = {
    IntConverter: "1", UUIDConverter: SAMPLE_UUID, SlugConverter: "identity",
    PathConverter: "x/y", StringConverter: "x",
}
# For converters registered by other packages: the first candidate the converter accepts.
CANDIDATES = ("1", SAMPLE_UUID, "nl", "en", "identity", "x", "x/y")


def _sample_for(converter: Any) -> str:
    for kind, sample in SAMPLES.items():
        if type(converter) is kind:
            return sample
    for candidate in CANDIDATES:
        if re.fullmatch(converter.regex, candidate):
            try:
                converter.to_python(candidate)
            except ValueError:
                continue
            return candidate
    raise AssertionError(f"no sample value fits path converter {type(converter).__name__}; "
                         "add one to CANDIDATES in tests/staff/routes.py")


@dataclass(frozen=True)
class Route:
    path: str                      # a concrete path, e.g. "/staff/persons/<uuid>/"
    route: str                     # its pattern, e.g. "staff/persons/<uuid:ref>/"
    callback: Callable[..., Any]
    name: str | None


def _sample_route(pattern: Any) -> str:
    if isinstance(pattern, RoutePattern):
        route = str(pattern._route)

        def fill(match: re.Match[str]) -> str:
            return _sample_for(pattern.converters[match["name"]])

        return re.sub(r"<(?:(?P<conv>[^>:]+):)?(?P<name>[^>]+)>", fill, route)
    if isinstance(pattern, RegexPattern):
        regex = str(pattern._regex).lstrip("^").rstrip("$").replace("\\Z", "")
        regex = re.sub(r"\(\?P<[^>]+>[^)]*\)", "1", regex)
        return re.sub(r"\\(.)", r"\1", regex)
    raise AssertionError(f"unknown URL pattern type {type(pattern)!r}: add it to routes.py")


def _walk(patterns: list[Any], prefix: str, route: str) -> Iterator[Route]:
    for entry in patterns:
        here = prefix + _sample_route(entry.pattern)
        pattern = route + str(entry.pattern)
        if isinstance(entry, URLResolver):
            yield from _walk(entry.url_patterns, here, pattern)
        elif isinstance(entry, URLPattern):
            yield Route(path="/" + here, route=pattern, callback=entry.callback,
                        name=entry.name)


def all_routes() -> list[Route]:
    """Every route of the project, each with a concrete sample path that resolves to it."""
    routes = list(_walk(get_resolver().url_patterns, "", ""))
    for route in routes:
        # A sample that resolves elsewhere would test the wrong view: fail loudly. (Several
        # patterns may share one route, e.g. one per API operation on the same path.)
        assert resolve(route.path).route == route.route, (
            f"the sample path {route.path} does not resolve to its own view; "
            "extend SAMPLES in tests/staff/routes.py")
    return routes


def api_path_view(callback: Callable[..., Any]) -> Any | None:
    """The django-ninja PathView behind a route's view function, or None for other views."""
    for cell in getattr(callback, "__closure__", None) or ():
        if hasattr(cell.cell_contents, "operations"):
            return cell.cell_contents
    owner = getattr(callback, "__self__", None)
    return owner if hasattr(owner, "operations") else None
