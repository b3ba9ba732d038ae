"""Deletion dates (R1) and legal holds (Art. 17(3)(e)): the retention write path.

`recompute_for_person` asks the policy for every datum of a person and stores the answer in
the datum's indexed `delete_after`, so a sweep is a range query, never a scan. It runs on
every change the dates depend on (see signals.py); callers may also call it directly, e.g.
when a data-subject request is filed (`note_contact`).
"""

from __future__ import annotations

import sys
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_noop
from tqdm import tqdm

from privacydesk.policy import clock
from privacydesk.policy.errors import RuleViolation
from privacydesk.register.models import DATUM_MODELS, Datum, Person
from privacydesk.retention.facts import (
    PersonFacts,
    chunks,
    decide,
    facts_for_people,
    person_facts,
)
from privacydesk.retention.models import ContactMark, LegalHold
from privacydesk.vault import audit

DECISION_FIELDS = ("id", "person_id", "created_at", "agreement_id", "purpose",
                   "legal_basis", "delete_after")


def data_of(model: type[Datum], person_id: int) -> QuerySet[Datum]:
    """The person's rows of `model` with just the fields a decision needs."""
    return model._default_manager.filter(person_id=person_id).only(*DECISION_FIELDS).order_by()


def _store(datum: Datum, facts: PersonFacts) -> bool:
    new = decide(datum, facts).date
    if new == datum.delete_after:
        return False
    type(datum)._default_manager.filter(pk=datum.pk).update(delete_after=new)
    datum.delete_after = new
    return True


def recompute_datum(datum: Datum) -> bool:
    """Store the deletion date of one datum; True if it changed."""
    return _store(datum, person_facts(datum.person_id))


def recompute_for_person(person: Person | int) -> int:
    """Store the deletion date of every datum of `person`; return how many changed."""
    pid = person.pk if isinstance(person, Person) else person
    facts = person_facts(pid)
    changed = 0
    with transaction.atomic():
        for model in DATUM_MODELS.values():
            for datum in data_of(model, pid):
                changed += _store(datum, facts)
    return changed


def recompute_for_people(person_ids: Iterable[int]) -> int:
    """`recompute_for_person` for many people at once, set-based: their facts in four
    queries, their data in one query per category and chunk (the end of a batch of register
    writes, #16.4). Returns how many dates changed."""
    ids = sorted(set(person_ids))
    facts = facts_for_people(ids)
    changed = 0
    with transaction.atomic():
        for chunk in chunks(ids):
            for model in DATUM_MODELS.values():
                # The same decision as _store, the writes grouped: one UPDATE per new date.
                moved: dict[date | None, list[int]] = defaultdict(list)
                for datum in model._default_manager.filter(person_id__in=chunk) \
                        .only(*DECISION_FIELDS).order_by():
                    new = decide(datum, facts[datum.person_id]).date
                    if new != datum.delete_after:
                        moved[new].append(datum.pk)
                for new, pks in moved.items():
                    changed += model._default_manager.filter(pk__in=pks) \
                        .update(delete_after=new)
    return changed


def recompute_all(progress: bool = False) -> int:
    """Recompute every person's dates (after an import that bypassed the services)."""
    ids = list(Person.objects.order_by("id").values_list("id", flat=True))
    changed = 0
    for pid in tqdm(ids, unit=" people", file=sys.stderr, disable=not progress):
        changed += recompute_for_person(pid)
    return changed


def note_contact(person: Person, on: date | None = None) -> None:
    """R2: the person was in contact on `on` (a callback, a request); dates move with it."""
    day = on or clock.today()
    with transaction.atomic():
        mark, created = ContactMark.objects.get_or_create(person=person,
                                                          defaults={"last_contact_on": day})
        if not created and mark.last_contact_on < day:
            mark.last_contact_on = day
            mark.save(update_fields=["last_contact_on"])
        recompute_for_person(person)


@dataclass(frozen=True)
class HoldView:
    """A legal hold as the access report shows it (Art. 15): reason and end, no staff name."""

    reason: str
    since: date
    until: date | None


def create_hold(person: Person, reason: str, *, actor: str,
                until: date | None = None) -> LegalHold:
    """Hold every datum of `person` until `until` (None: until lifted). Art. 17(3)(e)."""
    text = (reason or "").strip() if isinstance(reason, str) else ""
    if not text or len(text) > 200:
        raise RuleViolation("reason", "Art17(3)(e)", gettext_noop(
            "a legal hold needs a reason of at most 200 characters (the claim or dispute, "
            "without personal details)"))
    if until is not None and (not isinstance(until, date) or until < clock.today()):
        raise RuleViolation(
            "until", "Art17(3)(e)", gettext_noop("a hold ends today or later, or is "
                                                 "open-ended until lifted"))
    with transaction.atomic():
        hold = LegalHold.objects.create(person=person, reason=text, until=until,
                                        created_by=actor)
        audit.record(actor=actor, action="hold", object_type="retention.legalhold",
                     object_id=str(hold.pk), person_ref=str(person.ref),
                     purpose="legal_claims",
                     detail={"until": until.isoformat() if until else None})
        recompute_for_person(person)
    return hold


def lift_hold(hold: LegalHold, *, actor: str) -> LegalHold:
    """End a hold now; the person's data get their ordinary dates back."""
    with transaction.atomic():
        hold.lifted_at, hold.lifted_by = timezone.now(), actor
        hold.save(update_fields=["lifted_at", "lifted_by"])
        audit.record(actor=actor, action="unhold", object_type="retention.legalhold",
                     object_id=str(hold.pk), person_ref=str(hold.person.ref),
                     purpose="legal_claims")
        recompute_for_person(hold.person_id)
    return hold


def holds_for(person: Person) -> list[HoldView]:
    """The person's active holds, for the access report (Art. 15)."""
    return [HoldView(h.reason, clock.day_of(h.created_at), h.until)
            for h in LegalHold.objects.filter(person=person, lifted_at__isnull=True)]
