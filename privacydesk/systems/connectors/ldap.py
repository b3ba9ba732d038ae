"""The LDAP connector (#16.2): a staff directory (OpenLDAP, 389 DS, ...) as a system that
holds personal data. Plain Python on ldap3; the dataset format is in docs/connectors/ldap.md.

- `find` looks in each declared base for entries of the declared object class whose identity
  attributes hold the person's e-mail address, phone number, name or ids, and in the declared
  free-text attributes of every entry for text that names the person ("vermelding").
- `export` writes the found entries as LDIF: the declared attributes only, never a password.
- `correct` replaces one attribute's value.
- `erase` deletes the entry or disables it (per base), removes the person's DN from other
  entries' references (group membership, manager) and scrubs the free text that names them;
  afterwards `find` returns only what a base declares kept, each with the reason (R3).
- `sample` returns attribute values for the scan, never a password.

Each call opens one bound connection, bounded by the connection's timeout, and closes it.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from itertools import islice
from typing import Any

from ldap3 import BASE, LEVEL, MODIFY_DELETE, MODIFY_REPLACE, SUBTREE
from ldap3.core import exceptions as ldap_errors
from ldap3.utils.conv import escape_filter_chars
from ldap3.utils.dn import escape_rdn, parse_dn, to_dn

from privacydesk.systems._record_source import Listed, SystemOfRecord
from privacydesk.systems.connector import (
    Connection,
    Connector,
    ConnectorError,
    Export,
    Outcome,
    Record,
    Sample,
    Subject,
    check_host,
    normal_identity,
)
from privacydesk.systems.connectors import _ldap_ldif as ldif
from privacydesk.systems.connectors import _ldap_text as text
from privacydesk.systems.connectors._ldap_dataset import (
    Base,
    Dataset,
    attribute_name,
    dn_within,
    normal_dn,
    parse_dataset,
    parse_staff,
)
from privacydesk.systems.connectors._ldap_session import Address, Session, open_session, parse_url

#: The kind of a record that is another entry's free text naming the person.
MENTION_KIND = "vermelding"

#: The `fields` key of a record whose entry erasure keeps, with the reason (R3); the same
#: reason is in `Record.kept`, which replaces it once every reader has moved.
KEPT_FIELD = "kept"

#: Identities that are one person's alone: an entry found by one of them is the person's, so
#: its other identities are theirs too (`Record.identities`).
STRONG_IDENTITIES = frozenset({"email", "employee_number", "customer_number", "external_id"})

#: The identity kinds a record hands on for searching the other systems (name is not one:
#: it finds too many).
SHARED_IDENTITIES = ("email", "phone", "customer_number", "employee_number", "external_id")

_IN_TEXT = " in text"
_PAGE = 500


def connect(connection: Connection) -> LdapConnector:
    """Return the connector for `connection`. Validates the dataset, the URL and the host
    before any network call: ConnectorError("misdeclared") naming the key and the rule, or
    ("forbidden_host")."""
    dataset = parse_dataset(connection.system_id, connection.dataset)
    address = parse_url(connection.system_id, connection.url)
    check_host(connection)
    return LdapConnector(connection, dataset, address)


@dataclass(frozen=True)
class _Entry:
    dn: str
    attributes: dict[str, list[str | bytes]]  # keyed by the attribute name, lower-case
    spelled: dict[str, str]  # lower-case name -> the name as the directory spells it

    def values(self, name: str) -> list[str | bytes]:
        return self.attributes.get(name.lower(), [])

    def texts(self, name: str) -> list[str]:
        return [v for v in self.values(name) if isinstance(v, str)]


def _decode(value: bytes) -> str | bytes:
    try:
        return value.decode("utf-8")
    except UnicodeDecodeError:
        return value  # a photo or a certificate: kept as bytes


def _entries(response: list[dict[str, object]] | None) -> list[_Entry]:
    found = []
    for item in response or ():
        if item.get("type") != "searchResEntry":
            continue  # referrals: this connector reads one directory
        raw: Mapping[str, list[bytes]] = item.get("raw_attributes") or {}  # type: ignore[assignment]
        found.append(_Entry(str(item["dn"]), {str(k).lower(): [_decode(v) for v in vs]
                                              for k, vs in raw.items()},
                            {str(k).lower(): str(k) for k in raw}))
    return found


def _shown(values: Sequence[str | bytes]) -> str:
    shown = "; ".join(v if isinstance(v, str) else f"({len(v)} bytes)" for v in values)
    return shown[:200]


class LdapConnector:
    """A declared directory. Build it with `connect`."""

    def __init__(self, connection: Connection, dataset: Dataset, address: Address) -> None:
        self.system_id = connection.system_id
        self._timeout = connection.timeout
        self._dataset = dataset
        self._address = address
        self._bases = tuple((base, self._full(base.dn)) for base in dataset.bases)
        # Free text and references are looked for under the URL's DN (the whole directory
        # this installation reads), else under each declared base.
        self._roots = ((address.base,) if address.base
                       else tuple(dict.fromkeys(dn for _, dn in self._bases)))

    # --- names and places -------------------------------------------------------------------

    def _full(self, dn: str) -> str:
        """A dataset DN made absolute: relative to the URL's DN unless it already ends there."""
        if not dn or not self._address.base or dn_within(dn, self._address.base):
            return dn or self._address.base
        return f"{dn},{self._address.base}"

    def _base_of(self, dn: str) -> Base | None:
        """The most specific declared base `dn` lies in."""
        within = [(len(parse_dn(full)), base) for base, full in self._bases
                  if dn_within(dn, full)]
        return max(within, key=lambda pair: pair[0])[1] if within else None

    def _kept_reason(self, entry: _Entry, base: Base) -> str:
        """Why erasure keeps this entry, or "" when it is erasable: its base keeps (R3), or
        it carries the mark of a disabled entry."""
        if base.erase == "archive_only":
            return base.reason
        for other, _ in self._bases:
            attribute, value = other.mark
            if attribute and value.casefold() in {
                    v.casefold() for v in entry.texts(attribute)}:
                return other.reason
        return ""

    def _scope(self, base: Base) -> str:
        return SUBTREE if base.scope == "subtree" else LEVEL

    # --- the directory ----------------------------------------------------------------------

    def _search(self, session: Session, base: str, search_filter: str, scope: str,
                attributes: Sequence[str]) -> list[_Entry]:
        """Every entry `search_filter` selects under `base` (paged: a directory's size limit
        never cuts the answer short); ConnectorError("misdeclared") when `base` is missing."""
        return _entries(session.call(
            f"search under {base}", session.connection.extend.standard.paged_search, base,
            search_filter, scope, attributes=list(attributes), paged_size=_PAGE,
            time_limit=max(1, int(self._timeout)), generator=False))

    def _pages(self, session: Session, base: str, scope: str) -> Iterator[_Entry]:
        """Every entry under `base` with its user attributes, a page at a time, so that a
        caller who has enough stops reading (the scan's sample of a large directory)."""
        pages = session.call(f"search under {base}",
                             session.connection.extend.standard.paged_search, base,
                             "(objectClass=*)", scope, attributes=["*"], paged_size=_PAGE,
                             time_limit=max(1, int(self._timeout)), generator=True)
        for item in iter(lambda: session.call(f"search under {base}", next, pages, None), None):
            yield from _entries([item])

    def _read(self, session: Session, dn: str, attributes: Sequence[str]) -> _Entry | None:
        """The entry at `dn`, or None when it is not (or no longer) there."""
        try:
            response = session.connection.extend.standard.paged_search(
                dn, "(objectClass=*)", BASE, attributes=list(attributes), paged_size=_PAGE,
                time_limit=max(1, int(self._timeout)), generator=False)
        except ldap_errors.LDAPNoSuchObjectResult:
            return None
        except Exception as error:  # noqa: BLE001 - Session.fail sorts every failure by kind
            raise session.fail(f"read {dn}", error) from None
        found = _entries(response)
        return found[0] if found else None

    def _in_bases(self, session: Session, search_filter: str, attributes: Sequence[str],
                  bases: Sequence[Base] = ()) -> dict[tuple[tuple[str, str], ...],
                                                       tuple[_Entry, Base]]:
        """Every entry of the object class that `search_filter` (if any) also selects under
        `bases` (default: every declared base), by its normal DN, once, with the base it was
        found under."""
        found: dict[tuple[tuple[str, str], ...], tuple[_Entry, Base]] = {}
        of_class = f"(objectClass={escape_filter_chars(self._dataset.object_class)})"
        search_filter = f"(&{of_class}{search_filter})" if search_filter else of_class
        for base in bases or self._dataset.bases:
            for entry in self._search(session, self._full(base.dn), search_filter,
                                      self._scope(base), attributes):
                found.setdefault(normal_dn(entry.dn), (entry, base))
        return found

    def _declared(self) -> list[str]:
        names = [a.name for a in self._dataset.attributes]
        names += [b.mark[0] for b, _ in self._bases if b.mark[0]]
        if self._dataset.date_attribute:
            names.append(self._dataset.date_attribute)
        return list(dict.fromkeys(names + ["objectClass"]))

    # --- Connector ----------------------------------------------------------------------------

    def ping(self) -> None:
        """Bind and read each declared base; ConnectorError when the directory cannot be
        reached or a base does not exist ("misdeclared")."""
        with open_session(self.system_id, self._address, self._timeout) as session:
            for _, dn in self._bases:
                if self._read(session, dn, ["1.1"]) is None:
                    raise ConnectorError("misdeclared", f"{self.system_id}: the declared base "
                                                        f"{dn} does not exist in the directory")

    def find(self, subject: Subject) -> list[Record]:
        """Return the subject's own entries (matched by identity attributes) and every other
        entry's free text that names them (one record per attribute, kind "vermelding")."""
        dataset = self._dataset
        own_parts = [part for a in dataset.attributes if a.identity
                     for part in text.identity_filter(a.name, a.identity, subject)]
        text_parts = [part for a in dataset.attributes if a.text
                      for part in text.text_filter(a.name, subject)]
        records: list[Record] = []
        with open_session(self.system_id, self._address, self._timeout) as session:
            # An entry that is the subject's own is not also a mention of them.
            seen: set[tuple[tuple[str, str], ...]] = set()
            own = self._in_bases(session, f"(|{''.join(own_parts)})", self._declared()) \
                if own_parts else {}
            for key, (entry, base) in own.items():
                record = self._own_record(entry, self._base_of(entry.dn) or base, subject)
                if record is not None:
                    records.append(record)
                    seen.add(key)
            if text_parts:
                names = [a.name for a in dataset.attributes if a.text]
                search_filter = f"(|{''.join(text_parts)})"
                for root in self._roots:
                    for entry in self._search(session, root, search_filter, SUBTREE, names):
                        key = normal_dn(entry.dn)
                        if key not in seen:
                            seen.add(key)
                            records += self._mentions(entry, subject)
        return records

    def _own_record(self, entry: _Entry, base: Base, subject: Subject) -> Record | None:
        dataset = self._dataset
        matched = tuple(dict.fromkeys(
            a.identity for a in dataset.attributes if a.identity
            for v in entry.texts(a.name)
            if text.identity_matches(v, a.identity, subject)))
        if not matched:
            return None  # the filter's digits matched, the number did not
        fields = {a.name: _shown(values) for a in dataset.attributes
                  if (values := self._values(entry, a.name))}
        dated = None
        if dataset.date_attribute and entry.texts(dataset.date_attribute):
            dated = text.record_day(entry.texts(dataset.date_attribute)[0])
        return self._entry_record(entry, base, fields, matched, dated,
                                  self._identities(entry, matched, subject))

    def _entry_record(self, entry: _Entry, base: Base, fields: dict[str, str],
                      matched_by: tuple[str, ...], dated: date | None,
                      identities: Mapping[str, tuple[str, ...]] | None = None) -> Record:
        """The record of an entry in `base`, of the categories of the declared attributes it
        holds; kept with the reason when erasure keeps it (R3: disabled, or in an
        archive-only base), in fields["kept"] too until erasing.py and retaining.py read
        Record.kept only."""
        present = [a for a in self._dataset.attributes if self._values(entry, a.name)]
        kept = self._kept_reason(entry, base)
        if kept:
            fields[KEPT_FIELD] = kept
        return Record(system=self.system_id, locator=entry.dn, kind=base.kind,
                      categories=tuple(dict.fromkeys(a.category for a in present)),
                      fields=fields, matched_by=matched_by, dated=dated, kept=kept,
                      identities=identities or {})

    def _values(self, entry: _Entry, name: str) -> list[str | bytes]:
        """The attribute's values; a disabled entry's placeholders (cn = "[verwijderd]") are
        no one's data."""
        return [v for v in entry.values(name) if v != self._dataset.placeholder]

    def _identities(self, entry: _Entry, matched: tuple[str, ...],
                    subject: Subject) -> dict[str, tuple[str, ...]]:
        """The entry's other identities of the person (#16: the other systems are searched
        by them too), only for an entry found by an identity that is the person's alone: a
        shared phone number or a common name could have found someone else's entry."""
        if not set(matched) & STRONG_IDENTITIES:
            return {}
        found: dict[str, tuple[str, ...]] = {}
        for kind in SHARED_IDENTITIES:
            searched = text.searched_identities(kind, subject)
            values = [normal for attribute in self._dataset.with_identity(kind)
                      for value in entry.texts(attribute.name)
                      # A disabled entry's placeholder is no one's identity.
                      if value != self._dataset.placeholder
                      and (normal := normal_identity(kind, value))
                      and normal.casefold() not in searched]
            if values:
                found[kind] = tuple(dict.fromkeys(values))
        return found

    def _mentions(self, entry: _Entry, subject: Subject) -> list[Record]:
        dataset = self._dataset
        records = []
        for attribute in (a for a in dataset.attributes if a.text):
            hits = [(v, kinds) for v in entry.texts(attribute.name)
                    if (kinds := text.mentions(v, subject))]
            if not hits:
                continue
            kinds = tuple(dict.fromkeys(k for _, ks in hits for k in ks))
            categories = [next((a.category for a in dataset.with_identity(k)),
                               attribute.category) for k in kinds]
            # One field per value that names the person ("description", "description 2"),
            # each cut to 200 characters: the export finds the values again by them.
            fields = {(attribute.name if i == 0 else f"{attribute.name} {i + 1}"): v[:200]
                      for i, (v, _) in enumerate(hits)}
            records.append(Record(
                system=self.system_id, locator=f"{entry.dn}#{attribute.name}",
                kind=MENTION_KIND, categories=tuple(dict.fromkeys(categories)),
                fields=fields, matched_by=tuple(f"{k}{_IN_TEXT}" for k in kinds)))
        return records

    def export(self, records: Sequence[Record]) -> list[Export]:
        """One LDIF file with every record's entry as it is now: the declared attributes
        only (never a password); for a mention, the values of its attribute that the record
        showed."""
        if not records:
            return []
        blocks = []
        with open_session(self.system_id, self._address, self._timeout) as session:
            for record in records:
                dn, attribute = _split(record)
                if attribute:
                    entry = self._read(session, dn, [attribute])
                    if entry is None:
                        continue
                    shown = set(record.fields.values())
                    values = [v for v in entry.texts(attribute) if v[:200] in shown]
                    if values:
                        blocks.append(ldif.entry(entry.dn, [(attribute, values)]))
                    continue
                entry = self._read(session, dn, [a.name for a in self._dataset.attributes])
                if entry is not None:
                    blocks.append(ldif.entry(entry.dn, [
                        (a.name, entry.values(a.name)) for a in self._dataset.attributes
                        if entry.values(a.name)]))
        return [Export(f"{self.system_id}.ldif", "text/x-ldif; charset=utf-8",
                       ldif.document(blocks))]

    def correct(self, record: Record, field_name: str, value: str) -> Outcome:
        """Replace the value of `field_name` in the record's entry; an empty value removes the
        attribute. `field_name` is a declared attribute, or an identity kind or category held
        by exactly one declared attribute of the entry. The naming attribute (in the DN) is
        corrected by renaming the entry."""
        dn, mentioned = _split(record)
        if mentioned:
            raise ConnectorError("unsupported", f"{self.system_id}: a mention in another "
                                                "entry's free text is corrected by erasing it")
        with open_session(self.system_id, self._address, self._timeout) as session:
            entry = self._read(session, dn, [a.name for a in self._dataset.attributes])
            if entry is None:
                raise ConnectorError("refused", f"{self.system_id}: {dn} is no longer in the "
                                                "directory")
            attribute = self._correctable(entry, field_name)
            rdn_attribute = parse_dn(dn)[0][0]
            if rdn_attribute.lower() == attribute.lower():
                if not value:
                    raise ConnectorError("refused", f"{self.system_id}: {attribute} names the "
                                                    "entry and cannot be emptied")
                session.call(f"rename {dn}", session.connection.modify_dn, dn,
                             f"{rdn_attribute}={escape_rdn(value)}", delete_old_dn=True)
                return Outcome(self.system_id, dn, "corrected",
                               f"{attribute} replaced (the entry was renamed)")
            change = (MODIFY_REPLACE, [value]) if value else (MODIFY_DELETE, [])
            session.call(f"modify {dn}", session.connection.modify, dn, {attribute: [change]})
        return Outcome(self.system_id, dn, "corrected",
                       f"{attribute} replaced" if value else f"{attribute} removed")

    def _correctable(self, entry: _Entry, field_name: str) -> str:
        declared = self._dataset.attribute(field_name)
        if declared is not None:
            return declared.name
        candidates = [a.name for a in self._dataset.attributes
                      if field_name in (a.identity, a.category) and entry.values(a.name)]
        if len(candidates) != 1:
            raise ConnectorError(
                "unsupported",
                f"{self.system_id}: {field_name!r} is not a declared attribute and names "
                + (f"{len(candidates)} of the entry's attributes ({', '.join(candidates)})"
                   if candidates else "none of the entry's attributes"))
        return candidates[0]

    def erase(self, records: Sequence[Record], subject: Subject) -> list[Outcome]:
        """Delete or disable each record's entry as its base declares, remove its DN from
        other entries' references, scrub mentions of the subject from free text. An entry a
        base keeps (or that is already disabled) is "kept" with the reason. Safe to repeat:
        an entry that is gone is reported deleted."""
        outcomes = []
        # The schema (which attributes an entry must keep) is read only to disable.
        disabling = any(not attribute and (base := self._base_of(dn)) is not None
                        and base.erase == "disable"
                        for dn, attribute in map(_split, records))
        with open_session(self.system_id, self._address, self._timeout,
                          schema=disabling) as session:
            for record in records:
                dn, attribute = _split(record)
                outcomes.append(self._scrub(session, dn, attribute, subject) if attribute
                                else self._erase_entry(session, dn))
        return outcomes

    def _scrub(self, session: Session, dn: str, attribute: str, subject: Subject) -> Outcome:
        entry = self._read(session, dn, [attribute])
        locator = f"{dn}#{attribute}"
        if entry is None:
            return Outcome(self.system_id, locator, "deleted", "no longer in the directory")
        values = entry.texts(attribute)
        scrubbed = [text.scrub(v, subject, self._dataset.placeholder) for v in values]
        if scrubbed != values:
            session.call(f"modify {dn}", session.connection.modify, dn,
                         {attribute: [(MODIFY_REPLACE, list(dict.fromkeys(scrubbed)))]})
        return Outcome(self.system_id, locator, "anonymised",
                       f"{attribute}: the person's name, e-mail address and phone number "
                       "replaced")

    def _erase_entry(self, session: Session, dn: str) -> Outcome:
        entry = self._read(session, dn, ["*"])
        if entry is None:
            return Outcome(self.system_id, dn, "deleted", "no longer in the directory")
        base = self._base_of(dn)
        if base is None:
            raise ConnectorError("misdeclared", f"{self.system_id}: {dn} lies in none of the "
                                                "declared bases")
        kept = self._kept_reason(entry, base)
        if kept:
            return Outcome(self.system_id, dn, "kept", kept)
        if base.erase == "delete":
            self._delete_tree(session, dn)
            references = self._unreference(session, dn)
            return Outcome(self.system_id, dn, "deleted", references)
        return self._disable(session, entry, base)

    def _delete_tree(self, session: Session, dn: str) -> None:
        # An entry with entries below it cannot be deleted; the deepest go first.
        below = self._search(session, dn, "(objectClass=*)", SUBTREE, ["1.1"])
        for entry in sorted(below, key=lambda e: len(parse_dn(e.dn)), reverse=True):
            session.call(f"delete {entry.dn}", session.connection.delete, entry.dn)

    def _unreference(self, session: Session, dn: str) -> str:
        """Remove `dn` from every reference attribute that holds it (group membership,
        manager); return what was done in words ("" when nothing held it)."""
        names = self._dataset.references
        if not names:
            return ""
        target = normal_dn(dn)
        value = escape_filter_chars(dn)
        search_filter = "(|" + "".join(f"({n}={value})" for n in names) + ")"
        changed = 0
        for root in self._roots:
            for entry in self._search(session, root, search_filter, SUBTREE, list(names)):
                for name in names:
                    held = [v for v in entry.texts(name) if _same_dn(v, target)]
                    if not held:
                        continue
                    try:
                        session.connection.modify(entry.dn, {name: [(MODIFY_DELETE, held)]})
                    except ldap_errors.LDAPObjectClassViolationResult:
                        # The schema requires one value (groupOfNames' member): the empty DN
                        # takes the person's place, the group stays.
                        session.call(f"modify {entry.dn}", session.connection.modify,
                                     entry.dn, {name: [(MODIFY_REPLACE, [""])]})
                    except (ldap_errors.LDAPException, OSError) as error:
                        raise session.fail(f"modify {entry.dn}", error) from None
                    changed += 1
        return f"removed from the references of {changed} other entries" if changed else ""

    def _disable(self, session: Session, entry: _Entry, base: Base) -> Outcome:
        """Disable the entry: move it (when the base says where), keep the attributes the base
        keeps, give required personal attributes the placeholder, remove every other
        attribute (a password always), set the mark. Renaming when the naming attribute is
        not kept, since the DN would name the person."""
        dataset = self._dataset
        mark_attribute, mark_value = base.mark
        keep = {k.lower() for k in base.keep} | {"objectclass", mark_attribute.lower()}
        required = self._required(session, entry)
        personal = {a.name.lower() for a in dataset.attributes}
        rdn_attribute = parse_dn(entry.dn)[0][0]
        rdns = to_dn(entry.dn)
        parent = ",".join(rdns[1:])
        target_parent = self._full(base.move_to) if base.move_to else parent
        renamed = rdn_attribute.lower() not in keep
        new_rdn_value = (f"{re.sub(r'[^0-9A-Za-z]+', '', dataset.placeholder) or 'disabled'}"
                         f"-{uuid.uuid4().hex[:12]}")
        new_rdn = f"{rdn_attribute}={escape_rdn(new_rdn_value)}" if renamed else rdns[0]
        dn = entry.dn
        moves = not _same_dn(parent, normal_dn(target_parent))
        if renamed or moves:
            # Moved first, changed second: a retry after a failure in between finds the entry
            # (by its e-mail address, still there) in the base it moved to and disables it.
            session.call(f"move {dn}", session.connection.modify_dn, dn, new_rdn,
                         delete_old_dn=True, new_superior=target_parent if moves else None)
            dn = f"{new_rdn},{target_parent}"
        changes: dict[str, list[tuple[str, list[str]]]] = {}
        for name in entry.attributes:
            if name in keep:
                continue
            if name == rdn_attribute.lower() and renamed:
                changes[name] = [(MODIFY_REPLACE, [new_rdn_value])]
            elif name in required:
                if name in personal:
                    changes[name] = [(MODIFY_REPLACE, [dataset.placeholder])]
            else:
                changes[name] = [(MODIFY_DELETE, [])]
        changes[mark_attribute] = [(MODIFY_REPLACE, [mark_value])]
        session.call(f"modify {dn}", session.connection.modify, dn, changes)
        references = self._unreference(session, entry.dn)
        kept = sorted({k for k in base.keep if entry.values(k)}, key=str.lower)
        detail = "; ".join(part for part in (
            f"moved to {target_parent}" if moves else "",
            f"kept {', '.join(kept)} ({base.reason})" if kept else base.reason,
            references) if part)
        return Outcome(self.system_id, entry.dn, "disabled", detail)

    def _required(self, session: Session, entry: _Entry) -> set[str]:
        """The attributes the entry's object classes require (lower-case), from the schema."""
        schema = session.connection.server.schema
        if schema is None:
            # Without it the connector would strip a required attribute and the directory
            # would refuse the whole change: say why instead.
            raise ConnectorError("unsupported", f"{self.system_id}: the directory does not "
                                                "let this account read its schema, which "
                                                "disabling an entry needs")
        required: set[str] = set()
        pending = entry.texts("objectClass")
        seen: set[str] = set()
        while pending:
            name = pending.pop()
            if name.lower() in seen or name not in schema.object_classes:
                continue
            seen.add(name.lower())
            info = schema.object_classes[name]
            required |= {m.lower() for m in info.must_contain or ()}
            pending += list(info.superior or ())
        return required

    def sample(self, limit: int) -> Iterator[Sample]:
        """Up to `limit` attribute values from the entries under the declared bases, `where`
        the attribute's name; binary values and passwords are never sampled."""
        if limit <= 0:
            return iter(())
        with open_session(self.system_id, self._address, self._timeout) as session:
            return iter(list(islice(self._samples(session), limit)))

    def _samples(self, session: Session) -> Iterator[Sample]:
        seen: set[tuple[tuple[str, str], ...]] = set()
        for base, dn in self._bases:
            for entry in self._pages(session, dn, self._scope(base)):
                key = normal_dn(entry.dn)
                if key in seen:
                    continue
                seen.add(key)
                for name, values in entry.attributes.items():
                    if name == "objectclass" or "password" in name:
                        continue
                    # The name as the dataset declares it, else as the directory spells it.
                    declared = self._dataset.attribute(name)
                    where = declared.name if declared is not None else entry.spelled[name]
                    yield from (Sample(where, v) for v in values
                                if isinstance(v, str) and v.strip())

    # --- a system of record (#16.4; privacydesk.systems.sync) ----------------------------------

    def people(self, selection: Mapping[str, Any], names: Sequence[str]) -> Iterator[Listed]:
        """Every entry of the object class under the `[sync]` table's bases (`selection`:
        `bases`, `former`; see `parse_staff`), once each, with the first value of each
        attribute in `names` ("" when the entry has none, or only a disabled entry's
        placeholder); `where` is the DN. An entry is `former` when it lies in a former base
        (the staff who left) or carries a base's mark (a disabled account). Never a password:
        ConnectorError("misdeclared") for a name that is one, or not an attribute name."""
        staff = parse_staff(self.system_id, selection, self._dataset)
        wanted = list(dict.fromkeys(
            attribute_name(self.system_id, f"sync map column {name!r}", name)
            for name in names))
        marks = [b.mark for b, _ in self._bases if b.mark[0]]
        read = list(dict.fromkeys([*wanted, *(attribute for attribute, _ in marks),
                                   "objectClass"]))
        former = [self._full(b.dn) for b in staff.former]
        listed = []
        with open_session(self.system_id, self._address, self._timeout) as session:
            for entry, _ in self._in_bases(session, "", read, staff.bases).values():
                gone = any(dn_within(entry.dn, dn) for dn in former) or any(
                    value.casefold() in {v.casefold() for v in entry.texts(attribute)}
                    for attribute, value in marks)
                listed.append(Listed(entry.dn, {name: self._first(entry, name)
                                                for name in wanted}, former=gone))
        return iter(listed)

    def _first(self, entry: _Entry, name: str) -> str:
        values = [v.strip() for v in entry.texts(name)
                  if v.strip() and v != self._dataset.placeholder]
        return values[0] if values else ""

    # --- retention (R1, #16.3; privacydesk.systems.retaining) ---------------------------------

    def due(self, before: date) -> list[Record]:
        """Retention: every entry of the object class under the declared bases whose
        `date_attribute` names a day before `before` (compared here: a directory orders
        GeneralizedTime, not the plain dates a dataset may use), `matched_by` ("retention",),
        so `erase(records, Subject())` gives each its base's action (delete, disable; an
        archive-only base or an entry already disabled is "kept" with the reason, and says so
        in `Record.kept` and, until its readers move, `fields["kept"]`). Nothing without a
        date attribute in the dataset; `fields` name the base, nothing of the entry."""
        attribute = self._dataset.date_attribute
        if not attribute:
            return []
        records = []
        with open_session(self.system_id, self._address, self._timeout) as session:
            for entry, base in self._in_bases(session, f"({attribute}=*)",
                                              self._declared()).values():
                days = [d for d in map(text.record_day, entry.texts(attribute)) if d]
                if days and days[0] < before:
                    place = self._base_of(entry.dn) or base
                    records.append(self._entry_record(entry, place, {"base": place.dn},
                                                      ("retention",), days[0]))
        return records


def _split(record: Record) -> tuple[str, str]:
    """(DN, attribute) of a mention record; (DN, "") of an entry record."""
    if record.kind == MENTION_KIND and record.matched_by and all(
            m.endswith(_IN_TEXT) for m in record.matched_by):
        dn, _, attribute = record.locator.rpartition("#")
        return dn, attribute
    return record.locator, ""


def _same_dn(dn: str, target: tuple[tuple[str, str], ...]) -> bool:
    try:
        return normal_dn(dn) == target
    except ldap_errors.LDAPInvalidDnError:
        return False


# mypy holds the connector to the contract (#16.2): `registry.connect` returns a Connector,
# and this one is also a system of record (#16.4: `systems sync`).
_CONTRACT: Callable[[Connection], Connector] = connect
_RECORD_SOURCE: Callable[[Connection], SystemOfRecord] = connect
