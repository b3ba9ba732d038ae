"""The LDAP connector's dataset declaration, validated (#16.2; docs/connectors/ldap.md).

Plain Python. `parse_dataset` turns the mapping read from the system's dataset file into
frozen objects, or raises ConnectorError("misdeclared") naming the key and the rule; nothing
here talks to the directory.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from ldap3.core.exceptions import LDAPInvalidDnError
from ldap3.utils.dn import parse_dn

from privacydesk.systems.connector import ConnectorError

#: The identity kinds a directory attribute can hold. A postcode + house number is not among
#: them: an entry keeps postalCode and street apart, so equality on one attribute cannot find it.
IDENTITIES = ("email", "phone", "name", "employee_number", "customer_number", "external_id")

#: What erasure does to an entry of a base.
#: archive_only: the law keeps the entries (R3); the name the other connectors use too.
ERASE_MODES = ("delete", "disable", "archive_only")

#: Attributes that may never be declared: a password hash is no one's personal data to hand out
#: (never exported, never sampled) and is always removed when an entry is disabled.
NEVER_DECLARED = frozenset({"userpassword"})

#: Attributes whose values are DNs of other entries; erasure removes the person's DN from them.
DEFAULT_REFERENCES = ("member", "uniqueMember", "manager", "secretary", "seeAlso")

_ATTRIBUTE = re.compile(r"^(?:[A-Za-z][A-Za-z0-9-]*|\d+(?:\.\d+)+)$")
_TOP_KEYS = frozenset({"object_class", "bases", "attributes", "references",
                       "placeholder", "date_attribute"})
_BASE_KEYS = frozenset({"dn", "kind", "scope", "erase", "reason", "move_to", "mark", "keep"})
_ATTRIBUTE_KEYS = frozenset({"category", "identity", "text"})
#: The base keys only some erase modes take.
_ONLY_WITH = {"reason": ("archive_only", "disable"), "move_to": ("disable",),
              "mark": ("disable",), "keep": ("disable",)}


@dataclass(frozen=True)
class Attribute:
    """A declared attribute: its policy category, the identity kind it holds ("" for none)
    and whether it is free text that may name other people (searched and scrubbed)."""

    name: str
    category: str
    identity: str = ""
    text: bool = False


@dataclass(frozen=True)
class Base:
    """A search base. `dn` is relative to the URL's DN when the URL names one. `erase`:
    delete | disable | archive_only; `reason` says why what remains is kept; a
    disabled entry moves to `move_to` (when given), keeps the attributes in `keep` and gets
    `mark` = (attribute, value), by which it is recognised as disabled afterwards."""

    dn: str
    kind: str
    scope: str
    erase: str
    reason: str = ""
    move_to: str = ""
    mark: tuple[str, str] = ("", "")
    keep: tuple[str, ...] = ()


@dataclass(frozen=True)
class Dataset:
    object_class: str
    bases: tuple[Base, ...]
    attributes: tuple[Attribute, ...]
    references: tuple[str, ...]
    placeholder: str
    date_attribute: str

    def attribute(self, name: str) -> Attribute | None:
        """Return the declared attribute called `name` (case-insensitive), or None."""
        return next((a for a in self.attributes if a.name.lower() == name.lower()), None)

    def with_identity(self, kind: str) -> tuple[Attribute, ...]:
        return tuple(a for a in self.attributes if a.identity == kind)


def _misdeclared(system_id: str, key: str, rule: str) -> ConnectorError:
    return ConnectorError("misdeclared", f"{system_id}: dataset key {key}: {rule}")


def _text(system_id: str, key: str, value: Any, *, default: str | None = None) -> str:
    if value is None and default is not None:
        return default
    if not isinstance(value, str) or not value.strip():
        raise _misdeclared(system_id, key, "must be a non-empty string")
    return value.strip()


def _dn(system_id: str, key: str, value: Any) -> str:
    text = _text(system_id, key, value)
    try:
        parse_dn(text)
    except LDAPInvalidDnError:
        raise _misdeclared(system_id, key, f"must be a distinguished name (got {text!r})") \
            from None
    return text


def attribute_name(system_id: str, key: str, value: Any) -> str:
    """`value` as an attribute name a connector may read; ConnectorError("misdeclared")
    naming `key` for one that is not, or is a password."""
    text = _text(system_id, key, value)
    if not _ATTRIBUTE.match(text):
        raise _misdeclared(system_id, key, f"must be an LDAP attribute name (got {text!r})")
    if text.lower() in NEVER_DECLARED:
        raise _misdeclared(system_id, key, f"{text} may not be declared: a password is never "
                                           "exported or sampled")
    return text


def _names(system_id: str, key: str, value: Any, default: Sequence[str] = ()) -> tuple[str, ...]:
    if value is None:
        return tuple(default)
    if not isinstance(value, list | tuple):
        raise _misdeclared(system_id, key, "must be a list of attribute names")
    return tuple(attribute_name(system_id, f"{key}[{i}]", v) for i, v in enumerate(value))


def _unknown(system_id: str, key: str, table: Mapping[str, Any], allowed: frozenset[str]) -> None:
    extra = sorted(set(table) - allowed)
    if extra:
        raise _misdeclared(system_id, f"{key}{extra[0]}",
                           f"unknown key (allowed: {', '.join(sorted(allowed))})")


_ESCAPE = re.compile(rb"\\([0-9A-Fa-f]{2}|.)")


def _unescaped(value: str) -> str:
    """An RDN value with its escapes undone (RFC 4514: "\\," and "\\2C" are one comma)."""
    # In bytes: "\\C3\\A9" is one character, é, written as its two UTF-8 bytes.
    raw = _ESCAPE.sub(lambda m: bytes.fromhex(m[1].decode()) if len(m[1]) == 2 else m[1],
                      value.encode("utf-8"))
    return raw.decode("utf-8", "replace")


def normal_dn(dn: str) -> tuple[tuple[str, str], ...]:
    """The DN as (attribute, value) pairs, unescaped and lower-cased: equal for two ways of
    writing one DN (spacing, case, "\\," or "\\2C")."""
    return tuple((a.lower(), _unescaped(v).strip().lower()) for a, v, _ in parse_dn(dn))


def dn_within(dn: str, base: str) -> bool:
    """True when `dn` is `base` or lies below it."""
    inner, outer = normal_dn(dn), normal_dn(base)
    return len(inner) >= len(outer) and inner[len(inner) - len(outer):] == outer


def _attributes(system_id: str, value: Any) -> tuple[Attribute, ...]:
    if not isinstance(value, Mapping) or not value:
        raise _misdeclared(system_id, "attributes", "must be a table of attribute = "
                                                    "{ category, identity, text }")
    attributes = []
    for name, spec in value.items():
        key = f"attributes.{name}"
        attribute_name(system_id, key, name)
        if not isinstance(spec, Mapping):
            raise _misdeclared(system_id, key, "must be a table { category, identity, text }")
        _unknown(system_id, f"{key}.", spec, _ATTRIBUTE_KEYS)
        identity = spec.get("identity", "")
        if identity and identity not in IDENTITIES:
            raise _misdeclared(system_id, f"{key}.identity",
                               f"must be one of {', '.join(IDENTITIES)} (got {identity!r})")
        text = spec.get("text", False)
        if not isinstance(text, bool):
            raise _misdeclared(system_id, f"{key}.text", "must be true or false")
        attributes.append(Attribute(name, _text(system_id, f"{key}.category",
                                                spec.get("category")), identity, text))
    if not any(a.identity for a in attributes):
        raise _misdeclared(system_id, "attributes", "at least one attribute must declare an "
                                                    "identity, or no one can be found")
    return tuple(attributes)


def _base(system_id: str, index: int, spec: Any) -> Base:
    key = f"bases[{index}]"
    if not isinstance(spec, Mapping):
        raise _misdeclared(system_id, key, "must be a table { dn, kind, erase, ... }")
    _unknown(system_id, f"{key}.", spec, _BASE_KEYS)
    erase = spec.get("erase")
    if erase not in ERASE_MODES:
        raise _misdeclared(system_id, f"{key}.erase",
                           f"must be one of {', '.join(ERASE_MODES)} (got {erase!r})")
    scope = spec.get("scope", "subtree")
    if scope not in ("subtree", "one"):
        raise _misdeclared(system_id, f"{key}.scope", f"must be subtree or one (got {scope!r})")
    base = Base(dn=_dn(system_id, f"{key}.dn", spec.get("dn")),
                kind=_text(system_id, f"{key}.kind", spec.get("kind"), default="gebruiker"),
                scope=scope, erase=erase)
    # R3: whatever erasure leaves behind must say which duty keeps it (the receipt's words).
    reason = "" if erase == "delete" else _text(system_id, f"{key}.reason", spec.get("reason"))
    for only, modes in _ONLY_WITH.items():
        if only in spec and erase not in modes:
            raise _misdeclared(system_id, f"{key}.{only}",
                               "only with erase = " + " or ".join(f'"{m}"' for m in modes))
    if erase != "disable":
        return replace(base, reason=reason)
    mark = spec.get("mark")
    if not isinstance(mark, Mapping) or set(mark) != {"attribute", "value"}:
        raise _misdeclared(system_id, f"{key}.mark", "erase = \"disable\" needs mark = "
                                                     "{ attribute = \"...\", value = \"...\" }: "
                                                     "how a disabled entry is recognised")
    mark_pair = (attribute_name(system_id, f"{key}.mark.attribute", mark["attribute"]),
                 _text(system_id, f"{key}.mark.value", mark["value"]))
    move_to = spec.get("move_to", "")
    return Base(base.dn, base.kind, scope, erase, reason,
                _dn(system_id, f"{key}.move_to", move_to) if move_to else "",
                mark_pair, _names(system_id, f"{key}.keep", spec.get("keep")))


def parse_dataset(system_id: str, dataset: Mapping[str, Any]) -> Dataset:
    """Return the validated dataset; ConnectorError("misdeclared") naming the key and the
    rule for the first defect."""
    if not isinstance(dataset, Mapping):
        raise _misdeclared(system_id, "(dataset)", "must be a table")
    _unknown(system_id, "", dataset, _TOP_KEYS)
    bases_spec = dataset.get("bases")
    # Lists or tuples: the policy may hand the dataset over frozen.
    if not isinstance(bases_spec, list | tuple) or not bases_spec:
        raise _misdeclared(system_id, "bases", "must be a non-empty list of [[bases]] tables")
    bases = tuple(_base(system_id, i, spec) for i, spec in enumerate(bases_spec))
    for i, base in enumerate(bases):
        # Rt1: what a disabled entry keeps must still be found by an access request, so the
        # place it moves to lies inside a declared base.
        if base.move_to and not any(dn_within(base.move_to, b.dn) for b in bases):
            raise _misdeclared(system_id, f"bases[{i}].move_to",
                               f"{base.move_to} must lie within a declared base, or what the "
                               "disabled entry keeps could not be found for an access request")
    date_attribute = dataset.get("date_attribute")
    return Dataset(
        object_class=_text(system_id, "object_class", dataset.get("object_class"),
                           default="inetOrgPerson"),
        bases=bases,
        attributes=_attributes(system_id, dataset.get("attributes")),
        references=_names(system_id, "references", dataset.get("references"),
                          DEFAULT_REFERENCES),
        placeholder=_text(system_id, "placeholder", dataset.get("placeholder"),
                          default="[verwijderd]"),
        date_attribute=(attribute_name(system_id, "date_attribute", date_attribute)
                        if date_attribute is not None else ""),
    )


_SELECTION_KEYS = frozenset({"bases", "former"})


@dataclass(frozen=True)
class Staff:
    """Where a sync lists people (#16.4): the declared `bases` read, and the `former` among
    them, whose entries are no longer active (former staff)."""

    bases: tuple[Base, ...]
    former: tuple[Base, ...]


def _declared_bases(system_id: str, key: str, value: Any, dataset: Dataset, *,
                    empty: bool = False) -> tuple[Base, ...]:
    if not isinstance(value, list | tuple) or not (value or empty):
        raise _misdeclared(system_id, key, "must be a non-empty list of the dataset's base DNs")
    found = []
    for i, item in enumerate(value):
        dn = _dn(system_id, f"{key}[{i}]", item)
        base = next((b for b in dataset.bases if normal_dn(b.dn) == normal_dn(dn)), None)
        if base is None:
            raise _misdeclared(system_id, f"{key}[{i}]", f"{dn} is not one of the dataset's "
                               f"bases ({', '.join(b.dn for b in dataset.bases)})")
        found.append(base)
    return tuple(dict.fromkeys(found))


def parse_staff(system_id: str, selection: Mapping[str, Any], dataset: Dataset) -> Staff:
    """The `[sync]` table's LDAP keys, validated against the dataset: `bases` (default every
    declared base) and `former` (default: the bases the listed ones move disabled entries
    to). ConnectorError("misdeclared") naming the key ("sync.bases[1]") and the rule."""
    if not isinstance(selection, Mapping):
        raise _misdeclared(system_id, "sync", "must be a table")
    _unknown(system_id, "sync.", selection, _SELECTION_KEYS)
    bases = (_declared_bases(system_id, "sync.bases", selection["bases"], dataset)
             if "bases" in selection else dataset.bases)
    if "former" in selection:
        former = _declared_bases(system_id, "sync.former", selection["former"], dataset,
                                 empty=True)
    else:
        targets = {normal_dn(b.move_to) for b in bases if b.move_to}
        former = tuple(b for b in bases if normal_dn(b.dn) in targets)
    for i, base in enumerate(former):
        if base not in bases:
            raise _misdeclared(system_id, f"sync.former[{i}]", f"{base.dn} must be one of "
                               "sync.bases: the former staff are listed too")
    return Staff(bases, former)
