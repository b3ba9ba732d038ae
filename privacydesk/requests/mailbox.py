"""The mailbox reader (Rt5): files every new message of a real IMAP mailbox.

`fetch_mail(url)` connects to `PRIVACYDESK_IMAP_URL` (imap://user:password@host:port/INBOX,
or imaps:// for TLS), reads every message without the keyword `PrivacydeskFiled` (not
\\Seen: a person may have opened a message in their mail program), and files each through
`intake.file_mail`. Only after that transaction commits is the message flagged (keyword
and \\Seen) — a crash in between files nothing twice (FiledMail) and loses nothing.
Messages larger than PRIVACYDESK_IMAP_MAX_BYTES are not downloaded: their headers become
a triage item. One bad message never stops the run; it is counted in `failed` and tried
again next time. Nothing personal is logged.
"""

from __future__ import annotations

import imaplib
import logging
import re
from contextlib import suppress
from dataclasses import dataclass
from urllib.parse import unquote, urlparse

from django.conf import settings

from privacydesk.policy.errors import RuleViolation
from privacydesk.requests import intake, mailparse

log = logging.getLogger("privacydesk.requests")
KEYWORD = "PrivacydeskFiled"
_SIZE = re.compile(rb"RFC822\.SIZE (\d+)")


@dataclass
class FetchReport:
    seen: int = 0
    filed: int = 0
    triage: int = 0
    concerns: int = 0
    rejected: int = 0
    duplicates: int = 0
    failed: int = 0


def connect(url: str) -> imaplib.IMAP4:
    """Log in to the mailbox of `url` and select its folder (INBOX by default)."""
    parts = urlparse(url)
    if parts.scheme not in ("imap", "imaps") or not parts.hostname or not parts.username:
        raise RuleViolation("PRIVACYDESK_IMAP_URL", "format",
                            "use imap://user:password@host:port/INBOX (or imaps://)")
    cls = imaplib.IMAP4_SSL if parts.scheme == "imaps" else imaplib.IMAP4
    conn = cls(parts.hostname, parts.port or (993 if parts.scheme == "imaps" else 143),
               timeout=30)
    try:
        conn.login(unquote(parts.username), unquote(parts.password or ""))
    except imaplib.IMAP4.error as exc:
        conn.shutdown()
        raise RuleViolation("PRIVACYDESK_IMAP_URL", "login", "the mailbox refused the user "
                            "name or password") from exc
    folder = unquote(parts.path.lstrip("/")) or "INBOX"
    status, _ = conn.select(f'"{folder}"')
    if status != "OK":
        raise RuleViolation("PRIVACYDESK_IMAP_URL", "exists", "the mailbox folder does not exist")
    return conn


def _fetch(conn: imaplib.IMAP4, uid: str, part: str) -> bytes:
    status, data = conn.uid("FETCH", uid, f"({part})")
    for item in data or ():
        if isinstance(item, tuple) and len(item) == 2:
            return bytes(item[1])
    raise OSError(f"no data for {part}")


def _one(conn: imaplib.IMAP4, uid: str, limit: int, report: FetchReport) -> None:
    status, data = conn.uid("FETCH", uid, "(RFC822.SIZE)")
    found = _SIZE.search(data[0] if data and isinstance(data[0], bytes) else b"")
    size = int(found.group(1)) if found else 0
    too_large = size > limit
    # BODY.PEEK: reading does not set \Seen; the flag follows only after filing.
    raw = _fetch(conn, uid, "BODY.PEEK[HEADER]" if too_large else "BODY.PEEK[]")
    outcome = intake.file_mail(mailparse.parse(raw), too_large=too_large)
    conn.uid("STORE", uid, "+FLAGS", f"({KEYWORD} \\Seen)")
    name = {"request": "filed", "triage": "triage", "concern": "concerns",
            "rejected": "rejected", "duplicate": "duplicates"}[outcome.outcome]
    setattr(report, name, getattr(report, name) + 1)


def fetch_mail(url: str | None = None, *, limit_bytes: int | None = None) -> FetchReport:
    """File every unfiled message of the mailbox; return the counts (module doc)."""
    target = url or settings.PRIVACYDESK_IMAP_URL
    if not target:
        raise RuleViolation("PRIVACYDESK_IMAP_URL", "required", "no mailbox configured")
    limit = limit_bytes or settings.PRIVACYDESK_IMAP_MAX_BYTES
    report = FetchReport()
    conn = connect(target)
    try:
        status, data = conn.uid("SEARCH", "NOT", "KEYWORD", KEYWORD)
        uids = [u.decode() for u in data[0].split()] if status == "OK" and data and data[0] \
            else []
        for uid in uids:
            report.seen += 1
            try:
                _one(conn, uid, limit, report)
            except (imaplib.IMAP4.abort, ConnectionError):
                raise  # the connection is gone; the next run continues
            except Exception as exc:  # one message must not stop the others
                report.failed += 1
                log.warning("mailbox message %s not filed (%s)", uid,
                            type(exc).__name__)
    finally:
        with suppress(Exception):  # logging out of a broken connection
            conn.logout()
    return report
