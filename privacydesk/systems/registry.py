"""Which module builds the connector of each kind, and where a system's URL comes from."""

from __future__ import annotations

import importlib
import os
from collections.abc import Mapping

from privacydesk.systems.connector import Connection, Connector, ConnectorError

#: The policy's `connector` value -> the module whose `connect(connection)` builds it.
CONNECTORS: dict[str, str] = {
    "sql": "privacydesk.systems.connectors.sql",
    "imap": "privacydesk.systems.connectors.imap",
    "ldap": "privacydesk.systems.connectors.ldap",
    "rest": "privacydesk.systems.connectors.rest",
}


def url_variable(system_id: str) -> str:
    """Return the environment variable holding the system's connection URL, e.g.
    PRIVACYDESK_SYSTEM_TICKETING_URL (credentials live there or in the vault, never in the
    policy file)."""
    return f"PRIVACYDESK_SYSTEM_{system_id.upper()}_URL"


def connection_url(system_id: str, environ: Mapping[str, str] | None = None) -> str | None:
    """Return the system's connection URL; None when this installation did not connect it."""
    value = (os.environ if environ is None else environ).get(url_variable(system_id), "")
    return value.strip() or None


def connect(kind: str, connection: Connection) -> Connector:
    """Build the connector of `kind` for `connection`; ConnectorError("unsupported") for a
    kind without a connector module."""
    module_name = CONNECTORS.get(kind)
    if module_name is None:
        raise ConnectorError("unsupported",
                             f"{connection.system_id}: no connector of kind {kind!r}")
    return importlib.import_module(module_name).connect(connection)  # type: ignore[no-any-return]
