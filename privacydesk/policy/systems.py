"""[[systems]]: where personal data live besides the register (#16.1), declared once.

The statement promises access, correction, erasure and limited retention for *all* of a
person's data (Rt1..Rt3, R1..R3), and C2 that no other categories are held anywhere. So
the policy names every system that holds personal data: who owns it, whether it is the
controller's own or a processor's (with the processing agreement, Art. 28 GDPR), which
categories and roles it holds and why, by which identities a person is found there, what
its connector can do and which retention rule applies there (the keys: `systems[]` in
privacydesk.policy.schema, docs/policy.md).

The connection itself (URL, credentials) is never in the policy: it comes from the
environment (`PRIVACYDESK_SYSTEM_<ID>_URL`, privacydesk.systems.registry). A policy without
`[[systems]]` has the register alone (`implicit_register`), so existing policy files keep
loading. Plain Python; the fixed lists (identity kinds, capabilities, connectors) are in
`policy.model`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

from privacydesk.policy._reader import Table, check_text, parse_toml, read_text
from privacydesk.policy.errors import PolicyError
from privacydesk.policy.loader_sections import period
from privacydesk.policy.model import (
    CAPABILITIES,
    CONNECTOR_KINDS,
    IDENTITY_KINDS,
    OPERATORS,
    UNCONNECTED_KINDS,
    Category,
    Label,
    Period,
    Purpose,
    RetentionPolicy,
    RoleDef,
    StaffRole,
)
from privacydesk.policy.schema import PATTERNS

#: The connector of the register itself: exactly one system has it.
REGISTER = "register"

_IDENT = re.compile(PATTERNS["ident"] + r"\Z")
_HOST = re.compile(f"(?:{PATTERNS['host']})\\Z")
_EMPTY: Mapping[str, Any] = MappingProxyType({})


@dataclass(frozen=True)
class SystemDeclaration:
    """One declared system. Arrays are tuples in the file's order; `dataset` is the parsed
    dataset file (empty when `dataset_path` is None); `scan_interval` None means no periodic
    scan is due there (the register, manual systems, or a system declared without one)."""

    id: str
    label: Label
    owner: str                       # a staff role id: manual tasks and reviews go there
    operator: str                    # "own" | "processor"
    processor: str                   # the processor's name ("" when operator = "own")
    agreement: str                   # the processing agreement (Art. 28 GDPR) or ""
    categories: tuple[str, ...]
    roles: tuple[str, ...]
    purposes: tuple[str, ...]
    identities: tuple[str, ...]
    capabilities: tuple[str, ...]
    connector: str
    dataset: Mapping[str, Any]
    dataset_path: Path | None
    hosts: tuple[str, ...]
    retention: str                   # a retention rule id or ""
    scan_interval: Period | None

    @property
    def is_processor(self) -> bool:
        return self.operator == "processor"

    @property
    def connectable(self) -> bool:
        """True for systems reached over the network (sql, imap, ldap, rest): they count as
        connected only where their URL variable is set."""
        return self.connector not in UNCONNECTED_KINDS

    def can(self, capability: str) -> bool:
        return capability in self.capabilities


def implicit_register(categories: Mapping[str, Category], roles: Mapping[str, RoleDef],
                      purposes: Mapping[str, Purpose],
                      staff_roles: Mapping[str, StaffRole]) -> SystemDeclaration:
    """The register itself, for a policy that declares no [[systems]]: every category, role
    and purpose, owned by the first staff role that handles requests (else the first one)."""
    owner = next((k for k, r in staff_roles.items() if "handle_requests" in r.permissions),
                 next(iter(staff_roles)))
    return SystemDeclaration(
        id=REGISTER, label=Label(nl="Register (privacydesk)", en="Register (privacydesk)"),
        owner=owner, operator="own", processor="", agreement="",
        categories=tuple(categories), roles=tuple(roles), purposes=tuple(purposes),
        identities=("email", "phone", "name"),
        capabilities=("find", "export", "correct", "erase"), connector=REGISTER,
        dataset=_EMPTY, dataset_path=None, hosts=(), retention="", scan_interval=None)


def systems_section(root: Table, *, categories: Mapping[str, Category],
                    roles: Mapping[str, RoleDef], purposes: Mapping[str, Purpose],
                    staff_roles: Mapping[str, StaffRole], retention: RetentionPolicy,
                    base: Path | None) -> tuple[SystemDeclaration, ...]:
    """Read the optional [[systems]] array of the policy's top table.

    PolicyError names the dotted key (`systems[2].categories[1]`) and the rule: an id that
    is not an identifier or repeats, an undeclared staff role, category, role, purpose or
    retention rule, an identity, capability, connector or operator outside the fixed lists,
    a processor without its name and agreement (or an own system with one), a dataset file
    that is missing or not TOML (then the dataset file is the error's file), no hosts for a
    connected kind (or hosts for register/manual), a category a declared role may not have
    (the category's promise, C3..C5), and not exactly one register. `base`: the folder
    relative dataset paths start from (None: the current directory)."""
    if not root.has("systems"):
        return (implicit_register(categories, roles, purposes, staff_roles),)
    items = root.array("systems")
    systems: list[SystemDeclaration] = []
    for i, item in enumerate(items):
        t = Table(root.file, f"systems[{i}]", item)
        system = _system(t, categories, roles, purposes, staff_roles, retention, base)
        if any(s.id == system.id for s in systems):
            t.fail("id", f"must be unique; {system.id!r} is used by an earlier system")
        systems.append(system)
    registers = [i for i, s in enumerate(systems) if s.connector == REGISTER]
    if len(registers) != 1:
        where = f"systems[{registers[1]}].connector" if registers else "systems"
        raise PolicyError(root.file, where, "must declare the register itself (connector = "
                          f"\"register\") exactly once; found {len(registers)}")
    return tuple(systems)


def _system(t: Table, categories: Mapping[str, Category], roles: Mapping[str, RoleDef],
            purposes: Mapping[str, Purpose], staff_roles: Mapping[str, StaffRole],
            retention: RetentionPolicy, base: Path | None) -> SystemDeclaration:
    system_id = t.text("id", 64)
    if not _IDENT.match(system_id):
        t.fail("id", "must be a lowercase identifier ([a-z][a-z0-9_]*, at most 64 "
               "characters)")
    label = t.label("label")
    owner = t.text("owner", 64)
    if owner not in staff_roles:
        t.fail("owner", f"must name a declared staff role; {owner!r} is not one")
    operator = t.choice("operator", OPERATORS)
    processor = t.text("processor", 200, allow_empty=True) if t.has("processor") else ""
    agreement = t.text("agreement", 200, allow_empty=True) if t.has("agreement") else ""
    # Art. 28(3) GDPR: a processor works only under a binding agreement; name both.
    for key, value in (("processor", processor), ("agreement", agreement)):
        if operator == "processor" and not value:
            t.fail(key, "is required when operator = \"processor\" (Art. 28 GDPR)")
        if operator != "processor" and value:
            t.fail(key, "must be empty when operator = \"own\"")
    cats = _ordered(t, "categories", categories, "category")
    held_roles = _ordered(t, "roles", roles, "role")
    purps = _ordered(t, "purposes", purposes, "purpose")
    identities = _ordered(t, "identities", IDENTITY_KINDS, "identity kind")
    capabilities = _ordered(t, "capabilities", CAPABILITIES, "capability")
    connector = t.choice("connector", CONNECTOR_KINDS)
    dataset_name = t.text("dataset", 500, allow_empty=True) if t.has("dataset") else ""
    hosts = _hosts(t, connector)
    rule_id = t.text("retention", 64, allow_empty=True) if t.has("retention") else ""
    if rule_id and all(r.id != rule_id for r in retention.rules):
        t.fail("retention", f"must name a [[retention.rule]] id or be \"\"; {rule_id!r} is "
               "not one")
    if "archive_only" in capabilities and not rule_id:
        t.fail("retention", "is required with the capability archive_only: the rule says how "
               "long the law keeps the records there (R3)")
    scan_interval = None
    if t.has("scan_interval"):
        scan_interval = period(t.table("scan_interval"))
        if scan_interval.is_zero:
            t.fail("scan_interval", "must be longer than zero")
    if connector != REGISTER:
        # C2..C5 hold in every system: the register checks each datum itself.
        _check_roles_may_hold(t, cats, held_roles, categories, roles)
    if connector == REGISTER and dataset_name:
        t.fail("dataset", "must be \"\" for the register (privacydesk's own tables)")
    dataset, dataset_path = _EMPTY, None
    if dataset_name:
        dataset_path = _dataset_file(t, dataset_name, base)
        dataset = _read_dataset(dataset_path)
    t.close()
    return SystemDeclaration(
        id=system_id, label=label, owner=owner, operator=operator, processor=processor,
        agreement=agreement, categories=cats, roles=held_roles, purposes=purps,
        identities=identities, capabilities=capabilities, connector=connector,
        dataset=dataset, dataset_path=dataset_path, hosts=hosts, retention=rule_id,
        scan_interval=scan_interval)


def _ordered(t: Table, key: str, known: Mapping[str, Any] | tuple[str, ...],
             what: str) -> tuple[str, ...]:
    """`Table.refs`, keeping the file's order (the register and reports list them so)."""
    t.refs(key, known, what)
    return tuple(t.data[key])


def _hosts(t: Table, connector: str) -> tuple[str, ...]:
    hosts = t.array("hosts") if t.has("hosts") else []
    if connector in UNCONNECTED_KINDS:
        if hosts:
            t.fail("hosts", f"must be empty for connector {connector!r}: privacydesk never "
                   "connects to it")
        return ()
    if not hosts:
        t.fail("hosts", f"must name at least one host for connector {connector!r}: its "
               "connector talks only to the hosts declared here")
    for i, host in enumerate(hosts):
        where = f"hosts[{i}]"
        check_text(t, where, host, 253)
        if not _HOST.match(host):
            t.fail(where, f"must be a host name or IP address without scheme, port, user or "
                   f"path; {host!r} is not", raw=True)
        if host.lower() in (h.lower() for h in hosts[:i]):
            t.fail(where, f"names {host!r} twice", raw=True)
    return tuple(hosts)


def _check_roles_may_hold(t: Table, cats: tuple[str, ...], held_roles: tuple[str, ...],
                          categories: Mapping[str, Category],
                          roles: Mapping[str, RoleDef]) -> None:
    """C2..C5 reach every system: a category held there must be allowed for every role
    the system declares (the category's `allowed_roles`), or the declaration itself says
    the system may hold data the statement forbids."""
    for i, key in enumerate(cats):
        category = categories[key]
        for role in held_roles:
            if role not in category.allowed_roles:
                allowed = " or ".join(roles[r].plural("en") for r in roles
                                      if r in category.allowed_roles)
                t.fail(f"categories[{i}]", f"{category.promise}: {category.label('en')} may "
                       f"only be held for {allowed}; this system also declares role "
                       f"{role!r}", raw=True)


def _dataset_file(t: Table, name: str, base: Path | None) -> Path:
    """The dataset file `name` names: relative to the policy file's folder; a policy copied
    from InFactor's without its systems/ folder finds the embedded examples."""
    # An absolute `name` stays itself in both joins.
    candidates = [(base or Path.cwd()) / name, Path(__file__).with_name("default") / name]
    for candidate in candidates:
        if candidate.is_file():
            return candidate
    t.fail("dataset", f"names {name!r}, which is not a file (looked for "
           f"{candidates[0]})")


def _read_dataset(path: Path) -> Mapping[str, Any]:
    return MappingProxyType(parse_toml(read_text(path), str(path)))
