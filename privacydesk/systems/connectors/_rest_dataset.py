"""The REST connector's dataset: what a declared REST system holds and how to reach it.

`parse(system_id, mapping)` turns the dataset file's mapping into frozen dataclasses, or
raises ConnectorError("misdeclared") naming the key and the rule; nothing is reached before
the whole declaration is valid. The format is documented in docs/connectors/rest.md.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, NoReturn

from privacydesk.systems.connector import IDENTITY_KINDS, ConnectorError

AUTH_SCHEMES = ("header", "basic", "bearer", "none")
PAGING_STYLES = ("offset", "next_link", "none")
ERASE_ACTIONS = ("delete", "anonymise", "keep")
WRITE_METHODS = ("PUT", "PATCH", "POST")

# A field path: dotted names, "[]" after a name that holds a list ("journals[].notes").
_PATH = re.compile(r"^[A-Za-z_][\w-]*(\[\])?(\.[A-Za-z_][\w-]*(\[\])?)*$")
_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
_IDENT = re.compile(r"^[a-z][a-z0-9_]*$")


@dataclass(frozen=True)
class Auth:
    """How requests authenticate: "header" sends the URL's password (or, without one, its
    user name) in `header`; "basic" sends both as HTTP Basic; "bearer" sends the key as
    "Authorization: Bearer"; "none" sends nothing."""

    scheme: str
    header: str = ""


@dataclass(frozen=True)
class Paging:
    """How a list endpoint pages: "offset" (offset/limit parameters, a total count in the
    page), "next_link" (the page names the next page's URL), "none" (one answer)."""

    style: str
    offset_param: str = "offset"
    limit_param: str = "limit"
    page_size: int = 100
    total: str = ""
    next: str = ""


@dataclass(frozen=True)
class Writer:
    """How one text field is written back: `method` to `path` (placeholders resolved on the
    object that holds the field), the new value nested at the dotted `body` path."""

    method: str
    path: str
    body: str


@dataclass(frozen=True)
class Search:
    """The system's full-text search, which narrows the free-text scan: `path` with the
    person's name, each e-mail address and common spellings of each phone number in `param`
    (one query each, a phrase in double quotes), fixed `params`; the records' keys at `key`
    in the list at `items` (paged like every list). `terms`: how many of those one query may
    hold, for a search whose `params` make it find any of the terms (Redmine: five, with
    `all_words = ""`); 1 asks each on its own."""

    path: str
    param: str
    params: Mapping[str, str]
    items: str
    key: str
    terms: int = 1


@dataclass(frozen=True)
class Owner:
    """The records of a person found in `resource`: listed with `param` = her key there."""

    resource: str
    param: str


@dataclass(frozen=True)
class Retention:
    """How the system lists a resource's records by date (R1): the list endpoint with
    `params`, in which "{before}" is the cutoff day (ISO). The parameters only narrow on the
    server (inclusive of the cutoff day: the system's calendar may be another zone's); the
    connector decides by the record's `dated` day on the controller's calendar."""

    params: Mapping[str, str]


@dataclass(frozen=True)
class Resource:
    """One kind of record the system holds (users, contacts, tickets)."""

    id: str
    kind: str
    list: str
    list_params: Mapping[str, str]
    items: str
    item: str
    item_params: Mapping[str, str]
    envelope: str
    key: str
    dated: str
    fields: Mapping[str, str]
    identities: Mapping[str, tuple[str, ...]]
    filters: Mapping[str, str]
    text: tuple[str, ...]
    writers: Mapping[str, Writer]
    owner: Owner | None
    erase: str
    keep_reason: str
    anonymise: Mapping[str, str]
    correct: tuple[str, ...]
    search: Search | None = None
    retention: Retention | None = None


@dataclass(frozen=True)
class Dataset:
    """The whole declaration of one REST system."""

    base_path: str
    auth: Auth
    paging: Paging
    redaction: str
    phone_region: str
    mention_categories: Mapping[str, str]
    resources: tuple[Resource, ...]

    def resource(self, resource_id: str) -> Resource:
        """The resource of `resource_id`; KeyError when none is declared."""
        return {r.id: r for r in self.resources}[resource_id]


class _Reader:
    """Reads keys of one table, refusing a key not `known`, naming the key path in every
    refusal."""

    def __init__(self, system_id: str, where: str, table: Any, known: tuple[str, ...]) -> None:
        self.system_id = system_id
        self.where = where
        if not isinstance(table, Mapping):
            self.fail("", "must be a table")
        self.table: Mapping[str, Any] = table
        for key in table:
            if key not in known:
                self.fail(key, f"is not a known key (known: {', '.join(known)})")

    def sub(self, key: str, known: tuple[str, ...], default: Any = None) -> _Reader:
        """The reader of the table at `key` (`default` when there is none)."""
        return _Reader(self.system_id, ".".join(p for p in (self.where, key) if p),
                       self.table.get(key, default), known)

    def fail(self, key: str, rule: str) -> NoReturn:
        name = ".".join(p for p in (self.where, key) if p) or "(dataset)"
        raise ConnectorError("misdeclared", f"{self.system_id}: dataset key {name}: {rule}")

    def text(self, key: str, default: str | None = None, *, choices: tuple[str, ...] = (),
             path: bool = False, relative: bool = False) -> str:
        if key not in self.table:
            if default is None:
                self.fail(key, "is required")
            return default or ""
        value = self.table[key]
        if not isinstance(value, str):
            self.fail(key, "must be a string")
        if choices and value not in choices:
            self.fail(key, f"must be one of {', '.join(choices)}")
        if path and value and not _PATH.match(value):
            self.fail(key, "must be a field path such as issue.description or journals[].notes")
        if relative and ("://" in value or value.startswith("//")):
            # A path template is relative to the system's URL: the connector never follows a
            # declaration to another host (#16.2).
            self.fail(key, "must be a path relative to the system's URL, not a full URL")
        return str(value)

    def integer(self, key: str, default: int) -> int:
        value = self.table.get(key, default)
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            self.fail(key, "must be a whole number of at least 1")
        return int(value)

    def paths(self, key: str) -> tuple[str, ...]:
        value = self.table.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.fail(key, "must be a list of strings")
        for item in value:
            if not _PATH.match(item):
                self.fail(key, f"{item!r} is not a field path such as journals[].notes")
        return tuple(value)

    def mapping(self, key: str) -> Mapping[str, Any]:
        value = self.table.get(key, {})
        if not isinstance(value, Mapping):
            self.fail(key, "must be a table")
        return dict(value)

    def string_mapping(self, key: str) -> dict[str, str]:
        value = self.mapping(key)
        for name, item in value.items():
            if not isinstance(item, str):
                self.fail(f"{key}.{name}", "must be a string")
        return dict(value)


def _resource(system_id: str, index: int, table: Any) -> Resource:
    reader = _Reader(system_id, f"resources[{index}]", table, (
        "id", "kind", "list", "list_params", "items", "item", "item_params", "envelope", "key",
        "dated", "fields", "identities", "filters", "text", "writers", "owner", "erase",
        "keep_reason", "anonymise", "correct", "search", "retention"))
    resource_id = reader.text("id")
    if not _IDENT.match(resource_id):
        reader.fail("id", "must be lower-case letters, digits and _")
    list_path = reader.text("list", relative=True)
    item = reader.text("item", relative=True)
    fields = reader.string_mapping("fields")
    for path in fields:
        if not _PATH.match(path):
            reader.fail(f"fields.{path}", "is not a field path such as journals[].notes")
    identities: dict[str, tuple[str, ...]] = {}
    for kind, templates in reader.mapping("identities").items():
        if kind not in IDENTITY_KINDS:
            reader.fail(f"identities.{kind}", f"must be one of {', '.join(IDENTITY_KINDS)}")
        if not isinstance(templates, list) or not all(isinstance(t, str) for t in templates):
            reader.fail(f"identities.{kind}", "must be a list of field paths or templates")
        for template in templates:
            # The field paths a template names ("{firstname} {lastname}"); a bare path is one.
            for path in _PLACEHOLDER.findall(template) or [template]:
                if not _PATH.match(path) or "[]" in path:
                    reader.fail(f"identities.{kind}",
                                f"{template!r}: {{...}} must name a field path without []")
        identities[kind] = tuple(templates)
    filters = reader.string_mapping("filters")
    for kind in filters:
        if kind not in identities:
            reader.fail(f"filters.{kind}", "names an identity kind the resource does not declare")
    text = reader.paths("text")
    writers: dict[str, Writer] = {}
    for path, spec in reader.mapping("writers").items():
        if path not in text:
            reader.fail(f"writers.{path}", "must be one of the resource's text paths")
        sub = _Reader(system_id, f"resources[{index}].writers.{path}", spec,
                      ("method", "path", "body"))
        writers[path] = Writer(method=sub.text("method", "PUT", choices=WRITE_METHODS),
                               path=sub.text("path", relative=True),
                               body=sub.text("body", path=True))
    owner: Owner | None = None
    if "owner" in reader.table:
        sub = reader.sub("owner", ("resource", "param"))
        owner = Owner(resource=sub.text("resource"), param=sub.text("param"))
    search: Search | None = None
    if "search" in reader.table:
        sub = reader.sub("search", ("path", "param", "params", "items", "key", "terms"))
        search = Search(path=sub.text("path", relative=True), param=sub.text("param"),
                        params=sub.string_mapping("params"),
                        items=sub.text("items", "", path=True),
                        key=sub.text("key", "id", path=True), terms=sub.integer("terms", 1))
        if not text:
            reader.fail("search", "narrows the free-text scan: the resource needs text paths")
    retention: Retention | None = None
    if "retention" in reader.table:
        sub = reader.sub("retention", ("params",))
        params = sub.string_mapping("params")
        if not any("{before}" in value for value in params.values()):
            sub.fail("params", 'must narrow the list by the cutoff day: a value with "{before}"')
        if not reader.table.get("dated"):
            reader.fail("dated", "is required with retention: the day the rule counts from")
        retention = Retention(params=params)
    erase = reader.text("erase", choices=ERASE_ACTIONS)
    keep_reason = reader.text("keep_reason", "")
    if erase == "keep" and not keep_reason:
        reader.fail("keep_reason", "is required when erase is keep (the reason staff read)")
    anonymise = reader.string_mapping("anonymise")
    for name in anonymise:
        if not re.match(r"^[A-Za-z_][\w-]*$", name):
            reader.fail(f"anonymise.{name}", "must name a field of the record itself")
    if erase == "anonymise" and not anonymise and not text:
        reader.fail("anonymise", "is required when erase is anonymise and there is no text")
    correct = reader.paths("correct")
    for path in correct:
        if "[]" in path:
            reader.fail("correct", f"{path!r}: only fields of the record itself, without []")
    return Resource(
        id=resource_id, kind=reader.text("kind"), list=list_path,
        list_params=reader.string_mapping("list_params"),
        items=reader.text("items", "", path=True), item=item,
        item_params=reader.string_mapping("item_params"),
        envelope=reader.text("envelope", ""), key=reader.text("key", "id", path=True),
        dated=reader.text("dated", "", path=True), fields=fields, identities=identities,
        filters=filters, text=text, writers=writers, owner=owner, erase=erase,
        keep_reason=keep_reason, anonymise=anonymise,
        correct=correct, search=search, retention=retention)


def parse(system_id: str, mapping: Mapping[str, Any]) -> Dataset:
    """Return the validated dataset; ConnectorError("misdeclared") naming key and rule."""
    reader = _Reader(system_id, "", mapping, ("base_path", "auth", "paging", "redaction",
                                              "phone_region", "mention_categories", "resources"))
    auth_reader = reader.sub("auth", ("scheme", "header"), {"scheme": "none"})
    scheme = auth_reader.text("scheme", choices=AUTH_SCHEMES)
    auth = Auth(scheme=scheme, header=auth_reader.text("header", "" if scheme != "header"
                                                       else None))
    paging_reader = reader.sub("paging", ("style", "offset_param", "limit_param", "page_size",
                                          "total", "next"), {"style": "none"})
    style = paging_reader.text("style", choices=PAGING_STYLES)
    paging = Paging(
        style=style, offset_param=paging_reader.text("offset_param", "offset"),
        limit_param=paging_reader.text("limit_param", "limit"),
        page_size=paging_reader.integer("page_size", 100),
        total=paging_reader.text("total", None if style == "offset" else "", path=True),
        next=paging_reader.text("next", None if style == "next_link" else "", path=True))
    raw = mapping.get("resources")
    if not isinstance(raw, list) or not raw:
        reader.fail("resources", "must be a non-empty list of tables ([[resources]])")
    resources = tuple(_resource(system_id, i, table) for i, table in enumerate(raw))
    ids = [r.id for r in resources]
    for index, resource in enumerate(resources):
        if ids.count(resource.id) > 1:
            reader.fail(f"resources[{index}].id", f"{resource.id!r} is declared twice")
        if resource.owner is not None:
            if resource.owner.resource not in ids or resource.owner.resource == resource.id:
                reader.fail(f"resources[{index}].owner.resource",
                            "must name another resource of this dataset")
    mentions = reader.string_mapping("mention_categories") or {
        "name": "names", "email": "email", "phone": "phone"}
    region = reader.text("phone_region", "NL")
    if not re.match(r"^[A-Z]{2}$", region):
        reader.fail("phone_region", "must be a two-letter country code such as NL")
    return Dataset(base_path=reader.text("base_path", ""), auth=auth, paging=paging,
                   redaction=reader.text("redaction", "[removed]"), phone_region=region,
                   mention_categories=mentions, resources=resources)
