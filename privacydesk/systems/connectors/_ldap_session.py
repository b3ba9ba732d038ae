"""The LDAP connector's URL and sessions: one bound ldap3 connection per connector call,
every network step bounded by the connection's timeout, every failure a ConnectorError of
the right kind without a credential in it (#16.2). Plain Python.

URL: ``ldap[s]://BIND-DN:PASSWORD@HOST[:PORT][/BASE-DN]``. The bind DN and the password are
percent-encoded where they contain ``@ : / ? # %`` (a DN's commas and equals signs may stay);
without them the connector binds anonymously. The base DN, when given, is the DN the
dataset's bases are relative to.
"""

from __future__ import annotations

import ssl
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from typing import Any, TypeVar
from urllib.parse import unquote, urlsplit

from ldap3 import NONE, SCHEMA, Connection, Server, Tls
from ldap3.core import exceptions as ldap_errors
from ldap3.core.exceptions import LDAPInvalidDnError
from ldap3.utils.dn import parse_dn
from pyasn1.error import PyAsn1Error

from privacydesk.systems.connector import ConnectorError, redact, safe_url

T = TypeVar("T")

#: Results by which the directory refuses who we are (the bind) or what we may do.
_REFUSALS = (ldap_errors.LDAPInvalidCredentialsResult, ldap_errors.LDAPBindError,
             ldap_errors.LDAPInsufficientAccessRightsResult,
             ldap_errors.LDAPInappropriateAuthenticationResult,
             ldap_errors.LDAPStrongerAuthRequiredResult,
             ldap_errors.LDAPConfidentialityRequiredResult)


@dataclass(frozen=True)
class Address:
    """Where and as whom to bind; `password` decoded. `base` is the URL's DN or ""."""

    url: str
    host: str
    port: int
    tls: bool
    user: str
    password: str
    base: str

    def redact(self, text: str) -> str:
        """`text` without the password or bind DN, encoded or decoded."""
        text = redact(text, self.url)
        for secret in (self.password, self.user):
            if secret:
                text = text.replace(secret, "***")
        return text


def parse_url(system_id: str, url: str) -> Address:
    """Return the URL's parts; ConnectorError("misdeclared") for a URL that is not one (the
    message names the URL without its credentials)."""
    parts = urlsplit(url)
    where = safe_url(url) if parts.scheme else "(not a URL)"

    def refuse(rule: str) -> ConnectorError:
        return ConnectorError("misdeclared", f"{system_id}: connection URL {where}: {rule}")

    if parts.scheme not in ("ldap", "ldaps"):
        raise refuse("must start with ldap:// or ldaps://")
    if not parts.hostname:
        raise refuse("names no host")
    try:
        port = parts.port or (636 if parts.scheme == "ldaps" else 389)
    except ValueError:
        raise refuse("has a port that is not a number from 1 to 65535") from None
    base = unquote(parts.path.lstrip("/"))
    if base:
        try:
            parse_dn(base)
        except LDAPInvalidDnError:
            raise refuse(f"its path {base!r} is not a distinguished name") from None
    user, password = unquote(parts.username or ""), unquote(parts.password or "")
    if password and not user:
        raise refuse("has a password without a bind DN")
    return Address(url, parts.hostname, port, parts.scheme == "ldaps", user, password, base)


def _kind(error: Exception) -> str:
    if isinstance(error, ldap_errors.LDAPNoSuchObjectResult):
        return "misdeclared"
    if isinstance(error, _REFUSALS):
        return "refused"
    if isinstance(error, ldap_errors.LDAPResponseTimeoutError) or "timed out" in str(error):
        return "timeout"
    if isinstance(error, ldap_errors.LDAPSocketReceiveError) and "invalid" in str(error):
        return "garbage"
    if isinstance(error, ldap_errors.LDAPCommunicationError | ldap_errors.LDAPSocketOpenError):
        return "unreachable"
    if isinstance(error, ldap_errors.LDAPOperationResult):
        return "refused"
    if isinstance(error, ldap_errors.LDAPException):
        return "unreachable"
    # ldap3 decodes what the server sent without checking that it is LDAP: an HTTP or SMTP
    # answer ends in a KeyError or IndexError deep in its BER reader. That is garbage.
    return "garbage"


_WORDS = {
    "misdeclared": "a declared base is not in the directory",
    "refused": "the directory refused the operation",
    "timeout": "no answer within the timeout",
    "garbage": "the server's answer is not LDAP",
    "unreachable": "the directory cannot be reached",
}


class Session:
    """A bound connection and the helper that turns every ldap3 failure into a
    ConnectorError. Use `open_session`."""

    def __init__(self, system_id: str, address: Address, connection: Connection) -> None:
        self.system_id = system_id
        self.address = address
        self.connection = connection

    def fail(self, what: str, error: Exception) -> ConnectorError:
        kind = _kind(error)
        detail = getattr(error, "description", "") or type(error).__name__
        if isinstance(error, ldap_errors.LDAPOperationResult) and error.message:
            detail = f"{detail}: {error.message}"
        elif not isinstance(error, ldap_errors.LDAPOperationResult) and str(error):
            detail = str(error)
        message = (f"{self.system_id}: {safe_url(self.address.url)}: {what}: "
                   f"{_WORDS[kind]} ({detail})")
        return ConnectorError(kind, self.address.redact(message))

    def call(self, what: str, operation: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run one ldap3 operation; any failure raises ConnectorError (kind by cause)."""
        try:
            return operation(*args, **kwargs)
        except (ldap_errors.LDAPException, PyAsn1Error, KeyError, IndexError, ValueError,
                TypeError, UnicodeDecodeError) as error:
            raise self.fail(what, error) from None


@contextmanager
def open_session(system_id: str, address: Address, timeout: float, *,
                 schema: bool = False) -> Iterator[Session]:
    """A bound session for one connector call, unbound afterwards. `schema`: read the
    directory's schema at bind (needed to know an object class's required attributes)."""
    # ldaps: the certificate is verified against the system's CAs (a private CA: install it
    # there, or point SSL_CERT_FILE at it) and must name the host; ldap3 verifies nothing by
    # default.
    tls = Tls(validate=ssl.CERT_REQUIRED, sni=address.host) if address.tls else None
    server = Server(address.host, port=address.port, use_ssl=address.tls, tls=tls,
                    connect_timeout=timeout, get_info=SCHEMA if schema else NONE)
    # No receive_timeout: ldap3 packs it into SO_RCVTIMEO as whole seconds and fails on a
    # fraction; without it the socket keeps connect_timeout (socket.settimeout), which
    # bounds every later receive as well.
    connection = Connection(server, user=address.user or None,
                            password=address.password or None, raise_exceptions=True,
                            auto_referrals=False, read_only=False)
    session = Session(system_id, address, connection)
    session.call("connect", connection.open)
    try:
        session.call("bind", connection.bind)
        yield session
    finally:
        # The session is over either way; the operation's own error was raised.
        with suppress(ldap_errors.LDAPException, OSError):
            connection.unbind()
