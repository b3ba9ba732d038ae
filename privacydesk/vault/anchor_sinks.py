"""Where an audit anchor goes besides the anchor file: the append-only places (Sec1).

An anchor in the data folder protects against whoever holds only the database. Against
whoever also holds the data folder, copies must go where neither reaches; each is optional
and configured in privacydesk.project.config:

- PRIVACYDESK_AUDIT_ANCHOR_DIR: a new file per anchor, created exclusively (never
  overwritten) and read-only (0400), named so that the names sort by time. `audit verify`
  reads the newest genuine one, so a local anchor file that lost its last lines does not
  hide a rollback. Make the folder append-only where it lives (`chattr +a`, a write-once
  share, another host's mount).
- PRIVACYDESK_AUDIT_ANCHOR_EMAIL: a plain-text mail to the privacy officer (not for the
  ten-minute anchors), sent through Django's mail backend like every other mail.
- PRIVACYDESK_AUDIT_ANCHOR_SYSLOG: one RFC 5424 datagram over UDP (facility authpriv,
  severity notice) to a collector, e.g. a SIEM that keeps what it receives.

An anchor holds no personal data (numbers, MACs, a time, an occasion). A sink that fails
is logged by its kind and the error's type, never raised into the work that anchored: the
anchor file is written first and remains the reference.
"""

from __future__ import annotations

import json
import logging
import os
import socket
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMessage
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from privacydesk.vault import anchor as anchors

log = logging.getLogger("privacydesk.vault")
PREFIX, SUFFIX = "anchor-", ".json"
SYSLOG_PRI = 10 * 8 + 5  # facility authpriv (10), severity notice (5): RFC 5424 6.2.1
# What the privacy officer reads for an anchor's occasion (never the code).
OCCASIONS = {
    anchors.VERIFY: gettext_lazy("a verification of the audit log"),
    anchors.BACKUP: gettext_lazy("a backup"),
    anchors.SWEEP: gettext_lazy("the daily retention sweep"),
    anchors.RESTORE: gettext_lazy("a restore from a backup"),
    anchors.MANUAL: gettext_lazy("by hand (privacydesk audit anchor)"),
    anchors.PERIODIC: gettext_lazy("the periodic anchor"),
}


def _folder() -> Path | None:
    folder = getattr(settings, "PRIVACYDESK_AUDIT_ANCHOR_DIR", None)
    return Path(folder) if folder else None


def to_dir(anchor: anchors.Anchor, folder: Path) -> Path:
    """Write `anchor` as a new read-only file in `folder`; FileExistsError rather than
    overwrite anything."""
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    # 'anchor-20261206T235012123456Z-000000000012.json': names sort by time.
    stamp = anchor.at[:26].replace("-", "").replace(":", "").replace(".", "")
    target = folder / f"{PREFIX}{stamp}Z-{anchor.seq:012d}{SUFFIX}"
    anchor.write_line(target, os.O_CREAT | os.O_EXCL, 0o400)
    return target


def newest_in_dir(key: bytes) -> anchors.Anchor | None:
    """The newest genuine anchor in the configured folder (None: no folder or none)."""
    folder = _folder()
    if folder is None or not folder.is_dir():
        return None
    names = sorted((n for n in os.listdir(folder) if n.startswith(PREFIX) and
                    n.endswith(SUFFIX)), reverse=True)
    for name in names:
        try:
            anchor = anchors.Anchor.from_dict(json.loads((folder / name).read_bytes()))
        except (OSError, json.JSONDecodeError, UnicodeDecodeError):
            continue
        if anchor is not None and anchor.genuine(key):
            return anchor
    return None


def to_mail(anchor: anchors.Anchor, address: str) -> None:
    """Mail `anchor` to the privacy officer, in the staff's language (Dutch)."""
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Audit log anchor: entry %(seq)s") % {"seq": anchor.seq}
        body = _(
            "privacydesk recorded where its audit log stood (promise Sec1).\n\n"
            "Occasion: %(reason)s\nTime (UTC): %(at)s\nLast entry: %(seq)s\n"
            "Entries in the log: %(count)s\n\n"
            "Keep this message. If `privacydesk audit verify` ever reports fewer entries, "
            "or another last entry, than a message like this one names, the log was "
            "deleted, cut off or put back after this moment.\n\nThe anchor, signed with "
            "the audit key:\n%(line)s\n") % {
            "reason": OCCASIONS.get(anchor.reason, anchor.reason), "at": anchor.at,
            "seq": anchor.seq, "count": anchor.count, "line": anchor.line()}
    EmailMessage(subject=subject, body=body, to=[address]).send(fail_silently=False)


def to_syslog(anchor: anchors.Anchor, url: str) -> None:
    """Send `anchor` as one RFC 5424 datagram (<PRI>1 TIMESTAMP HOST APP - MSGID - MSG) to
    udp://host:port (default port 514)."""
    parts = urlsplit(url)
    host = (socket.gethostname() or "-").split(".")[0][:255]
    message = f"<{SYSLOG_PRI}>1 {anchor.at} {host} privacydesk - audit-anchor - {anchor.line()}"
    with socket.socket(socket.AF_INET6 if ":" in (parts.hostname or "") else socket.AF_INET,
                       socket.SOCK_DGRAM) as sock:
        sock.sendto(message.encode(), (parts.hostname or "", parts.port or 514))


def send(anchor: anchors.Anchor) -> None:
    """Send `anchor` to every configured sink; a failure is logged, the others still go."""
    folder = _folder()
    address = getattr(settings, "PRIVACYDESK_AUDIT_ANCHOR_EMAIL", "")
    target = getattr(settings, "PRIVACYDESK_AUDIT_ANCHOR_SYSLOG", "")
    sinks = [("folder", lambda: to_dir(anchor, folder)) if folder else None,
             ("mail", lambda: to_mail(anchor, address))
             if address and anchor.reason != anchors.PERIODIC else None,
             ("syslog", lambda: to_syslog(anchor, target)) if target else None]
    for kind, deliver in filter(None, sinks):
        try:
            deliver()
        except Exception as exc:  # noqa: BLE001  every sink is tried; none stops the work
            log.error("audit anchor not delivered to the %s sink: %s", kind,
                      type(exc).__name__)
