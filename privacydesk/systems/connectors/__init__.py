"""One module per kind of connector (sql, imap, ldap, rest, manual). Each exposes
`connect(connection: Connection) -> Connector`; `registry.CONNECTORS` maps the policy's
`connector` value to it."""
