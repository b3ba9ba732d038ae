"""Who at the client asked for an urgent repair (A1, issue #15): a search of that client's
contacts, never free text.

A server's client is its organisation, else the organisation of its agreement. The client's
contacts are the persons with a running "contact" role at that organisation; a private
client's server (its agreement names no organisation) has that agreement's parties instead.

Contracts:
- `client_name(server)` is the client as staff know it (organisation name, or the
  agreement's title for a private client).
- `search(server, name, user=...)` lists at most `LIMIT` of the client's contacts whose
  name holds every word of `name` (all of them for an empty name), by name; every contact
  shown by name is an audited read with purpose "security" (Sec4), one transaction. Roles
  that may not see names (Sec1) see the short reference only.
- `contact_ref(server, text)` returns the register ref of one of the client's contacts, or
  raises RuleViolation("repair_contact", "A1", ...): an empty or malformed ref, a ref of
  nobody, and a person outside that client are each refused, nothing stored.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_noop

from privacydesk.access.models import ClientServer
from privacydesk.policy.errors import RuleViolation
from privacydesk.register.models import AgreementParty, Name, Person, Role
from privacydesk.staff import person_labels
from privacydesk.vault import audit

#: At most this many contacts are listed: a search that finds more is too broad.
LIMIT = 25

FIELD = "repair_contact"


@dataclass(frozen=True)
class Contact:
    """One contact of the client: `ref` (the register's pseudonymous id, the value the form
    sends), `label` ("Eva Smit (P-1A2B3C4D)", or the short reference alone)."""

    ref: str
    label: str


def client_name(server: ClientServer) -> str:
    """The client of `server` as staff know it; "" when it names none."""
    if server.organisation is not None:
        return server.organisation.name
    agreement = server.agreement
    if agreement is None:
        return ""
    return agreement.organisation.name if agreement.organisation is not None else agreement.title


def _contact_ids(server: ClientServer) -> QuerySet[Any]:
    """The pks of the persons who may speak for `server`'s client (see the module doc)."""
    agreement = server.agreement
    organisation_id = server.organisation_id
    if organisation_id is None and agreement is not None:
        organisation_id = agreement.organisation_id
    if organisation_id is not None:
        return Role.objects.active_on().filter(
            kind="contact", organisation_id=organisation_id).values("person_id")
    # A private client: the persons party to the server's agreement speak for it.
    return AgreementParty.objects.filter(agreement=agreement).values("person_id")


def search(server: ClientServer, name: str = "", *, user: Any) -> list[Contact]:
    """The client's contacts matching `name` (see the module doc)."""
    people = Person.objects.filter(pk__in=_contact_ids(server))
    words = (name or "").split()
    if words:
        matches = Name.objects.all()
        for word in words:
            matches = matches.filter(Q(given_names__icontains=word) | Q(infix__icontains=word)
                                     | Q(family_name__icontains=word))
        people = people.filter(pk__in=matches.values("person_id"))
    refs = [str(ref) for ref in people.order_by("id").values_list("ref", flat=True)[:LIMIT]]
    with_names = person_labels.may_see_names(user)
    labels = person_labels.person_labels(refs, with_names=with_names)
    found = sorted((Contact(ref=ref, label=labels[ref]) for ref in refs),
                   key=lambda c: c.label.casefold())
    if found and with_names:
        with transaction.atomic():  # Sec4: a name shown is a read, for the purpose security
            audit.record_many([{
                "actor": user.get_username(), "action": "read", "object_type": "register.person",
                "object_id": "", "person_ref": c.ref, "purpose": "security",
                "detail": {"server": server.pk, "shown": "client contact search"}}
                for c in found])
    return found


def contact_ref(server: ClientServer, text: str) -> str:
    """The ref of the client contact `text` names; RuleViolation(FIELD, "A1", ...) else."""
    try:
        ref = uuid.UUID((text or "").strip())
    except ValueError:
        raise RuleViolation(FIELD, "A1", gettext_noop(
            "choose who at the client asked for the repair from the client's contacts"
        )) from None
    person = Person.objects.filter(ref=ref).first()
    if person is None:
        raise RuleViolation(FIELD, "A1", gettext_noop("no person in the register has this ref"))
    if not Person.objects.filter(pk=person.pk, pk__in=_contact_ids(server)).exists():
        raise RuleViolation(FIELD, "A1", gettext_noop(
            "this person is not a contact of the server's client: only a contact of that "
            "client can ask for an urgent repair"))
    return str(ref)
