"""The tamper-evident audit log (promise Sec1): who did what to whose data, and why.

Every entry is one link of a keyed hash chain (see chain.py). With database access alone
nobody can alter, remove, insert or cut off entries without `verify()` pointing at the
first broken link, because the MACs need the audit key, which lives outside the database.
Deleting the whole chain, or putting an older genuine state back, shows against the
anchors kept outside the database (anchor.py, docs/audit.md).

Contract for callers:
- `person_ref` is the person's pseudonymous UUID, never a name or e-mail address.
- `detail` is a small JSON object WITHOUT personal data: ids, counts, field names and
  categories only. Strings containing "@" are refused as a guard against stray addresses.
- `record()` joins the caller's transaction: if the caller rolls back, the entry goes too.
Retention prunes old entries only through `prune_before(seq)`, which leaves a signed
checkpoint so the remaining chain still verifies. Appending itself is `append.py`;
walking the chain for `verify()` is `verify.py`; carrying it across a restore `carry.py`.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from django.db import transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import QuerySet
from django.utils import timezone
from tqdm import tqdm

from privacydesk.vault import VaultError, anchor, append, chain, keyring
from privacydesk.vault import verify as verify_walk
from privacydesk.vault.models import AuditCheckpoint, AuditEntry, AuditHead


@dataclass(frozen=True)
class VerifyReport:
    """Outcome of `verify()`: `checked` entries verified before the first broken link."""

    ok: bool
    checked: int
    first_broken_seq: int | None = None
    reason: str = ""
    # The anchor the table was compared with ("" if none yet) and, when the table no longer
    # holds it, what happened: anchor.WIPE, TRUNCATION or ROLLBACK.
    anchored: str = ""
    tampering: str = ""


def record_many(items: Iterable[Mapping[str, Any]]) -> int:
    """Append entries (dicts with record()'s keyword names) in order, in one transaction
    (imports, bulk erasure); return how many were appended. All or nothing."""
    return len(append.append(items)[0])


def record(*, actor: str, action: str, object_type: str, object_id: str = "",
           person_ref: str = "", purpose: str = "",
           detail: Mapping[str, Any] | None = None) -> AuditEntry:
    """Append one entry inside the caller's transaction and return it.

    `actor` is a staff username or "system"/"public"; `action` e.g. create, read, update,
    delete, export, erase, login; `object_type` e.g. "register.email".
    """
    rows, alias = append.append([{
        "actor": actor, "action": action, "object_type": object_type,
        "object_id": object_id, "person_ref": person_ref, "purpose": purpose,
        "detail": detail,
    }])
    entry = AuditEntry(*rows[0])  # type: ignore[misc]
    entry._state.adding, entry._state.db = False, alias
    return entry


def audit_read(*, actor: str, object_type: str, person_ref: str, purpose: str,
               object_id: str = "", detail: Mapping[str, Any] | None = None) -> AuditEntry:
    """Record that `actor` saw personal data of `person_ref` for `purpose` (Sec4)."""
    return record(actor=actor, action="read", object_type=object_type, object_id=object_id,
                  person_ref=person_ref, purpose=purpose, detail=detail)


def history(person_ref: str) -> QuerySet[AuditEntry]:
    """Return every entry about one person, oldest first (e.g. for an access request)."""
    return AuditEntry.objects.filter(person_ref=person_ref).order_by("seq")


def verify(progress: bool = False, jobs: int | None = None) -> VerifyReport:
    """Walk the chain from the latest checkpoint (or the start) and return the FIRST broken
    link: an altered entry, a removed one (seq gap), a cut-off tail or an altered head.

    The head is read first and the walk stops there, so entries appended while verifying
    do not count as damage; verification takes no lock and never blocks writers. If a
    prune ran meanwhile (new checkpoint), the walk is repeated once from that checkpoint.
    `jobs` is the number of worker processes for a long chain (None: one per CPU once the
    chain is long enough; 1: none); the report is the same whatever `jobs` is.

    Then the table is compared with the last anchor kept outside it (anchor.py): a wiped,
    truncated or rolled-back chain walks clean, the anchor names it (`tampering`).
    """
    conn = chain.connection()
    checkpoint = chain.latest_checkpoint(conn)
    report = _walk(conn, checkpoint, progress, jobs)
    latest = chain.latest_checkpoint(conn)
    if not report.ok and latest != checkpoint:
        report = _walk(conn, latest, progress, jobs)
    return _against_anchor(conn, report)


def _against_anchor(conn: BaseDatabaseWrapper, report: VerifyReport) -> VerifyReport:
    """Sec1: the walk proves the rows agree with each other and with the head in the
    table; only the anchor, outside the database, shows that rows or the head were
    deleted or put back together."""
    last, finding = anchor.check_table(conn)
    if last is None:
        return report
    seen = last.describe()
    if finding is None:
        return replace(report, anchored=seen)
    if report.ok:
        return VerifyReport(False, report.checked, finding.seq, finding.message, seen,
                            finding.kind)
    first = min(report.first_broken_seq or finding.seq, finding.seq)
    return VerifyReport(False, report.checked, first, f"{finding.message}; {report.reason}",
                        seen, finding.kind)


def _walk(conn: BaseDatabaseWrapper, checkpoint: AuditCheckpoint | None, progress: bool,
          jobs: int | None) -> VerifyReport:
    """Walk from `checkpoint` (None: the first entry) to the head read before the walk."""
    key = keyring.get().audit_key
    first, prev = 1, chain.GENESIS
    if checkpoint is not None:
        good = chain.checkpoint_mac(key, checkpoint.seq, checkpoint.mac, checkpoint.pruned)
        if good != checkpoint.checkpoint_mac:
            return VerifyReport(False, 0, checkpoint.seq, "pruning checkpoint was altered")
        first, prev = checkpoint.seq + 1, checkpoint.mac
    head = AuditHead.objects.using(conn.alias).filter(pk=1).first()
    if head is None and checkpoint is not None:
        return VerifyReport(False, 0, None, "chain head is missing")
    if head is not None and chain.head_mac(key, head.seq, head.mac) != head.head_mac:
        return VerifyReport(False, 0, head.seq, "chain head was altered")
    stop = head.seq if head is not None else first - 1
    with tqdm(total=max(stop - first + 1, 0), unit="entries", file=sys.stderr,
              disable=not progress) as bar:
        result = verify_walk.walk(conn, key, first - 1, prev, stop, bar.update, jobs)
    if result.broken is None:
        return _check_end(conn, head, stop - first + 1, result.last_mac or "", stop)
    broken = result.broken
    if result.short and not AuditEntry.objects.using(conn.alias).filter(
            seq__gt=broken, seq__lte=stop).exists():
        return VerifyReport(False, broken - first, broken,
                            f"entries {broken}..{stop} are missing (tail cut off)")
    return VerifyReport(False, broken - first, broken, result.reason)


def _check_end(conn: BaseDatabaseWrapper, head: AuditHead | None, checked: int,
               last_mac: str, stop: int) -> VerifyReport:
    """Compare the end of a complete walk with the head read before it."""
    if head is not None and head.mac != last_mac:
        return VerifyReport(False, checked, head.seq, "chain head does not match last entry")
    if AuditEntry.objects.using(conn.alias).filter(seq__gt=stop).exists():
        now = AuditHead.objects.using(conn.alias).filter(pk=1).first()
        moved = now is not None and (head is None or now.seq != head.seq)
        if not moved:  # nobody appended meanwhile: these rows bypassed record()
            reason = ("chain head is missing" if head is None
                      else "entries beyond the chain head (not written by record())")
            return VerifyReport(False, checked, stop + 1, reason)
    return VerifyReport(True, checked)


def prune_before(seq: int, *, actor: str = "system") -> int:
    """Remove the entries numbered below `seq` (retention) and return how many went.

    The removed part is verified first: pruning never launders tampering. A signed
    checkpoint keeps the seq and mac of the last removed entry, so `verify()` starts from
    there; the pruning itself is recorded as an entry ("prune").
    """
    key = keyring.get().audit_key
    conn = chain.connection()
    with transaction.atomic(using=conn.alias):
        chain.lock_appends(conn)
        last = (AuditEntry.objects.using(conn.alias).filter(seq__lt=seq).order_by("-seq")
                .values_list("seq", "mac").first())
        if last is None:
            return 0
        report = verify()
        if not report.ok and (report.first_broken_seq is None
                              or report.first_broken_seq <= last[0]):
            raise VaultError(f"refusing to prune: the audit chain is broken at entry "
                             f"{report.first_broken_seq} ({report.reason})")
        # Raw SQL: AuditQuerySet.delete refuses every delete (Sec1); pruning behind a
        # checkpoint is the one way entries leave (not a speed row).
        q = conn.ops.quote_name
        with conn.cursor() as cur:
            cur.execute(f"DELETE FROM {q(AuditEntry._meta.db_table)} WHERE {q('seq')} <= %s",
                        [last[0]])
            pruned = cur.rowcount
        AuditCheckpoint.objects.using(conn.alias).create(
            seq=last[0], mac=last[1], at=timezone.now(), pruned=pruned,
            checkpoint_mac=chain.checkpoint_mac(key, last[0], last[1], pruned))
        record(actor=actor, action="prune", object_type="vault.auditentry",
               detail={"through_seq": last[0], "pruned": pruned})
    return pruned
