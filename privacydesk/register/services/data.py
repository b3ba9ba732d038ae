"""Writing personal data: every rule asked before anything is stored, one transaction each."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from typing import Any

from django.utils.translation import gettext_noop

from privacydesk.policy.active import get_policy
from privacydesk.policy.errors import RuleViolation
from privacydesk.register.fields import clean_values
from privacydesk.register.models import DATUM_MODELS, Agreement, Datum, Person
from privacydesk.register.services import batching
from privacydesk.register.services.common import (
    check_actor,
    check_use_purpose,
    ensure_usable,
    record,
)


def model_for(category: Any) -> type[Datum]:
    """Return the model of `category`; C2: a category the policy does not declare is refused."""
    policy = get_policy()
    if not isinstance(category, str) or category not in policy.categories \
            or category not in DATUM_MODELS:
        raise RuleViolation("category", "C2", f"{category!r} is not a category of personal "
                            f"data this policy allows (C2); allowed: "
                            f"{', '.join(policy.categories)}")
    return DATUM_MODELS[category]


def check_agreement(person: Person, agreement: Agreement | None,
                    parties: Collection[Agreement] | None = None) -> None:
    """P3: data serve an agreement only if the person is a party to it. `parties`: the
    agreements the person is a party to, when they are known without a read (a new
    person's, `NewPerson`); else the database is asked."""
    if agreement is None:
        return
    if not isinstance(agreement, Agreement) or agreement.pk is None:
        raise RuleViolation("agreement", "P3", gettext_noop("the linked agreement does not exist"))
    party = agreement in parties if parties is not None else agreement.has_party(person)
    if not party:
        raise RuleViolation("agreement", "P3", f"this person is not a party to agreement "
                            f"{agreement.reference}")


def check_may_hold(roles: Iterable[str], category: str, values: dict[str, Any]) -> None:
    """C2..C5 for a person holding the active role kinds `roles` (account data read
    `values["is_admin_account"]`)."""
    admin = bool(values.get("is_admin_account", False))
    get_policy().check_may_hold(category, roles, admin_account=admin)


def _check_may_hold(person: Person, category: str, values: dict[str, Any]) -> None:
    # C2..C5 use the roles the person holds today, not ones that ended or are yet to start;
    # in a batch they are read once per row (batching), not once per datum.
    running = batching.current()
    roles = (set(running.role_kinds(person.pk, person.active_role_kinds))
             if running is not None else person.active_role_kinds())
    check_may_hold(roles, category, values)


def checked_values(person: Person, category: str, values: dict[str, Any], *, source: str,
                   purpose: str, basis: str, actor: str,
                   agreement: Agreement | None) -> tuple[type[Datum], dict[str, Any]]:
    """The model and cleaned values of the datum `add_datum` would store, after the rules
    it asks without the database, in its order: actor, category (C2), formats, source
    (C1), purpose and basis (Art. 5/6, P3), restriction (Art. 18)."""
    check_actor(actor)
    model = model_for(category)
    cleaned = clean_values(category, values)
    policy = get_policy()
    policy.check_source(source)
    policy.check_purpose(purpose, basis, has_agreement=agreement is not None)
    ensure_usable(person, purpose)
    return model, cleaned


def new_datum(model: type[Datum], person: Person, cleaned: dict[str, Any], *, source: str,
              purpose: str, basis: str, agreement: Agreement | None) -> Datum:
    """The unsaved datum of checked values (sealed fields sealed, blind indexes set)."""
    datum = model(person=person, source=source, purpose=purpose, legal_basis=basis,
                  agreement=agreement)
    datum.set_values(cleaned)
    return datum


def created_detail(datum: Datum, basis: str) -> dict[str, Any]:
    """The audit detail of a created datum: names and keys, never a value."""
    agreement = datum.agreement
    return {"category": datum.CATEGORY, "source": datum.source, "legal_basis": basis,
            "agreement": agreement.reference if agreement else None}


def add_datum(person: Person, category: str, values: dict[str, Any], *, source: str,
              purpose: str, basis: str, actor: str,
              agreement: Agreement | None = None) -> Datum:
    """Store one datum of `category` for `person`, or store nothing and raise RuleViolation.

    Checked in order: category (C2), each field's format, source (C1), purpose and legal
    basis (Art. 5/6, P3 with the person a party to `agreement`), the person's active roles
    (C3..C5; account data read `values["is_admin_account"]`), restriction (Art. 18).
    """
    model, cleaned = checked_values(person, category, values, source=source,
                                    purpose=purpose, basis=basis, actor=actor,
                                    agreement=agreement)
    with batching.atomic():
        # Read parties and roles in the same transaction as the write they allow.
        check_agreement(person, agreement)
        _check_may_hold(person, category, cleaned)
        datum = new_datum(model, person, cleaned, source=source, purpose=purpose,
                          basis=basis, agreement=agreement)
        datum.save()
        record("create", datum, actor=actor, person=person, purpose=purpose,
               detail=created_detail(datum, basis))
    return datum


def update_datum(datum: Datum, values: dict[str, Any], *, actor: str, purpose: str) -> Datum:
    """Change fields of `datum`; `purpose` is why (a policy purpose or e.g. "rectification").

    Same format and role checks as add_datum; restricted data may only be rectified
    (Art. 18). The audit entry names the changed fields, never their values. A change that
    changes nothing writes nothing.
    """
    check_actor(actor)
    check_use_purpose(purpose)
    ensure_usable(datum, purpose)
    current = datum.get_values()
    cleaned = clean_values(datum.CATEGORY, values, current=current)
    changed = sorted(name for name, value in cleaned.items() if current.get(name) != value)
    if not changed:
        return datum
    with batching.atomic():
        _check_may_hold(datum.person, datum.CATEGORY, cleaned)
        datum.set_values(cleaned)
        datum.save()
        record("update", datum, actor=actor, person=datum.person, purpose=purpose,
               detail={"category": datum.CATEGORY, "fields": changed})
    return datum


def delete_datum(datum: Datum, *, actor: str, purpose: str) -> None:
    """Delete `datum` and record which category of whom went, and why (never the value)."""
    check_actor(actor)
    check_use_purpose(purpose)
    with batching.atomic():
        object_id, person = datum.pk, datum.person
        datum.delete()
        datum.pk = object_id
        record("delete", datum, actor=actor, person=person, purpose=purpose,
               detail={"category": datum.CATEGORY})
