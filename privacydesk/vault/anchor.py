"""Anchors: the audit chain's head, kept outside the database it protects (Sec1).

The chain and its sealed head show any altered, removed or inserted entry — but only
against the head the table holds. Whoever controls the database can still delete every
row or put back an older, genuine state of entries, head and checkpoints together: the
table then walks clean. An anchor is the head as it was at a moment (last seq and mac,
entry count, pruning checkpoint, time, occasion; `anchor_mac` = HMAC under the audit key
over all of them), written where the database administrator cannot reach: a line in
`settings.PRIVACYDESK_AUDIT_ANCHOR_FILE` (the data folder, 0600, appended: the history),
every backup's header, and the configured sinks (anchor_sinks.py).

Checkpoints: every intact `audit verify`, backup, sweep and restore, and every ten minutes
in the served app when the head moved (`audit anchor` from cron without it) — not every
append, which costs microseconds where a durable write costs milliseconds. `compare()`
names a wipe, truncation or rollback against the last anchor; `refresh()` never anchors
a table that no longer holds the last anchor. Threat model: docs/audit.md.
"""

from __future__ import annotations

import hmac
import json
import logging
import os
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import UTC
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.utils import timezone

from privacydesk.vault import chain, keyring
from privacydesk.vault.models import AuditEntry, AuditHead

log = logging.getLogger("privacydesk.vault")

WIPE, TRUNCATION, ROLLBACK = "wipe", "truncation", "rollback"
# The occasions of an anchor; PERIODIC ones are not mailed (one every ten minutes would
# bury the privacy officer's mailbox), every other is.
VERIFY, BACKUP, SWEEP, RESTORE, PERIODIC, MANUAL = (
    "verify", "backup", "sweep", "restore", "periodic", "manual")
_TAIL = 65536  # bytes read from the end of the anchor file to find its last line


@dataclass(frozen=True)
class Anchor:
    """The chain's head at `at` (ISO UTC): last entry `seq` (0: empty) with `mac`, `count`
    entries after the pruning checkpoint at `pruned_through` (0: none); `reason` the
    occasion; `anchor_mac` the HMAC under the audit key over all of these."""

    seq: int
    mac: str
    count: int
    pruned_through: int
    at: str
    reason: str
    anchor_mac: str = ""

    def message(self) -> bytes:
        return chain.SEP.join(("anchor", str(self.seq), self.mac, str(self.count),
                               str(self.pruned_through), self.at, self.reason)).encode()

    def signed(self, key: bytes) -> Anchor:
        mac = hmac.digest(key, self.message(), "sha256").hex()
        return Anchor(**{**asdict(self), "anchor_mac": mac})

    def genuine(self, key: bytes) -> bool:
        return hmac.compare_digest(self.signed(key).anchor_mac, self.anchor_mac)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def line(self) -> str:
        return json.dumps(self.as_dict(), sort_keys=True)

    def write_line(self, path: Path, flags: int, mode: int) -> None:
        """Open `path` with `flags` (O_WRONLY and more) and write this anchor as one line,
        synced: appends of several processes never interleave within one write."""
        fd = os.open(path, os.O_WRONLY | flags, mode)
        try:
            os.write(fd, (self.line() + "\n").encode())
            os.fsync(fd)
        finally:
            os.close(fd)

    def describe(self) -> str:
        """'the anchor of 2026-12-06 23:50 UTC (12 entries, through entry 12)'."""
        return (f"the anchor of {self.at[:16].replace('T', ' ')} UTC ({self.count} "
                f"{'entry' if self.count == 1 else 'entries'}, through entry {self.seq})")

    @classmethod
    def from_dict(cls, data: Any) -> Anchor | None:
        """The anchor in `data`, or None if it is not one (a torn line, another object)."""
        try:
            return cls(int(data["seq"]), str(data["mac"]), int(data["count"]),
                       int(data["pruned_through"]), str(data["at"]), str(data["reason"]),
                       str(data["anchor_mac"]))
        except (KeyError, TypeError, ValueError):
            return None


@dataclass(frozen=True)
class Finding:
    """What `compare()` found: `kind` WIPE / TRUNCATION / ROLLBACK, the first entry `seq`
    that is not as anchored, and a sentence naming the anchor."""

    kind: str
    seq: int
    message: str


def current(conn: BaseDatabaseWrapper | None = None, reason: str = MANUAL) -> Anchor:
    """The anchor of the chain as the table holds it now (signed), read in the caller's
    transaction (a backup takes it from its own snapshot)."""
    conn = conn or chain.connection()
    checkpoint = chain.latest_checkpoint(conn)
    pruned = checkpoint.seq if checkpoint is not None else 0
    head = AuditHead.objects.using(conn.alias).filter(pk=1).values_list("seq", "mac").first()
    if head is not None:
        seq, mac = int(head[0]), str(head[1])
    else:  # an empty chain (or a broken one: verify names that, never the anchor)
        seq, mac = pruned, checkpoint.mac if checkpoint is not None else chain.GENESIS
    at = timezone.now().astimezone(UTC).isoformat(timespec="microseconds")
    return Anchor(seq, mac, seq - pruned, pruned, at, reason).signed(keyring.get().audit_key)


def anchor_file() -> Path:
    """The anchor file in the data folder (settings.PRIVACYDESK_AUDIT_ANCHOR_FILE)."""
    return Path(settings.PRIVACYDESK_AUDIT_ANCHOR_FILE)


def _last_line_anchor(path: Path, key: bytes) -> Anchor | None:
    """The last genuine anchor in the file at `path` (a torn or forged line is skipped)."""
    try:
        with open(path, "rb") as fh:
            size = fh.seek(0, os.SEEK_END)
            fh.seek(max(0, size - _TAIL))
            tail = fh.read()
            if size > _TAIL and b"\n" not in tail[:-1]:
                fh.seek(0)
                tail = fh.read()
    except (FileNotFoundError, NotADirectoryError):  # no anchor file (yet) at that path
        return None
    for raw in reversed(tail.splitlines()):
        try:
            anchor = Anchor.from_dict(json.loads(raw))
        except (json.JSONDecodeError, UnicodeDecodeError):
            continue
        if anchor is not None and anchor.genuine(key):
            return anchor
    return None


def last() -> Anchor | None:
    """The newest genuine anchor of the anchor file and the append-only folder (if one is
    configured): whoever removed the file's last lines still meets the folder's copy."""
    from privacydesk.vault import anchor_sinks

    key = keyring.get().audit_key
    found = [a for a in (_last_line_anchor(anchor_file(), key),
                         anchor_sinks.newest_in_dir(key))
             if a is not None]
    return max(found, key=lambda a: a.at) if found else None


def compare(conn: BaseDatabaseWrapper, anchor: Anchor) -> Finding | None:
    """What the table no longer holds of `anchor`, or None if it extends it."""
    if anchor.seq == 0:
        return None
    entries = AuditEntry.objects.using(conn.alias)
    top = entries.order_by("-seq").values_list("seq", flat=True).first()
    said = anchor.describe()
    if top is None and anchor.count > 0:
        return Finding(WIPE, anchor.pruned_through + 1,
                       f"wipe: the table holds no audit entries; {said} counted "
                       f"{anchor.count}: the chain was deleted")
    checkpoint = chain.latest_checkpoint(conn)
    pruned = checkpoint.seq if checkpoint is not None else 0
    if pruned < anchor.pruned_through:
        return Finding(ROLLBACK, pruned + 1,
                       f"rollback: the pruning checkpoint at entry {anchor.pruned_through} "
                       f"named by {said} is gone: the table was put back to before it")
    if anchor.seq <= pruned:  # the anchored entry was pruned since; its checkpoint vouches
        if checkpoint is not None and pruned == anchor.seq and checkpoint.mac != anchor.mac:
            return Finding(ROLLBACK, anchor.seq, f"rollback: entry {anchor.seq} is not the "
                           f"one {said} names: the chain was rewritten")
        return None
    if top is None or top < anchor.seq:
        end = top or 0
        return Finding(TRUNCATION, end + 1,
                       f"truncation: the table ends at entry {end}, {said} names entry "
                       f"{anchor.seq}: entries {end + 1}..{anchor.seq} were cut off")
    mac = entries.filter(seq=anchor.seq).values_list("mac", flat=True).first()
    if mac != anchor.mac:
        return Finding(ROLLBACK, anchor.seq,
                       f"rollback: entry {anchor.seq} is not the one {said} names: the chain "
                       f"was put back to before it and written anew")
    head = AuditHead.objects.using(conn.alias).filter(pk=1).values_list("seq", flat=True)
    head_seq = head.first()
    if head_seq is None:
        return Finding(ROLLBACK, anchor.pruned_through + 1,
                       f"rollback: the chain head is missing, {said} names entry {anchor.seq}")
    if head_seq < anchor.seq:
        return Finding(ROLLBACK, head_seq + 1,
                       f"rollback: the chain head (entry {head_seq}) is older than {said}")
    return None


def check_table(conn: BaseDatabaseWrapper | None = None) -> tuple[Anchor | None, Finding | None]:
    """The last anchor and what the table no longer holds of it (None: nothing)."""
    conn = conn or chain.connection()
    anchor = last()
    return anchor, (compare(conn, anchor) if anchor is not None else None)


def write(anchor: Anchor) -> None:
    """Append `anchor` to the anchor file and send it to every configured sink."""
    from privacydesk.vault import anchor_sinks

    path = anchor_file()
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    anchor.write_line(path, os.O_APPEND | os.O_CREAT, 0o600)
    anchor_sinks.send(anchor)


class AnchorRefused(Exception):
    """The table does not extend the last anchor: anchoring it would hide the difference."""

    def __init__(self, finding: Finding) -> None:
        super().__init__(finding.message)
        self.finding = finding


def refresh(reason: str, *, only_if_moved: bool = False) -> Anchor | None:
    """Anchor the chain as committed now and return the anchor written.

    Raises AnchorRefused (nothing written) when the table no longer holds the last anchor:
    a wipe, truncation or rollback stays visible to `audit verify` until an operator
    restores a backup (which re-anchors, reason "restore"). With `only_if_moved` (the
    periodic anchor) nothing is written when the head is where the last anchor saw it.
    A missing head (with entries left) or one whose seal does not check is never anchored
    (None; verify names it).
    """
    conn = chain.connection()
    key = keyring.get().audit_key
    previous, finding = check_table(conn)
    if finding is not None:
        raise AnchorRefused(finding)
    now = current(conn, reason)
    head = AuditHead.objects.using(conn.alias).filter(pk=1).first()
    if head is None and AuditEntry.objects.using(conn.alias).exists():
        return None   # entries without a head: verify names it; an anchor of 0 would hide it
    if head is not None and not hmac.compare_digest(
            chain.head_mac(key, head.seq, head.mac), head.head_mac):
        return None
    if only_if_moved and previous is not None and (previous.seq, previous.mac) == (
            now.seq, now.mac):
        return None
    write(now)
    return now


def rebase(reason: str = RESTORE) -> Anchor:
    """Anchor the table as it is, whatever the last anchor said: only after a restore,
    the operator's deliberate return to a backup (the earlier anchors stay in the file
    and in every sink, so the return itself remains visible)."""
    anchor = current(reason=reason)
    write(anchor)
    return anchor


def periodic() -> None:
    """The ten-minute anchor (the `audit-anchor` task, privacydesk/jobs), written only
    when the head moved since the last anchor."""
    after_commit(PERIODIC, lambda reason: refresh(reason, only_if_moved=True))


def after_commit(reason: str, action: Callable[..., Any] | None = None) -> None:
    """Anchor once the caller's transaction commits (at once outside one): a transaction
    that rolls back must not leave an anchor naming entries that never existed. A refusal
    or a failing disk is logged, never raised into the work that triggered it."""
    def run() -> None:
        try:
            (action or refresh)(reason)
        except AnchorRefused as exc:
            log.error("audit anchor refused (%s): %s", reason, exc.finding.message)
        except OSError as exc:
            log.error("audit anchor not written (%s): %s", reason, type(exc).__name__)

    transaction.on_commit(run, using=chain.connection().alias)
