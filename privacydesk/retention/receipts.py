"""Writing deletion receipts: proof of deletion without personal data (R1, Art. 5(2))."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from django.db.models import Max

from privacydesk.policy import RetentionDecision
from privacydesk.policy.active import get_policy
from privacydesk.retention.models import BackupRecord, DeletionReceipt

#: The rule a person row is deleted under when retention or erasure left no datum of them.
NOTHING_LEFT = "no-data-left"


def current_generation() -> int:
    """The generation of the latest backup (0: none yet). Replays start from here."""
    return int(BackupRecord.objects.aggregate(g=Max("generation"))["g"] or 0)


#: The columns of a receipt row for `insert_rows`, in this order.
ROW_COLUMNS = ("at", "kind", "model", "category", "rule_id", "law_nl", "law_en", "promise",
               "count", "person_ref", "object_ids", "generation", "actor")


def receipt_row(kind: str, model: str, category: str, decision: RetentionDecision,
                ids: Sequence[int], *, at: datetime, person_ref: str, generation: int,
                actor: str = "system") -> tuple[Any, ...]:
    """A receipt for `ids` of `model`, deleted under `decision`'s rule, as a bare row
    (ROW_COLUMNS order) for `insert_rows` or `unsaved`."""
    return (at, kind, model, category, decision.rule_id, decision.law.get("nl"),
            decision.law.get("en"), decision.promise, len(ids), person_ref, list(ids),
            generation, actor)


def person_row(kind: str, person_id: int, *, at: datetime, person_ref: str,
               generation: int, actor: str = "system") -> tuple[Any, ...]:
    """The receipt row for a person row deleted because nothing of them was left (R1)."""
    law = get_policy().retention.contact_law
    return (at, kind, "register.person", "", NOTHING_LEFT, law.get("nl"), law.get("en"),
            "R1", 1, person_ref, [person_id], generation, actor)


def unsaved(row: tuple[Any, ...]) -> DeletionReceipt:
    """The unsaved DeletionReceipt of a `receipt_row` or `person_row`."""
    return DeletionReceipt(**dict(zip(ROW_COLUMNS, row, strict=True)))


def insert_rows(rows: Iterable[tuple[Any, ...]]) -> int:
    """Insert receipt rows (ROW_COLUMNS order), each with a fresh uid, on the caller's
    transaction; return how many."""
    return len(DeletionReceipt.objects.bulk_create([unsaved(row) for row in rows],
                                                   batch_size=1000))
