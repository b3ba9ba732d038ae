"""The erasure ledger's signature (Rt3, Sec1): a receipt whose lines nobody can change.

Each `ErasureLedger` entry carries `signature`: HMAC-SHA256, under a key derived from the
vault's audit key, over the entry's canonical form — uid, pseudonymous ref, moment, actor,
request reference and the whole summary (`ErasureReceipt.as_dict()`: what was deleted, what
is kept and why, and the line of every other system: its outcome, erased and kept counts,
the law that keeps, the records left at the re-search and when, who confirmed a manual
task). Whoever can write the database but does not hold the key cannot alter a line — "0
records left" where the re-search found two — without `verify` saying so.

The other systems settle after the register's erasure (#16.3: tasks on the queue), so their
lines join the summary later (`add_systems`, called by the requests app, which sits above
both retention and systems): the entry is verified first, never re-signed once altered,
then signed again with the lines in. An entry made before entries were signed has no
signature: `verify` says UNSIGNED, not VALID — nothing vouches for it.
"""

from __future__ import annotations

import hmac
import json
from collections.abc import Iterable, Mapping
from datetime import UTC
from typing import Any

from django.db import transaction

from privacydesk.retention import journal
from privacydesk.retention.erasure_receipt import SystemLine
from privacydesk.retention.models import ErasureLedger
from privacydesk.vault import audit, keyring

VALID, ALTERED, UNSIGNED = "valid", "altered", "unsigned"

#: The fields of a system's line the summary keeps (`SystemLine`), nothing else: a
#: line from the requests app carries no personal data, and no more than the receipt shows.
_LINE_FIELDS = tuple(SystemLine.__dataclass_fields__)


def _key() -> bytes:
    # A key of its own, derived from the audit key: a ledger signature is never a valid
    # audit-chain MAC, nor the other way round.
    return hmac.digest(keyring.get().audit_key, b"erasure-ledger\x1fv1", "sha256")


def canonical(entry: ErasureLedger) -> bytes:
    """The bytes the signature covers: the entry's facts and its summary, as sorted JSON."""
    moment = entry.erased_at.astimezone(UTC).isoformat() if entry.erased_at else ""
    return json.dumps({"uid": str(entry.uid), "person_ref": entry.person_ref,
                       "erased_at": moment, "actor": entry.actor,
                       "request_ref": entry.request_ref, "summary": entry.summary},
                      sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def sign(entry: ErasureLedger) -> str:
    """The signature of `entry` as it is now (not saved)."""
    return hmac.digest(_key(), canonical(entry), "sha256").hex()


def verify(entry: ErasureLedger) -> str:
    """VALID when `signature` covers the entry as stored, ALTERED when it does not, UNSIGNED
    when the entry has none (made before entries were signed)."""
    if not entry.signature:
        return UNSIGNED
    return VALID if hmac.compare_digest(entry.signature, sign(entry)) else ALTERED


def of_request(request_ref: str) -> ErasureLedger | None:
    """The ledger entry of the erasure a request made (its reference), else None."""
    if not request_ref:
        return None
    return ErasureLedger.objects.filter(request_ref=request_ref).order_by("-erased_at").first()


def systems_of(entry: ErasureLedger) -> tuple[SystemLine, ...]:
    """The other systems' lines the signed summary holds (none for an older entry)."""
    return tuple(SystemLine(**{k: v for k, v in line.items() if k in _LINE_FIELDS})
                 for line in entry.summary.get("systems", ()) or ())


class LedgerAltered(Exception):
    """The entry no longer matches its signature: its lines are not signed again."""


def add_systems(request_ref: str, lines: Iterable[Mapping[str, Any]], *,
                actor: str) -> ErasureLedger | None:
    """Put the other systems' receipt lines into the signed summary of the erasure that
    request `request_ref` made, and sign it again; None when that erasure has no entry (a
    partial erasure, #15, writes none). Raises LedgerAltered — and changes nothing — when
    the entry no longer verifies. Call inside the transaction that writes the lines into
    the request's receipt, so both hold the same."""
    with transaction.atomic():
        entry = (ErasureLedger.objects.select_for_update()
                 .filter(request_ref=request_ref).order_by("-erased_at").first()
                 if request_ref else None)
        if entry is None:
            return None
        if verify(entry) == ALTERED:
            raise LedgerAltered(f"erasure ledger entry {entry.uid} does not match its "
                                "signature")
        entry.summary = {**entry.summary,
                         "systems": [{k: line.get(k) for k in _LINE_FIELDS if k in line}
                                     for line in lines]}
        entry.signature = sign(entry)
        entry.save(update_fields=["summary", "signature"])
        audit.record(actor=actor, action="erasure.systems", object_type="retention.ledger",
                     object_id=str(entry.uid), person_ref=entry.person_ref,
                     purpose="erasure",
                     detail={"request": request_ref, "systems": len(entry.summary["systems"])})
        # The journal outside the database holds the signed summary too (a restore after
        # losing the database brings back the entry as signed, with the systems' lines).
        transaction.on_commit(lambda: journal.append(entry))
    return entry


def _lines(lines: Any) -> list[dict[str, Any]]:
    return [{k: line.get(k) for k in _LINE_FIELDS} for line in lines or ()
            if isinstance(line, Mapping)]


def matches(entry: ErasureLedger, receipt: Mapping[str, Any]) -> bool:
    """True when `receipt` (the copy a request keeps, rendered and mailed to the person)
    says what the signed summary says: the same facts, the same line per system."""
    rest = {k: v for k, v in receipt.items() if k != "systems"}
    signed = {k: v for k, v in entry.summary.items() if k != "systems"}
    return rest == signed and _lines(receipt.get("systems")) == _lines(
        entry.summary.get("systems"))


def unverified() -> tuple[int, int]:
    """(altered, unsigned): how many ledger entries do not verify, for `privacydesk
    check` (Rt3)."""
    altered = unsigned = 0
    for entry in ErasureLedger.objects.all().iterator():
        state = verify(entry)
        altered += state == ALTERED
        unsigned += state == UNSIGNED
    return altered, unsigned
