"""R1: a deletion date follows every change it depends on.

Saved data, roles, agreements and agreement parties recompute the dates of the people they
concern. Inside a batch of register writes (`register.services.batch()`, the import) the
receivers only note the person, and the dates of all of them are recomputed once, set-based,
when the register sends `persons_changed` at the end of the batch (#16.4). Deletions need
no hook: a deleted datum has no date, and a role or party is ended (not deleted) in the
register's services. Bulk imports that bypass `save()` (the demo
population) call `services.recompute_all()` afterwards.
"""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_save

from privacydesk.register.models import DATUM_MODELS, Agreement, AgreementParty, Datum, Role
from privacydesk.register.services.batching import defer_person
from privacydesk.register.signals import persons_changed


def _datum_saved(sender: type[Datum], instance: Datum, raw: bool = False, **_: Any) -> None:
    if raw:   # loading a backup: the stored dates are restored as they were
        return
    if defer_person(instance.person_id):  # a batch: once per person at its end
        return
    from privacydesk.retention.services import recompute_datum

    recompute_datum(instance)


def _person_changed(sender: Any, instance: Role | AgreementParty, raw: bool = False,
                    **_: Any) -> None:
    if raw or defer_person(instance.person_id):
        return
    from privacydesk.retention.services import recompute_for_person

    recompute_for_person(instance.person_id)


def _agreement_saved(sender: Any, instance: Agreement, raw: bool = False,
                     created: bool = False, **_: Any) -> None:
    if raw or created:   # a new agreement has no parties yet; adding one recomputes
        return
    from privacydesk.retention.services import recompute_for_person

    for pid in instance.parties.values_list("person_id", flat=True):
        if not defer_person(pid):
            recompute_for_person(pid)


def _persons_changed(sender: Any, person_ids: frozenset[int], **_: Any) -> None:
    from privacydesk.retention.services import recompute_for_people

    recompute_for_people(person_ids)


def connect() -> None:
    """Connect the receivers once (AppConfig.ready)."""
    for model in DATUM_MODELS.values():
        post_save.connect(_datum_saved, sender=model, dispatch_uid=f"retention.{model}")
    post_save.connect(_person_changed, sender=Role, dispatch_uid="retention.role")
    post_save.connect(_person_changed, sender=AgreementParty, dispatch_uid="retention.party")
    post_save.connect(_agreement_saved, sender=Agreement, dispatch_uid="retention.agreement")
    persons_changed.connect(_persons_changed, dispatch_uid="retention.persons")
