"""Writing persons, organisations and roles (S1). Each function is one transaction."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.utils.translation import gettext_noop

from privacydesk.policy import clock
from privacydesk.policy.active import get_policy
from privacydesk.policy.errors import RuleViolation
from privacydesk.register import formats
from privacydesk.register.models import Datum, Organisation, Person, Role
from privacydesk.register.services import batching
from privacydesk.register.services.common import check_actor, record

CONTACT = "contact"


def _date(value: Any, field: str) -> date:
    if not isinstance(value, date):
        raise formats.fail(field, "must be a date")
    return value


def _roles_changed(person_id: int, *, added: Role | None = None) -> None:
    # A batch keeps a person's active roles for the C2..C5 checks; this write changed them.
    # A role added to a person whose roles the batch knows is added to what it knows when
    # it is active today (Role.objects.active_on), else the roles are read again.
    running = batching.current()
    if running is None:
        return
    known = running.roles.get(person_id)
    if added is not None and known is not None and added.ended_on is None:
        if added.started_on <= clock.today():
            running.roles[person_id] = known | {added.kind}
        return
    running.roles.pop(person_id, None)


def check_new_person(*, actor: str, purpose: str, source: str) -> None:
    """The rules of `create_person` (actor, C1 source, Art. 5 purpose); RuleViolation."""
    check_actor(actor)
    policy = get_policy()
    policy.check_source(source)
    if purpose not in policy.purposes:
        raise RuleViolation("purpose", "Art5", f"{purpose!r} is not a purpose this policy "
                            "declares (Art. 5(1)(b) GDPR)")


def create_person(*, actor: str, purpose: str, source: str) -> Person:
    """Create a person with a fresh pseudonymous ref; `source` (C1) and `purpose` audited."""
    check_new_person(actor=actor, purpose=purpose, source=source)
    with batching.atomic():
        person = Person.objects.create()
        running = batching.current()
        if running is not None:  # C2..C5 in a batch: a new person has no role to read
            running.roles[person.pk] = frozenset()
        record("create", person, actor=actor, person=person, purpose=purpose,
               detail={"source": source})
    return person


def create_organisation(name: str, *, actor: str, coc_number: str = "") -> Organisation:
    """Create an organisation (business data). The chamber of commerce number is 8 digits."""
    check_actor(actor)
    clean_name = formats.text(name, "name", max_length=200)
    coc = formats.text(coc_number, "coc_number", max_length=16, required=False)
    if coc and not (len(coc) == 8 and coc.isascii() and coc.isdigit()):
        raise formats.fail("coc_number", "must be a chamber of commerce number of 8 digits")
    with batching.atomic():
        org = Organisation.objects.create(name=clean_name, coc_number=coc)
        record("create", org, actor=actor)
    return org


def checked_role(person: Person, kind: str, *, actor: str,
                 organisation: Organisation | None = None,
                 started_on: date | None = None) -> Role:
    """The role `add_role` would store, unsaved, after the rules of `add_role`."""
    check_actor(actor)
    policy = get_policy()
    if kind not in policy.roles:
        raise RuleViolation("kind", "S1", f"{kind!r} is not a role this policy knows; "
                            f"known roles: {', '.join(policy.roles)}")
    if kind == CONTACT and organisation is None:
        raise RuleViolation(
            "organisation", "S1", gettext_noop("a contact is the representative of an "
                                               "organisation; name the organisation"))
    start = _date(started_on or clock.today(), "started_on")
    return Role(person=person, kind=kind, organisation=organisation, started_on=start)


def add_role(person: Person, kind: str, *, actor: str,
             organisation: Organisation | None = None,
             started_on: date | None = None) -> Role:
    """Give `person` a role (a policy role key). Ends no other role.

    S1: a "contact" represents a company, so it needs `organisation`.
    """
    role = checked_role(person, kind, actor=actor, organisation=organisation,
                        started_on=started_on)
    with batching.atomic():
        role.save(force_insert=True)
        _roles_changed(person.pk, added=role)
        record("create", role, actor=actor, person=person, detail={"kind": kind})
    return role


def end_role(role: Role, ended_on: date, *, actor: str) -> Role:
    """End `role` on `ended_on` (inclusive); the day may not be before it started."""
    check_actor(actor)
    end = _date(ended_on, "ended_on")
    if end < role.started_on:
        raise formats.fail("ended_on", "may not be before the role started")
    with batching.atomic():
        role.ended_on = end
        role.save(update_fields=["ended_on"])
        _roles_changed(role.person_id)
        record("update", role, actor=actor, person=role.person,
               detail={"kind": role.kind, "fields": ["ended_on"]})
    return role


def set_restricted(target: Person | Datum, restricted: bool, *, actor: str,
                   reason: str = "") -> None:
    """Restrict (Art. 18) or lift the restriction of a person or one datum, audited."""
    check_actor(actor)
    why = formats.text(reason, "reason", max_length=200, required=False) if restricted else ""
    with batching.atomic():
        target.restricted = restricted
        fields = ["restricted"]
        if isinstance(target, Person):
            target.restricted_reason = why
            fields.append("restricted_reason")
            person = target
        else:
            person = target.person
        target.save(update_fields=fields)
        record("restrict" if restricted else "unrestrict", target, actor=actor,
               person=person)
