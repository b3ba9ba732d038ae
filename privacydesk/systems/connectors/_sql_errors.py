"""What went wrong, in the connector contract's words (#16.2: down, slow, garbage, refused).

SQLAlchemy wraps the driver's exception; the kind is read from the driver's own (PostgreSQL
SQLSTATE, MySQL error number) and, for failures before a session exists, from the words the
driver uses. The message never holds the URL's credentials (`redact`) nor the statement's
bound values (they are the person's data): only the driver's first line.
"""

from __future__ import annotations

import re
import socket

from sqlalchemy import exc

from privacydesk.systems.connector import ConnectorError, redact, safe_url

# MySQL/MariaDB client and server error numbers.
_MYSQL_REFUSED = {1044, 1045, 1698, 1142, 1143}   # access denied (user, database, table)
_MYSQL_GONE = {2002, 2003, 2005, 2006, 2013}      # cannot connect / lost the server
_MYSQL_MISSING = {1049, 1146, 1054}               # unknown database, table, column
_MYSQL_FOREIGN_KEY = {1451, 1452}                 # a row is referenced / references none


#: MySQL quotes the offending value in some messages ("Duplicate entry 'anna@...' for key
#: 'email'"): a person's data, never shown (PostgreSQL puts them on the DETAIL line).
_QUOTED_VALUE = re.compile(r"(entry|value) '[^']*'", re.IGNORECASE)


def _first_line(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    return _QUOTED_VALUE.sub(r"\1 '…'", text[0]) if text else type(error).__name__


def _kind_of(orig: BaseException) -> str:
    text = str(orig).lower()
    sqlstate = getattr(orig, "sqlstate", None)
    code = orig.args[0] if orig.args and isinstance(orig.args[0], int) else None
    if isinstance(orig, (TimeoutError, socket.timeout)) or "timed out" in text \
            or "timeout expired" in text or sqlstate == "57014":
        return "timeout"
    if (sqlstate or "").startswith("28") or code in _MYSQL_REFUSED \
            or "password authentication failed" in text or "access denied" in text \
            or ("role " in text and "does not exist" in text) or "no pg_hba.conf entry" in text:
        return "refused"
    if sqlstate in ("3D000", "42P01", "42703", "23503") or code in _MYSQL_MISSING \
            or code in _MYSQL_FOREIGN_KEY:
        # 23503 / 1451: a foreign key the dataset does not declare blocked a delete.
        return "misdeclared"
    if code in _MYSQL_GONE or "connection refused" in text or "could not connect" in text \
            or "could not translate host name" in text or "name or service not known" in text \
            or "no route to host" in text or "server closed the connection" in text \
            or "connection reset" in text or "lost connection" in text:
        return "unreachable"
    if "packet sequence" in text or "invalid response" in text or "unexpected" in text \
            or "expected authentication request" in text or "lost synchronization" in text \
            or "malformed" in text or "protocol" in text:
        return "garbage"
    if type(orig).__module__.split(".")[0] in ("psycopg", "pymysql"):
        return "refused"  # the server answered and said no: a constraint, a permission
    return "garbage"


def translate(error: BaseException, system_id: str, url: str, doing: str) -> ConnectorError:
    """Return the ConnectorError for an exception raised while `doing` something."""
    orig = error.orig if isinstance(error, exc.DBAPIError) and error.orig is not None else error
    # Only the driver's words are redacted: the URL's user name may be a common word ("crm")
    # that also names the system; safe_url already holds no credentials.
    return ConnectorError(_kind_of(orig), f"{system_id} ({safe_url(url)}): {doing}: "
                                          f"{redact(_first_line(orig), url)}")
