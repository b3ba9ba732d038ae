"""The REST connector (#16.2): a system with a JSON API, declared in a dataset file.

Nothing here knows a particular product: the dataset (docs/connectors/rest.md) names the
resources (users, contacts, tickets), their list and item endpoints, paging, the field paths
with their categories, the identities a person is found by, the free text that may name her,
how each text field is written back, and what erasure does per resource. Redmine is one such
declaration (privacydesk/policy/default/systems/ticketing.toml).

`find` looks in three ways: records that are the person (an identity field equals hers),
records she owns (listed by her key there, e.g. her tickets), and free text anywhere that
names her by name, e-mail address or phone number. `erase` deletes, anonymises or keeps what
is hers (the dataset says which) and scrubs her out of everyone else's free text; a text the
system will not let privacydesk change is reported as "left" with where it is — never as done,
and never as "kept": no law keeps it, a person must remove it (Rt3). The `find` after an erase
reads every record the erase touched back by its key, so what is left where the system's own
search does not look (a ticket's history) is found again and counted as left.

`due(before)` and `expire(records)` list and remove records by date for retention (R1), for a
resource whose dataset declares `retention`.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, datetime
from itertools import islice
from typing import Any

from privacydesk.policy import clock
from privacydesk.systems.connector import (
    IDENTITY_KINDS,
    Connection,
    ConnectorError,
    Export,
    Outcome,
    Record,
    Sample,
    Subject,
    check_host,
)
from privacydesk.systems.connectors._rest_dataset import Dataset, Resource, parse
from privacydesk.systems.connectors._rest_http import Http
from privacydesk.systems.connectors._rest_paths import fill, first, nest, resolve, text_of
from privacydesk.systems.connectors._rest_text import Needles

#: How much of a value a Record shows (the contract: free text cut to 200 characters).
_SHOWN = 200
#: Requests to one system at once while reading records one by one (Redmine's puma answers
#: four at a time by default); records fetched per chunk of a list.
_PARALLEL = 4
_CHUNK = 50
#: matched_by of a record listed through its owner (her tickets, found by her user's key).
OWNER = "owner"
#: matched_by suffix of a record whose free text names the person ("name in text").
IN_TEXT = " in text"
#: matched_by of a record listed by `due` (retention, R1).
RETENTION = "retention"
#: matched_by of a record that is hers (to delete, anonymise or keep), not only names her.
_HERS = frozenset({*IDENTITY_KINDS, OWNER})
#: The Outcome of a record whose text still names the person where the system offers no way to
#: change it: not erased, and not kept by any law (Rt3) — a person must remove it there.
LEFT = "left"

#: A record as the system's JSON gives it; the records one call read, by locator; and the
#: (key, record) pairs a read yields.
_Document = Mapping[str, Any]
_Cache = dict[str, _Document]
_Read = Iterator[tuple[str, _Document]]


def connect(connection: Connection) -> RestConnector:
    """Build the connector; ConnectorError("misdeclared") for a bad dataset and
    ("forbidden_host") for an undeclared host, both before any network call."""
    dataset = parse(connection.system_id, connection.dataset)
    check_host(connection)
    return RestConnector(connection, dataset)


@dataclass
class _Hit:
    """One record found, while `find` collects: why it matched and what it shows."""

    resource: Resource
    key: str
    document: _Document
    matched: set[str] = field(default_factory=set)
    shown: dict[str, str] = field(default_factory=dict)
    categories: set[str] = field(default_factory=set)

    def own(self, matched: Sequence[str]) -> None:
        """Note that the record is hers (why), showing its declared fields."""
        self.matched.update(matched)
        for path, category in self.resource.fields.items():
            for found in resolve(self.document, path):
                value = text_of(found.value)
                if value:
                    self.shown[found.concrete] = value[:_SHOWN]
                    self.categories.add(category)


def _hit(hits: dict[str, _Hit], resource: Resource, key: str, document: _Document) -> _Hit:
    return hits.setdefault(f"{resource.id}/{key}", _Hit(resource, key, document))


def _identified(resource: Resource, needles: Needles, document: _Document) -> list[str]:
    """The identity kinds whose fields in `document` equal hers."""
    return [k for k in resource.identities if needles.has(k) and any(
        value is not None and needles.equals(k, value)
        for value in (fill(t, document) for t in resource.identities[k]))]


def _keys(resource: Resource, locators: Iterable[str]) -> list[str]:
    """The keys of `resource`'s records among `locators`."""
    return [key for rid, _, key in (loc.partition("/") for loc in locators)
            if rid == resource.id and key]


class RestConnector:
    """The Connector of one declared REST system."""

    def __init__(self, connection: Connection, dataset: Dataset) -> None:
        self.system_id = connection.system_id
        self._dataset = dataset
        self._http = Http(connection, dataset)
        # Rt3: the records an erase acted on, read back by the next `find` (the re-search):
        # the system's search may not see where the person is left (a ticket's history).
        self._touched: dict[str, None] = {}
        # The records the last `find` read, by locator: its `export` (the access report's
        # next call) shows them as read, without asking for each again. Forgotten on a write.
        self._found: _Cache = {}

    def close(self) -> None:
        """Close the HTTP connections (the connector is not used afterwards)."""
        self._http.close()

    # --- reaching records -------------------------------------------------------------------

    def _item_path(self, resource: Resource, key: str) -> str:
        path = fill(resource.item, nest(resource.key, key))
        if path is None:  # the dataset's item template names more than the key
            raise ConnectorError("misdeclared", f"{self.system_id}: resources {resource.id}: "
                                 f"item {resource.item!r} needs more than {{{resource.key}}}")
        return path

    def _fetch(self, resource: Resource, key: str) -> _Document | None:
        """The record as its item endpoint gives it (unwrapped); None when it is gone."""
        answer = self._http.request("GET", self._item_path(resource, key),
                                    resource.item_params, missing_ok=True)
        if answer is None:
            return None
        document = answer.get(resource.envelope) if (
            resource.envelope and isinstance(answer, Mapping)) else answer
        if not isinstance(document, Mapping):
            raise ConnectorError("garbage", f"{self.system_id}: {resource.id}/{key}: no record "
                                 f"at {resource.envelope or '(the answer)'}")
        return document

    def _key(self, resource: Resource, item: _Document) -> str:
        key = text_of(first(item, resource.key))
        if not key:
            raise ConnectorError("garbage", f"{self.system_id}: a {resource.id} record has no "
                                 f"{resource.key}")
        return key

    def _documents(self, resource: Resource, params: Mapping[str, str], cache: _Cache) -> _Read:
        """(key, full record) for every item a list query returns; the item endpoint is asked
        when the dataset declares item parameters (the list lacks e.g. a ticket's notes),
        a few records at a time (at most _PARALLEL requests at once to the system)."""
        chunk: list[str] = []
        for item in self._http.items(resource.list, resource.items,
                                     {**resource.list_params, **params}):
            key = self._key(resource, item)
            if not resource.item_params:
                cache.setdefault(f"{resource.id}/{key}", item)
            chunk.append(key)
            if len(chunk) >= _CHUNK:
                yield from self._cached(resource, chunk, cache)
                chunk = []
        yield from self._cached(resource, chunk, cache)

    def _cached(self, resource: Resource, keys: Sequence[str], cache: _Cache) -> _Read:
        """(key, full record) of each of a few `keys`: the ones `cache` lacks read from the
        item endpoint, _PARALLEL requests at once; a record gone is left out (gone between
        the list and the item: not hers)."""
        missing = [key for key in keys if f"{resource.id}/{key}" not in cache]
        if missing:
            with ThreadPoolExecutor(max_workers=_PARALLEL) as pool:
                fetched = list(pool.map(lambda key: self._fetch(resource, key), missing))
            for key, document in zip(missing, fetched, strict=True):
                if document is not None:
                    cache[f"{resource.id}/{key}"] = document
        for key in keys:
            if f"{resource.id}/{key}" in cache:
                yield key, cache[f"{resource.id}/{key}"]

    def _locate(self, record: Record) -> tuple[Resource, str]:
        resource_id, _, key = record.locator.partition("/")
        try:
            resource = self._dataset.resource(resource_id)
        except KeyError:
            raise ConnectorError("unsupported", f"{self.system_id}: {record.locator} is not a "
                                 "record of a declared resource") from None
        return resource, key

    # --- the Connector contract -------------------------------------------------------------

    def ping(self) -> None:
        """Ask the first resource's list for one record: reachable, answering JSON, and the
        credentials accepted; ConnectorError otherwise."""
        resource = self._dataset.resources[0]
        params: dict[str, Any] = dict(resource.list_params)
        if self._dataset.paging.style != "none":
            params[self._dataset.paging.limit_param] = 1
        self._http.request("GET", resource.list, params)

    def find(self, subject: Subject) -> list[Record]:
        """Every record that is the person, that she owns, or whose free text names her."""
        needles = Needles(subject, self._dataset.phone_region)
        if needles.empty():
            return []
        cache: _Cache = {}
        hits: dict[str, _Hit] = {}
        # 1. Records that are the person: an identity field equals hers.
        for resource in self._dataset.resources:
            kinds = [k for k in resource.identities if needles.has(k)]
            if not kinds:
                continue
            for key, document in self._candidates(resource, kinds, needles, cache):
                matched = _identified(resource, needles, document)
                if matched:
                    _hit(hits, resource, key, document).own(matched)
        # 2. Records she owns (her tickets), listed by her key in the owner resource.
        for resource in self._dataset.resources:
            if resource.owner is None:
                continue
            owners = [h.key for h in hits.values() if h.resource.id == resource.owner.resource
                      and h.matched & set(IDENTITY_KINDS)]
            for owner_key in owners:
                for key, document in self._documents(resource, {resource.owner.param: owner_key},
                                                     cache):
                    _hit(hits, resource, key, document).own([OWNER])
        # 3. Free text that names her, in every record of every resource with free text;
        # with the system's search, in what it finds and in what an erase touched (read back).
        for resource in self._dataset.resources:
            if not resource.text:
                continue
            if resource.search:
                documents = self._chained(self._searched(resource, needles, cache),
                                          self._read(resource, _keys(resource, self._touched),
                                                     cache))
            else:
                documents = self._documents(resource, {}, cache)
            for key, document in documents:
                self._in_text(resource, key, document, needles, hits)
        self._found = {locator: h.document for locator, h in hits.items()}
        return [self._record(h) for h in hits.values()]

    def find_again(self, subject: Subject, locators: Sequence[str]) -> list[Record]:
        """Read the records at `locators` back by their keys and return those that still are
        the person or whose text still names her, as `find` shows them (Rt3: the re-search
        of what an erase left where the system's search does not look). A record gone, or
        of a resource not declared, is not returned."""
        needles = Needles(subject, self._dataset.phone_region)
        if needles.empty():
            return []
        cache: _Cache = {}
        hits: dict[str, _Hit] = {}
        for resource in self._dataset.resources:
            for key, document in self._read(resource, _keys(resource, locators), cache):
                matched = _identified(resource, needles, document)
                if matched:
                    _hit(hits, resource, key, document).own(matched)
                self._in_text(resource, key, document, needles, hits)
        return [self._record(h) for h in hits.values()]

    @staticmethod
    def _chained(*parts: _Read) -> _Read:
        seen: set[str] = set()
        for part in parts:
            for key, document in part:
                if key not in seen:
                    seen.add(key)
                    yield key, document

    def _in_text(self, resource: Resource, key: str, document: _Document,
                 needles: Needles, hits: dict[str, _Hit]) -> None:
        """Note where the record's free text names the person (what it shows, why, which
        categories)."""
        for path in resource.text:
            for found in resolve(document, path):
                value = text_of(found.value)
                mentions = needles.mentions(value)
                if not mentions:
                    continue
                record = _hit(hits, resource, key, document)
                record.shown[found.concrete] = value[:_SHOWN]
                for mention in mentions:
                    record.matched.add(mention.kind + IN_TEXT)
                    category = self._dataset.mention_categories.get(mention.kind)
                    if category:
                        record.categories.add(category)

    def _read(self, resource: Resource, keys: Sequence[str], cache: _Cache) -> _Read:
        """(key, full record) of each key, from its item endpoint; a record gone is left
        out."""
        keys = list(dict.fromkeys(keys))
        for start in range(0, len(keys), _CHUNK):
            yield from self._cached(resource, keys[start:start + _CHUNK], cache)

    def _searched(self, resource: Resource, needles: Needles, cache: _Cache) -> _Read:
        """The records the system's own search finds for her name, e-mail addresses and
        phone spellings: the free-text scan then reads only these (the connector decides;
        the search only narrows, and misses what it does not index, see rest.md)."""
        search = resource.search
        assert search is not None
        terms = [f'"{v}"' for v in needles.values("name")] + needles.values("email") + [
            f'"{v}"' for v in needles.spellings()]
        # A search that finds any of its terms takes several at once: fewer round trips. Two
        # spaces between terms: a tokenizer that takes a phrase with the space after it
        # (Redmine's) still sees the next phrase's opening quote after a space, not "+31".
        queries = ["  ".join(terms[i:i + search.terms])
                   for i in range(0, len(terms), search.terms)]

        def ask(query: str) -> list[str]:
            return [text_of(first(item, search.key)) for item in self._http.items(
                search.path, search.items, {**search.params, search.param: query})]

        with ThreadPoolExecutor(max_workers=_PARALLEL) as pool:
            answers = list(pool.map(ask, queries))
        yield from self._read(resource, [key for answer in answers for key in answer if key],
                              cache)

    def _candidates(self, resource: Resource, kinds: list[str], needles: Needles,
                    cache: _Cache) -> _Read:
        """The records worth comparing: narrowed by the server's filters when every identity
        the person has there can be filtered on, else all of them (the connector compares;
        a filter only narrows)."""
        if not all(k in resource.filters for k in kinds):
            return self._documents(resource, {}, cache)
        return self._chained(*(self._documents(resource, {resource.filters[kind]: value}, cache)
                               for kind in kinds for value in needles.values(kind)))

    def _record(self, found: _Hit) -> Record:
        resource = found.resource
        return Record(system=self.system_id, locator=f"{resource.id}/{found.key}",
                      kind=resource.kind, categories=tuple(sorted(found.categories)),
                      fields=dict(sorted(found.shown.items())),
                      matched_by=tuple(sorted(found.matched)),
                      dated=_day(first(found.document, resource.dated)) if resource.dated
                      else None,
                      # R3: her own records of a resource the dataset keeps are kept, with why.
                      kept=resource.keep_reason
                      if found.matched & _HERS and resource.erase == "keep" else "")

    def export(self, records: Sequence[Record]) -> list[Export]:
        """One JSON file per resource: each record's locator, kind and the full values of the
        fields its Record shows (of someone else's ticket only the text that names her: the
        rights of others, Art. 15(4)); a record the last `find` read is shown as read then,
        another is asked for."""
        files: dict[str, list[dict[str, Any]]] = {}
        for record in records:
            resource, key = self._locate(record)
            document = self._found.get(record.locator) or self._fetch(resource, key)
            if document is None:
                continue
            values = {concrete: text_of(found.value) for concrete in record.fields
                      for found in resolve(document, concrete)}
            files.setdefault(resource.id, []).append(
                {"locator": record.locator, "kind": record.kind, "fields": values})
        return [Export(filename=f"{self.system_id}-{resource_id}.json",
                       content_type="application/json",
                       data=json.dumps(rows, ensure_ascii=False, indent=2).encode())
                for resource_id, rows in files.items()]

    def correct(self, record: Record, field_name: str, value: str) -> Outcome:
        """Write `value` to the record's field (Rt2); ConnectorError("unsupported") for a
        field the dataset does not list under `correct`."""
        resource, key = self._locate(record)
        self._found.clear()
        if field_name not in resource.correct:
            raise ConnectorError("unsupported", f"{self.system_id}: {resource.id}.{field_name} "
                                 "cannot be corrected here (not in the dataset's correct list)")
        path = f"{resource.envelope}.{field_name}" if resource.envelope else field_name
        self._http.request("PUT", self._item_path(resource, key), None, nest(path, value))
        return Outcome(self.system_id, record.locator, "corrected", field_name)

    def erase(self, records: Sequence[Record], subject: Subject) -> list[Outcome]:
        """Delete, anonymise or keep what is hers (per resource), scrub her out of the free
        text of what is not."""
        needles = Needles(subject, self._dataset.phone_region)
        self._found.clear()
        return [self._remove(resource, key, record, needles)
                if _HERS.intersection(record.matched_by)
                else self._scrub(resource, key, record, needles)
                for resource, key, record in self._in_order(records)]

    def _in_order(self, records: Sequence[Record]) -> Iterator[tuple[Resource, str, Record]]:
        """The records located, those of owned resources first (her tickets before her user,
        which the system may need while they exist), each noted as touched as it is handed
        on (Rt3: the next `find` reads it back)."""
        order = {r.id: (r.owner is None, i) for i, r in enumerate(self._dataset.resources)}
        located = sorted([(*self._locate(record), record) for record in records],
                         key=lambda item: order[item[0].id])
        for resource, key, record in located:
            self._touched[record.locator] = None
            yield resource, key, record

    def _remove(self, resource: Resource, key: str, record: Record,
                needles: Needles | None) -> Outcome:
        """What the resource's `erase` says: deleted; kept with the reason (R3); or
        anonymised — the anonymise values written, then her mentions scrubbed from the
        writable text (`needles`) or, for a record past its period (None), that text
        replaced as a whole by the redaction mark (it may name anyone)."""
        if resource.erase == "delete":
            self._http.request("DELETE", self._item_path(resource, key), missing_ok=True)
            return Outcome(self.system_id, record.locator, "deleted")
        if resource.erase == "keep":
            return Outcome(self.system_id, record.locator, "kept", resource.keep_reason)
        self._anonymise(resource, key)
        if needles is not None:
            return self._scrub(resource, key, record, needles)
        mark = self._dataset.redaction
        return self._rewrite(resource, key, record,
                             lambda text: text if text in ("", mark) else mark,
                             lambda text: text not in ("", mark))

    def _anonymise(self, resource: Resource, key: str) -> None:
        """Overwrite her identifying fields with the dataset's values; a value may name the
        record's own fields ("verwijderd-{id}@invalid.example"): a system that wants a unique
        e-mail address or a required name gets one that is no longer hers."""
        if not resource.anonymise:
            return
        document = self._fetch(resource, key)
        if document is None:
            return
        body = _anonymise_values(resource, document)
        if any(value is None for value in body.values()):
            raise ConnectorError("misdeclared", f"{self.system_id}: resources {resource.id}: "
                                 "an anonymise value names a field the record does not have")
        self._http.request("PUT", self._item_path(resource, key), None,
                           {resource.envelope: body} if resource.envelope else body)

    def _scrub(self, resource: Resource, key: str, record: Record,
               needles: Needles) -> Outcome:
        """Replace every mention of the person in the record's writable text; "anonymised",
        or "left" naming the text that still names her (the system offers no way to change
        it, e.g. a ticket's history of old descriptions: not kept by any law, Rt3)."""
        return self._rewrite(resource, key, record,
                             lambda text: needles.scrub(text, self._dataset.redaction),
                             lambda text: bool(needles.mentions(text)))

    def _rewrite(self, resource: Resource, key: str, record: Record,
                 rewritten: Callable[[str], str], still_there: Callable[[str], bool]) -> Outcome:
        """Write `rewritten(text)` for every writable text of the record it changes, then read
        the record back: "left" naming each text where `still_there` holds (the system
        offers no way to change it), else "anonymised"; "deleted" when it is gone."""
        document = self._fetch(resource, key)
        if document is None:
            return Outcome(self.system_id, record.locator, "deleted", "already gone")
        for path, writer in resource.writers.items():
            for found in resolve(document, path):
                before = text_of(found.value)
                after = rewritten(before)
                if after == before:
                    continue
                target = fill(writer.path, found.holder)
                if target is None:
                    raise ConnectorError("garbage", f"{self.system_id}: {record.locator}: "
                                         f"{found.concrete} has no value for {writer.path}")
                self._http.request(writer.method, target, None, nest(writer.body, after))
        document = self._fetch(resource, key)
        left = [] if document is None else [
            found.concrete for path in resource.text for found in resolve(document, path)
            if still_there(text_of(found.value))]
        if left:
            return Outcome(self.system_id, record.locator, LEFT,
                           f"still named in {', '.join(left)}: the system offers no way to "
                           "change this text; remove it there by hand")
        return Outcome(self.system_id, record.locator, "anonymised")

    # --- retention (R1): privacydesk.systems.retaining -------------------------------------

    def due(self, before: date) -> list[Record]:
        """Every record of a resource with `retention` whose `dated` day (on the controller's
        calendar) lies before `before`: listed with the retention parameters (narrowed on the
        server), decided here. `matched_by` ("retention",); `fields` show nothing of the
        record; a record of a resource the dataset keeps (`erase = "keep"`) carries the reason
        in `kept`, and one already anonymised is not listed again (R3)."""
        records: list[Record] = []
        for resource in self._dataset.resources:
            if resource.retention is None:
                continue
            params = {name: value.replace("{before}", before.isoformat())
                      for name, value in resource.retention.params.items()}
            categories = tuple(sorted(set(resource.fields.values())))
            for item in self._http.items(resource.list, resource.items,
                                         {**resource.list_params, **params}):
                day = _day(first(item, resource.dated))
                if day is None or day >= before or self._anonymised(resource, item):
                    continue
                records.append(Record(
                    system=self.system_id, locator=f"{resource.id}/{self._key(resource, item)}",
                    kind=resource.kind, categories=categories, fields={},
                    matched_by=(RETENTION,), dated=day,
                    kept=resource.keep_reason if resource.erase == "keep" else ""))
        return records

    def _anonymised(self, resource: Resource, item: _Document) -> bool:
        """Whether an anonymised record already holds every anonymise value (R1: it is not
        due again)."""
        if resource.erase != "anonymise" or not resource.anonymise:
            return False
        return all(text_of(first(item, name)) == value
                   for name, value in _anonymise_values(resource, item).items())

    def expire(self, records: Sequence[Record]) -> list[Outcome]:
        """Remove what `due` listed, whoever it concerns, as the resource's `erase` says:
        deleted; kept with the reason (R3); or anonymised — the anonymise values written and
        every writable text replaced by the redaction mark, "left" naming a text the system
        offers no way to change (not among the writers) that still holds any."""
        self._found.clear()
        return [self._remove(resource, key, record, None)
                for resource, key, record in self._in_order(records)]

    def sample(self, limit: int) -> Iterator[Sample]:
        """Up to `limit` values of the declared fields and free text, where = resource.path."""
        cache: _Cache = {}
        values = (Sample(f"{resource.id}.{path}", text_of(found.value))
                  for resource in self._dataset.resources
                  for _key, document in self._documents(resource, {}, cache)
                  for path in dict.fromkeys([*resource.fields, *resource.text])
                  for found in resolve(document, path) if text_of(found.value))
        return islice(values, max(limit, 0))


def _anonymise_values(resource: Resource, document: _Document) -> dict[str, Any]:
    """The dataset's anonymise values, filled from the record (None: a field it lacks)."""
    return {name: fill(value, document) if "{" in value else value
            for name, value in resource.anonymise.items()}


def _day(value: Any) -> date | None:
    """The day a date field names: a moment with its zone ("2026-12-06T23:30:00Z") on the
    controller's calendar (the policy's zone, as every date in privacydesk: R1), a plain date
    ("2026-12-06") as it is; None for anything else."""
    text = text_of(value).strip()
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    if len(text) <= 10:
        return moment.date()
    return clock.day_of(moment) if moment.tzinfo is not None else moment.date()
