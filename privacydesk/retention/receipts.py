"""Writing deletion receipts: proof of deletion without personal data (R1, Art. 5(2))."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from django.db.models import Max

from privacydesk.policy import RetentionDecision
from privacydesk.policy.active import get_policy
from privacydesk.retention.models import BackupRecord, DeletionReceipt

#: The rule a person row is deleted under when retention or erasure left no datum of them.
NOTHING_LEFT = "no-data-left"


def current_generation() -> int:
    """The generation of the latest backup (0: none yet). Replays start from here."""
    return int(BackupRecord.objects.aggregate(g=Max("generation"))["g"] or 0)


def receipt(kind: str, model: str, category: str, decision: RetentionDecision,
            ids: Sequence[int], *, at: datetime, person_ref: str, generation: int,
            actor: str = "system") -> DeletionReceipt:
    """An unsaved receipt for `ids` of `model`, deleted under `decision`'s rule."""
    return DeletionReceipt(kind=kind, at=at, model=model, category=category,
                           rule_id=decision.rule_id, law_nl=decision.law.get("nl"),
                           law_en=decision.law.get("en"), promise=decision.promise,
                           count=len(ids), person_ref=person_ref, object_ids=list(ids),
                           generation=generation, actor=actor)


def person_receipt(kind: str, person_id: int, *, at: datetime, person_ref: str,
                   generation: int, actor: str = "system") -> DeletionReceipt:
    """The receipt for a person row deleted because nothing of them was left (R1)."""
    law = get_policy().retention.contact_law
    return DeletionReceipt(kind=kind, at=at, model="register.person", category="",
                           rule_id=NOTHING_LEFT, law_nl=law.get("nl"), law_en=law.get("en"),
                           promise="R1", count=1, person_ref=person_ref,
                           object_ids=[person_id], generation=generation, actor=actor)
