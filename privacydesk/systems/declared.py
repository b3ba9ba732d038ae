"""The systems the policy declares (`[[systems]]`, #16.1), as the rights workflow needs them.

The policy model (`policy.systems`, a tuple of `SystemDeclaration`) is the one source; this
module reads it into `Declared` (the attributes the systems app uses, nothing more) and
answers the one question every caller asks of an installation: how is this system reached
here — by a connector (its URL is set), by a person (`manual`), by privacydesk itself
(`register`), or not at all yet (declared, not connected: shown, warned about by `check`,
never blocking a register-only request).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from privacydesk.policy.active import get_policy
from privacydesk.systems.connector import Connection
from privacydesk.systems.registry import connection_url

#: How a declared system is reached in this installation.
CONNECTED = "connected"          # a connector with its URL in the environment
NOT_CONNECTED = "not_connected"  # declared with a connector, but no URL set here
MANUAL = "manual"                # a task for the system's owner role
REGISTER = "register"            # privacydesk's own register (the requests app covers it)

#: Seconds every network call of a connector may take (the preamble's contract: each call
#: has the connection's timeout); PRIVACYDESK_SYSTEM_<ID>_TIMEOUT overrides it per system.
DEFAULT_TIMEOUT = 10.0


@dataclass(frozen=True)
class Declared:
    """One `[[systems]]` entry: the policy's declaration, as plain values."""

    id: str
    label: Mapping[str, str]
    owner: str = ""
    operator: str = "own"
    processor: str = ""
    categories: tuple[str, ...] = ()
    roles: tuple[str, ...] = ()
    purposes: tuple[str, ...] = ()
    identities: tuple[str, ...] = ()
    capabilities: tuple[str, ...] = ()
    connector: str = "manual"
    dataset: Mapping[str, Any] = field(default_factory=dict)
    hosts: tuple[str, ...] = ()
    retention: str = ""
    scan_interval: Any = None

    def name(self, lang: str = "nl") -> str:
        """The label staff and the report show (never the id where a label exists)."""
        return str(self.label.get(lang) or self.label.get("nl") or self.id)

    def can(self, capability: str) -> bool:
        return capability in self.capabilities

    @property
    def archive_only(self) -> bool:
        """R3: the law obliges the system to keep what it holds (accounting: seven years);
        an erasure keeps it there, with the reason."""
        return self.can("archive_only")

    def reached(self) -> str:
        """CONNECTED, NOT_CONNECTED, MANUAL or REGISTER for this installation."""
        if self.connector == "register":
            return REGISTER
        if self.connector == "manual":
            return MANUAL
        return CONNECTED if connection_url(self.id) else NOT_CONNECTED

    def connection(self, environ: Mapping[str, str] | None = None) -> Connection:
        """The connector's Connection; call only when `reached()` is CONNECTED."""
        env = os.environ if environ is None else environ
        url = connection_url(self.id, env) or ""
        raw = env.get(f"PRIVACYDESK_SYSTEM_{self.id.upper()}_TIMEOUT", "").strip()
        try:
            timeout = float(raw) if raw else DEFAULT_TIMEOUT
        except ValueError:
            timeout = DEFAULT_TIMEOUT
        return Connection(self.id, url, connector_dataset(self.dataset), self.hosts,
                          timeout if timeout > 0 else DEFAULT_TIMEOUT)


def connector_dataset(dataset: Mapping[str, Any]) -> dict[str, Any]:
    """The dataset as the system's connector reads it: without `[sync]`, which `systems
    sync` reads (a system of record, #16.4)."""
    return {k: v for k, v in dataset.items() if k != "sync"}


def _tuple(value: Any) -> tuple[str, ...]:
    return tuple(str(v) for v in (value or ()))


def of_mapping(entry: Any) -> Declared:
    """A Declared from the policy's SystemDeclaration or a `[[systems]]` table as TOML
    gives it (tests, the demo)."""
    get = entry.get if isinstance(entry, Mapping) else (
        lambda key, default=None: getattr(entry, key, default))
    label = get("label") or {}
    return Declared(
        id=str(get("id")), label=dict(label) if isinstance(label, Mapping) else {"nl": str(label)},
        owner=str(get("owner") or ""), operator=str(get("operator") or "own"),
        processor=str(get("processor") or ""),
        categories=_tuple(get("categories")), roles=_tuple(get("roles")),
        purposes=_tuple(get("purposes")), identities=_tuple(get("identities")),
        capabilities=_tuple(get("capabilities")), connector=str(get("connector") or "manual"),
        dataset=get("dataset") or {}, hosts=_tuple(get("hosts")),
        retention=str(get("retention") or ""), scan_interval=get("scan_interval"))


_OVERRIDE: tuple[Declared, ...] | None = None


def systems() -> tuple[Declared, ...]:
    """Every system the active policy declares, in the policy's order."""
    if _OVERRIDE is not None:
        return _OVERRIDE
    return tuple(of_mapping(entry) for entry in get_policy().systems)


def system(system_id: str) -> Declared | None:
    """The declared system `system_id`, or None."""
    return next((s for s in systems() if s.id == system_id), None)


def use(declared: tuple[Declared, ...] | None) -> None:
    """Declare these systems instead of the policy's (None: the policy's again). For an
    installation's tests and the demo, until a policy file declares them itself."""
    global _OVERRIDE
    _OVERRIDE = declared
