"""R1 for the disclosure log and the consent requests: how long they live, and the prune.

Both are evidence (Art. 5(2); for consent Art. 7(1): the controller must be able to prove
it). They are kept under the policy's rule for accountability records outside the register
(category None, purpose and basis "legal_obligation": the "audit-log" rule, two years in the
default policy), counted from the moment the row stopped being needed:

* a Disclosure lives as long as its person; when the person is deleted (erasure, the sweep)
  the row keeps only the pseudonymous ref and the period counts from that day;
* a ConsentRequest lives while pending or in force; once refused, withdrawn, expired or
  lapsed (or its person is gone) the period counts from that moment. A consent that a
  surviving disclosure rests on stays as long as that disclosure (PROTECT).

`prune_expired(today)` applies this; disclosure's AppConfig.ready() registers it as the
"disclosure records" prune job (privacydesk.retention.registry), run after every sweep.
`DECLARATIONS` are the two entries for privacydesk.retention.declarations.RETENTION.
"""

from __future__ import annotations

from datetime import date, datetime

from django.db import transaction
from django.utils import timezone

from privacydesk.disclosure.models import ConsentRequest, ConsentStatus, Disclosure
from privacydesk.policy import RetentionFacts, clock
from privacydesk.policy.active import get_policy
from privacydesk.retention.declarations import SYSTEM, Declaration
from privacydesk.retention.models import DeletionReceipt

PURPOSE, BASIS = "legal_obligation", "legal_obligation"

DECLARATIONS: dict[str, Declaration] = {
    "disclosure.disclosure": Declaration(
        SYSTEM, "evidence of lawful sharing (D1-D3): kept while the person is, then "
        "pseudonymous (ref only) for the accountability period; "
        "disclosure.retention.prune_expired", PURPOSE, BASIS),
    "disclosure.consentrequest": Declaration(
        SYSTEM, "proof of consent (Art. 7(1)): kept while pending or in force, then for the "
        "accountability period after refusal, withdrawal or expiry, and as long as a "
        "disclosure rests on it; disclosure.retention.prune_expired", PURPOSE, BASIS),
}


def due_on(anchor: date) -> date | None:
    """The day a row whose period starts on `anchor` must go (the policy decides)."""
    return get_policy().retention_decision(None, PURPOSE, BASIS,
                                           RetentionFacts(collected_on=anchor)).date


def _due(anchor: date | None, today: date) -> bool:
    when = due_on(anchor) if anchor is not None else None
    return when is not None and when <= today


def _receipt(model: str, ids: list[int], at: datetime) -> DeletionReceipt:
    decision = get_policy().retention_decision(None, PURPOSE, BASIS,
                                               RetentionFacts(collected_on=clock.today()))
    return DeletionReceipt(kind=DeletionReceipt.SYSTEM, at=at, model=model, category="",
                           rule_id=decision.rule_id, law_nl=decision.law.get("nl"),
                           law_en=decision.law.get("en"), promise=decision.promise,
                           count=len(ids), object_ids=ids)


def _consent_anchor(consent: ConsentRequest) -> date | None:
    ended = consent.ended_at()
    days = [d for d in (clock.day_of(ended) if ended else None, consent.person_gone_on)
            if d is not None]
    return min(days) if days else None


def prune_expired(today: date | None = None) -> int:
    """Delete the disclosure and consent rows past their period, with a receipt each
    kind (no personal data); return how many rows went. One transaction."""
    day = today or clock.today()
    now = timezone.now()
    with transaction.atomic():
        # The day a person's deletion is first seen starts their rows' period.
        for model in (Disclosure, ConsentRequest):
            model.objects.filter(person__isnull=True, person_gone_on__isnull=True) \
                .update(person_gone_on=day)
        gone = [pk for pk, anchor in Disclosure.objects.filter(person__isnull=True)
                .values_list("pk", "person_gone_on") if _due(anchor, day)]
        Disclosure.objects.filter(pk__in=gone).delete()
        ended = (ConsentRequest.objects.filter(disclosures__isnull=True)
                 .exclude(status=ConsentStatus.GRANTED, expires_at__gt=now,
                          person__isnull=False)
                 .exclude(status=ConsentStatus.PENDING, link_expires_at__gt=now,
                          person__isnull=False))
        lapsed = [c.pk for c in ended if _due(_consent_anchor(c), day)]
        ConsentRequest.objects.filter(pk__in=lapsed).delete()
        receipts = [_receipt(model, ids, now) for model, ids in (
            ("disclosure.disclosure", gone), ("disclosure.consentrequest", lapsed)) if ids]
        DeletionReceipt.objects.bulk_create(receipts)
    return len(gone) + len(lapsed)
