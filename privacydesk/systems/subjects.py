"""The person as the other systems know them (#16.3): a `Subject` from the register.

A system finds a person by what it holds about them — an e-mail address, a phone number, a
name in a ticket's text, a postcode and house number, an account name. Rt1 and Rt3 reach
every place only if the search uses everything the register knows, normalised the way the
connectors compare (the `Subject` contract): e-mail lower-case, phones E.164, postcode +
house number as "9712AB 12", ids per identity kind. The read is audited with the right it
serves (Sec4), like every read of the register.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from privacydesk.policy.active import get_policy
from privacydesk.register.models import Email, ExternalId, Person, Phone
from privacydesk.register.services.external import external_key
from privacydesk.register.services.reading import read_person_rows
from privacydesk.systems.connector import Subject, normal_identity
from privacydesk.vault.blind import blind_index

_SPACES = re.compile(r"\s+")


def _unique(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(v for v in values if v))


def email(value: str) -> str:
    """An e-mail address as connectors compare it: trimmed, lower-case."""
    return value.strip().lower()


def phone(value: str) -> str:
    """A phone number in E.164 ("+31612345678"); "" when it is no phone number."""
    return normal_identity("phone", value)


def postcode_house_number(postcode: str, house_number: str) -> str:
    """"9712AB 12": the postcode without spaces, upper-case, a space, the house number as
    written (with its addition, "12A"); "" when either is missing."""
    code = _SPACES.sub("", postcode).upper()
    number = _SPACES.sub("", house_number).upper()
    return f"{code} {number}" if code and number else ""


def full_name(values: dict[str, Any]) -> str:
    """"Anna de Vries": given names, name prefix and family name, single-spaced."""
    parts = (values.get("given_names", ""), values.get("infix", ""),
             values.get("family_name", ""))
    return _SPACES.sub(" ", " ".join(str(p) for p in parts if p)).strip()


#: Per register category, what of a row's values finds the person elsewhere, normalised.
_READ: dict[str, Callable[[dict[str, Any]], str]] = {
    "names": full_name,
    "email": lambda values: email(str(values.get("address", ""))),
    "phone": lambda values: phone(str(values.get("number", ""))),
    "address": lambda values: postcode_house_number(str(values.get("postcode", "")),
                                                    str(values.get("house_number", ""))),
    "account": lambda values: str(values.get("username", "")).strip(),
}


def subject_of(person: Person, *, actor: str, purpose: str) -> Subject:
    """Everything the register holds to find `person` by in another system: every name
    (the first is `name`; the others are searched as well, as `ids["name"]`), e-mail
    address, phone number, postcode + house number and account name (`ids["external_id"]`),
    normalised. One audited read with `purpose` (a data-subject right: restricted data are
    used for it, Art. 18(2))."""
    rows = read_person_rows(person, actor=actor, purpose=purpose)
    found: dict[str, list[str]] = {category: [] for category in _READ}
    for category, _pk, values, *_rest in rows.data:
        if category in _READ:
            found[category].append(_READ[category](values))
    names = _unique(found["names"])
    ids: dict[str, tuple[str, ...]] = {}
    if accounts := _unique(found["account"]):
        ids["external_id"] = accounts
    if len(names) > 1:
        ids["name"] = names[1:]
    return Subject(name=names[0] if names else "", emails=_unique(found["email"]),
                   phones=_unique(found["phone"]),
                   postcode_house_numbers=_unique(found["address"]), ids=ids)


def is_empty(subject: Subject) -> bool:
    """True when the subject has nothing a system could find them by."""
    return not (subject.name or subject.emails or subject.phones
                or subject.postcode_house_numbers or any(subject.ids.values()))


#: The identity kinds another system's record may add to the subject (`Record.identities`,
#: #16: a person is found by more than the address the register knows). A name or a postcode
#: is no identity of one person: two people share them, so a record never adds one.
EXPANDABLE = ("email", "phone", "customer_number", "employee_number", "external_id")
#: The kinds kept in `Subject.ids`.
_ID_KINDS = ("customer_number", "employee_number", "external_id")


def identity(kind: str, value: str) -> str:
    """`value` of identity `kind` normalised as the Subject holds it (e-mail lower-case,
    phone E.164, an id trimmed); "" when it is none (no "@", no phone number, an
    unknown kind)."""
    if kind in ("email", "phone"):
        return normal_identity(kind, value)
    return normal_identity(kind, value)[:200] if kind in _ID_KINDS else ""


def holds(subject: Subject, kind: str, value: str) -> bool:
    """True when `subject` already has the normalised `value` of `kind`."""
    if kind == "email":
        return value in subject.emails
    if kind == "phone":
        return value in subject.phones
    return value in subject.ids.get(kind, ())


def extended(subject: Subject, extra: Mapping[str, Iterable[str]]) -> Subject:
    """`subject` with the normalised identities of `extra` (kind -> values) it lacks; only
    the EXPANDABLE kinds. The subject itself is returned when nothing is new."""
    emails, phones = list(subject.emails), list(subject.phones)
    ids = {k: list(v) for k, v in subject.ids.items()}
    changed = False
    for kind, values in extra.items():
        if kind not in EXPANDABLE:
            continue
        for raw in values:
            # The lists start as the subject's own: a value it holds is in its list already.
            value = identity(kind, raw)
            target = emails if kind == "email" else phones if kind == "phone" else \
                ids.setdefault(kind, [])
            if value and value not in target:
                target.append(value)
                changed = True
    if not changed:
        return subject
    return Subject(name=subject.name, emails=tuple(emails), phones=tuple(phones),
                   postcode_house_numbers=subject.postcode_house_numbers,
                   ids={k: tuple(v) for k, v in ids.items() if v})


def shared(kind: str, value: str, *, person_ref: str, origin: str) -> bool:
    """True when the normalised `value` of `kind` is not this person's alone, so another
    system's record may not add it to her subject: the controller's own address or number
    (info@ answers everyone), or the register holds it for another person — found through
    the register's index (the e-mail address's blind index, the phone number as stored in
    E.164, an id by its blind index within `origin`, the system that gave it), never by
    decrypting anything. Erasing by an identity another person holds would reach her data
    too (Art. 17 is hers alone, Art. 5(1)(d))."""
    controller = get_policy().controller
    if kind == "email":
        if value == email(controller.email):
            return True
        return Email.objects.filter(address_index=blind_index(value, kind="email")
                                    ).exclude(person__ref=person_ref).exists()
    if kind == "phone":
        if value == phone(controller.phone):
            return True
        return Phone.objects.filter(number=value).exclude(person__ref=person_ref).exists()
    if kind in _ID_KINDS:
        return ExternalId.objects.filter(origin=origin, key_index=external_key(origin, value)
                                         ).exclude(person__ref=person_ref).exists()
    return True
