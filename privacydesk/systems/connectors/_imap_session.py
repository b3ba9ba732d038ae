"""One logged-in IMAP session of the connector, with every failure translated into a
ConnectorError of the right kind (#16.2: down, slow, garbage, refused) and no credential in
any message (the URL's user and password are redacted)."""

from __future__ import annotations

import imaplib
import re
import ssl
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from urllib.parse import unquote, urlsplit

from privacydesk.systems.connector import Connection, ConnectorError, redact, safe_url

_VALIDITY = re.compile(rb"UIDVALIDITY (\d+)")


def quote(text: str) -> str:
    """Return `text` as an IMAP quoted string (the dataset refuses quotes, backslashes and
    line breaks in folder names; search terms are stripped of them)."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def check_url(connection: Connection) -> None:
    """Refuse a URL that is not imap:// or imaps:// with a user (misdeclared), naming the
    rule and never the URL's secret."""
    parts = urlsplit(connection.url)
    if parts.scheme not in ("imap", "imaps") or not parts.hostname or not parts.username:
        raise ConnectorError("misdeclared",
                             f"{connection.system_id}: the connection URL must be "
                             "imap://user:password@host:port/ or imaps://… "
                             f"(got {safe_url(connection.url) or '(empty)'})")
    try:
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError:
        raise ConnectorError("misdeclared", f"{connection.system_id}: the connection URL's "
                             "port must be a number from 1 to 65535")


def _fail(connection: Connection, kind: str, what: str) -> ConnectorError:
    return ConnectorError(kind, redact(f"{connection.system_id}: {safe_url(connection.url)}: "
                                       f"{what}", connection.url))


def _open(connection: Connection) -> imaplib.IMAP4:
    parts = urlsplit(connection.url)
    host = parts.hostname or ""
    if parts.scheme == "imaps":
        return imaplib.IMAP4_SSL(host, parts.port or 993, timeout=connection.timeout,
                                 ssl_context=ssl.create_default_context())
    return imaplib.IMAP4(host, parts.port or 143, timeout=connection.timeout)


@contextmanager
def translated(connection: Connection) -> Iterator[None]:
    """Translate every failure inside the block into a ConnectorError of its kind (down,
    slow, garbage, refused), its message naming the system and never a credential."""
    try:
        yield
    except TimeoutError:
        raise _fail(connection, "timeout",
                    f"no answer within {connection.timeout:g} seconds")
    except ssl.SSLCertVerificationError:
        raise _fail(connection, "unreachable", "its TLS certificate is not trusted")
    except ssl.SSLError:
        raise _fail(connection, "garbage", "the TLS handshake failed (is it an IMAPS port?)")
    except imaplib.IMAP4.abort as exc:
        if "socket error" in str(exc) or "EOF" in str(exc):
            raise _fail(connection, "unreachable", "the server closed the connection")
        raise _fail(connection, "garbage", "the server did not answer as an IMAP server")
    except imaplib.IMAP4.error as exc:
        raise _fail(connection, "garbage", f"unexpected answer: {str(exc)[:200]}")
    except OSError as exc:
        raise _fail(connection, "unreachable",
                    f"cannot connect ({exc.strerror or exc.__class__.__name__})")


def login(connection: Connection) -> imaplib.IMAP4:
    """Return a logged-in connection; every network call is bounded by the connection's
    timeout, every failure translated."""
    with translated(connection):
        conn = _open(connection)
        parts = urlsplit(connection.url)
        try:
            conn.login(unquote(parts.username or ""), unquote(parts.password or ""))
        except imaplib.IMAP4.abort:
            logout(conn)
            raise
        except imaplib.IMAP4.error:
            logout(conn)
            raise _fail(connection, "refused", "the server refused the user name or password")
        return conn


def logout(conn: imaplib.IMAP4) -> None:
    """End the session, whatever state it is in."""
    with suppress(OSError, imaplib.IMAP4.error):  # the session is over either way
        conn.logout()


def select(connection: Connection, conn: imaplib.IMAP4, folder: str, *,
           readonly: bool) -> int:
    """Select `folder` (EXAMINE when `readonly`: finding never marks a message read) and
    return its UIDVALIDITY; misdeclared when the mailbox has no such folder."""
    status, _ = conn.select(quote(folder), readonly=readonly)
    if status != "OK":
        raise ConnectorError("misdeclared", f"{connection.system_id}: the dataset's folder "
                             f"{folder!r} does not exist in the mailbox")
    _, data = conn.response("UIDVALIDITY")
    values = [d for d in data or () if isinstance(d, bytes) and d.isdigit()]
    if not values:
        raise _fail(connection, "garbage", f"folder {folder!r} has no UIDVALIDITY")
    return int(values[-1])


def exists(conn: imaplib.IMAP4, folder: str) -> bool:
    """True when the mailbox has `folder`."""
    status, data = conn.status(quote(folder), "(UIDVALIDITY)")
    return status == "OK" and any(isinstance(d, bytes) and _VALIDITY.search(d) for d in data)


def expect(connection: Connection, answer: tuple[str, list[object]], what: str) -> None:
    """Raise ConnectorError("garbage") unless the server answered OK to `what`."""
    status, data = answer
    if status != "OK":
        detail = b" ".join(d for d in data if isinstance(d, bytes)).decode("ascii", "replace")
        raise _fail(connection, "garbage", f"{what} answered {status} {detail[:200]}")
