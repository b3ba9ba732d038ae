"""Matching a request to a person in the register (Art. 12(6), issue #15 blocker 2).

A request by letter or telephone often carries no e-mail address, so the confirmation link
of `verification.begin` cannot find anyone. Staff search the register instead — by name,
e-mail address, telephone number, or postcode + house number — and pick a candidate
(`link_person`), or record that the register holds nothing on the requester
(`record_no_data_held`). Only then can the request be verified (`verify_by_staff`).

Contracts:
- `search(...)` refuses a search without any criterion, a postcode without a house number
  (and the reverse), a malformed e-mail address, telephone number or postcode:
  RuleViolation naming the field. It never decrypts or scans e-mail addresses: they are found
  through their blind index (`register.find_person_by_email`); names, telephone numbers and
  addresses are plain columns, compared in their stored (normalised) form.
- A candidate says what it matched on; the most matched criteria come first.
- Staff see only what their role may see (Sec1, staff role -> categories): a search by a
  criterion whose category the role may not see (`CRITERION_CATEGORY`) is refused, as is
  "no data held" after one (its answer would say whether someone has that datum), and a
  candidate's name is left out ("") for a role that may not see names; the audit entry
  of each candidate says whether the name was shown.
- `link_person` and `record_no_data_held` change one request in one transaction, on its
  timeline and in the audit chain (Sec1), and only while the request waits for its identity
  check (new / awaiting verification).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from uuid import UUID

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_noop

from privacydesk.policy.active import get_policy
from privacydesk.policy.errors import RuleViolation
from privacydesk.register import formats
from privacydesk.register import services as register
from privacydesk.register.models import Address, Name, Person, Phone
from privacydesk.requests import events, kinds, notify
from privacydesk.requests.models import NO_DATA_HELD, DataSubjectRequest, Status
from privacydesk.vault import audit

#: At most this many candidates are shown: a search that finds more is too broad.
LIMIT = 20

#: The criteria a search may use, in the order they are listed on a candidate.
CRITERIA = ("name", "email", "phone", "postcode")

#: The register category each criterion searches: a role searches only by what it may see.
CRITERION_CATEGORY = {"name": "names", "email": "email", "phone": "phone",
                      "postcode": "address"}

_WAITING = (Status.NEW, Status.AWAITING_VERIFICATION)


@dataclass(frozen=True)
class Candidate:
    """A person the search found: `ref` (the pseudonymous id), `name` (their first name
    datum, "" without one), `short_ref` (the first 8 characters of the ref, as staff quote
    it) and `matched_on` (the criteria of `CRITERIA` this person matched)."""

    ref: str
    name: str
    short_ref: str
    matched_on: tuple[str, ...]


@dataclass(frozen=True)
class Query:
    """The cleaned criteria of one search ("" where not given)."""

    name: str = ""
    email: str = ""
    phone: str = ""
    postcode: str = ""
    house_number: str = ""

    def used(self) -> tuple[str, ...]:
        """The criteria of `CRITERIA` this query uses."""
        return tuple(c for c in CRITERIA if getattr(self, c))

    def describe(self) -> str:
        """What was searched on, for the timeline (criteria names only: no personal data)."""
        words = {"name": "name", "email": "e-mail", "phone": "phone",
                 "postcode": "postcode + house number"}
        return ", ".join(words[c] for c in self.used())


def clean_query(*, name: str = "", email: str = "", phone: str = "", postcode: str = "",
                house_number: str = "") -> Query:
    """Return the criteria normalised as the register stores them; RuleViolation naming the
    field for a missing or malformed one (nothing is searched then)."""
    name, email, phone = (name or "").strip(), (email or "").strip(), (phone or "").strip()
    postcode, house_number = (postcode or "").strip(), (house_number or "").strip()
    if not any((name, email, phone, postcode, house_number)):
        raise RuleViolation("name", "required", gettext_noop(
            "fill in at least one of: name, e-mail address, telephone number, or postcode "
            "with house number"))
    if postcode and not house_number:
        raise RuleViolation("house_number", "required", gettext_noop(
            "give the house number with the postcode"))
    if house_number and not postcode:
        raise RuleViolation("postcode", "required", gettext_noop(
            "give the postcode with the house number"))
    if name and len(name) > 200:
        raise RuleViolation("name", "format", gettext_noop("the name is too long (at most 200 "
                                                      "characters)"))
    if email and "@" not in email:
        raise RuleViolation("email", "format", gettext_noop("this is not an e-mail address"))
    if phone:
        try:
            phone = formats.phone(phone, "phone")
        except RuleViolation:
            raise RuleViolation("phone", "format", gettext_noop(
                "this is not a valid telephone number")) from None
    if postcode:
        try:
            postcode = formats.postcode(postcode, "postcode", country_code="NL")
        except RuleViolation:
            # A foreign postcode is compared as written.
            postcode = " ".join(postcode.split()).upper()
        if len(house_number) > 16:
            raise RuleViolation("house_number", "format", gettext_noop(
                "the house number is too long (at most 16 characters)"))
    return Query(name=name, email=email, phone=phone, postcode=postcode,
                 house_number=house_number)


def searchable(visible: Collection[str]) -> tuple[str, ...]:
    """The criteria of `CRITERIA` a role that may see the categories `visible` may use."""
    return tuple(c for c in CRITERIA if CRITERION_CATEGORY[c] in visible)


def _check_visible(query: Query, visible: Collection[str]) -> None:
    # Sec1: a match says the person holds that datum; a role that may not see the
    # category may not learn it by searching either.
    for criterion in query.used():
        if CRITERION_CATEGORY[criterion] not in visible:
            raise RuleViolation(criterion, "Sec1", gettext_noop(
                "your role may not see this kind of data, so it may not search by it"))


def names_with_words(text: str) -> QuerySet[Name]:
    """The register's names holding every word of `text` in the given names, infix or
    family name."""
    matches = Name.objects.all()
    for word in text.split():
        matches = matches.filter(Q(given_names__icontains=word) | Q(infix__icontains=word)
                                 | Q(family_name__icontains=word))
    return matches


def _address_matches(postcode: str, house_number: str) -> set[int]:
    # The house number as written on the letter ("12", "12a", "12 A") against the stored one.
    number = house_number.replace(" ", "")
    rows = Address.objects.filter(postcode__iexact=postcode).values_list(
        "person_id", "house_number")[:LIMIT * 20]
    return {pk for pk, stored in rows if stored.replace(" ", "").casefold() == number.casefold()}


def search(query: Query, *, with_names: bool = True) -> list[Candidate]:
    """The persons matching any criterion of `query`, most criteria matched first (then the
    newest person), at most `LIMIT`; their names only `with_names` (else "")."""
    found: dict[int, list[str]] = {}

    def add(criterion: str, ids: set[int]) -> None:
        for pk in ids:
            found.setdefault(pk, []).append(criterion)

    if query.name:
        named = names_with_words(query.name).values_list("person_id", flat=True)
        add("name", set(named[:LIMIT * 5]))
    if query.email:
        person = register.find_person_by_email(query.email)  # blind index: no scan
        add("email", {person.pk} if person is not None else set())
    if query.phone:
        add("phone", set(Phone.objects.filter(number=query.phone)
                         .values_list("person_id", flat=True)[:LIMIT * 5]))
    if query.postcode:
        add("postcode", _address_matches(query.postcode, query.house_number))
    order = sorted(found, key=lambda pk: (-len(found[pk]), -pk))[:LIMIT]
    people = Person.objects.in_bulk(order)
    names: dict[int, str] = {}
    if with_names:
        for datum in Name.objects.filter(person_id__in=order).order_by("id"):
            names.setdefault(datum.person_id, datum.full_name())
    return [Candidate(ref=str(people[pk].ref), name=names.get(pk, ""),
                      short_ref=str(people[pk].ref)[:8],
                      matched_on=tuple(found[pk])) for pk in order if pk in people]


def search_for(request: DataSubjectRequest, query: Query, *, actor: str,
               visible: Collection[str]) -> list[Candidate]:
    """`search(query)` for staff working on `request` whose role may see the categories
    `visible`: a criterion outside them is refused (RuleViolation naming it, rule Sec1) and
    names are shown only when "names" is among them. Every candidate shown is an audited
    read with the request's purpose, in one transaction (Sec4)."""
    _check_visible(query, visible)
    with_names = "names" in visible
    found = search(query, with_names=with_names)
    if found:
        with transaction.atomic():
            audit.record_many([{
                "actor": actor, "action": "read", "object_type": "register.person",
                "object_id": "", "person_ref": c.ref, "purpose": events.purpose_of(request),
                "detail": {"request": request.reference, "shown": "register search",
                           "name_shown": with_names,
                           "matched_on": list(c.matched_on)}} for c in found])
    return found


def _waiting(request: DataSubjectRequest) -> None:
    if request.status not in _WAITING:
        raise RuleViolation("status", "Art12", gettext_noop(
            "this request is not waiting for an identity check"))
    if request.kind not in kinds.REQUEST_KINDS:
        raise RuleViolation("kind", "Rt5", gettext_noop(
            "set the kind of the request first, then the person"))


def person_by_ref(person_ref: str) -> Person:
    """The person of `person_ref`; RuleViolation("person_ref", ...) when it is empty, not a
    reference, or names nobody — never a server error (#15 blocker 2)."""
    text = (person_ref or "").strip()
    if not text:
        raise RuleViolation("person_ref", "Art12", gettext_noop(
            "no person has been chosen: search the register for the requester and choose "
            "'This person', or record that no data are held"))
    try:
        ref = UUID(text)
    except ValueError:
        raise RuleViolation("person_ref", "format", gettext_noop(
            "this is not a person reference; choose the person with the search")) from None
    person = Person.objects.filter(ref=ref).first()
    if person is None:
        raise RuleViolation("person_ref", "exists", gettext_noop(
            "there is no person with this reference in the register"))
    return person


def link_person(request: DataSubjectRequest, person_ref: str, *, actor: str,
                matched_on: str = "") -> DataSubjectRequest:
    """Tie `request` to the person of `person_ref` (still to be verified). `matched_on`:
    the criteria the candidate matched, for the timeline."""
    _waiting(request)
    person = person_by_ref(person_ref)
    how = ", ".join(c for c in matched_on.split(",") if c.strip() in CRITERIA)
    with transaction.atomic():
        if request.person_ref and request.person_ref != str(person.ref):
            # A confirmation link sent to the other person's address must not verify this
            # one (Art. 12(6)): it stops working, and the identity step starts again.
            request.verification_hash, request.status = "", Status.NEW
        request.person_ref = str(person.ref)
        if request.detail.get("outcome") == NO_DATA_HELD:  # a second look found them
            request.detail = {k: v for k, v in request.detail.items()
                              if k not in ("outcome", "register_search")}
        request.save(update_fields=["person_ref", "detail", "verification_hash", "status"])
        events.log(request, "matched", actor=actor,
                   note=f"person {str(person.ref)[:8]} chosen" + (
                       f" (matched on {how})" if how else ""))
    return request


def record_no_data_held(request: DataSubjectRequest, query: Query, *, actor: str,
                        visible: Collection[str]) -> DataSubjectRequest:
    """Record that a register search on `query` found nobody: the outcome is "no data held"
    (Art. 15(1): saying so is the answer; Rt1/Rt3/Rt4 accept it with this search on record).

    With an e-mail address the person is told by e-mail and the request is answered; without
    one the request is verified with no person, and the answer goes by post or telephone
    (`_answers`). Refused when the request is already tied to a person, and for a search
    by a criterion the role may not see (`visible`, as `search_for`)."""
    _waiting(request)
    _check_visible(query, visible)
    if request.person_ref:
        raise RuleViolation("person_ref", "Art12", gettext_noop(
            "this request is already linked to a person, so 'no data held' is not possible"))
    if not query.used():
        raise RuleViolation("name", "required", gettext_noop(
            "search the register first: 'no data held' needs a search that found "
            "nobody"))
    if search(query):
        raise RuleViolation("name", "Art12", gettext_noop(
            "this search does find people: choose one, or search more precisely"))
    when = timezone.now()
    searched = {"by": f"staff search: {query.describe()}", "found": False,
                "at": when.isoformat()}
    email = request.contact()["email"]
    with transaction.atomic():
        request.detail = {**request.detail, "outcome": NO_DATA_HELD,
                          "register_search": searched}
        if email:
            request.status, request.answered_at = Status.ANSWERED, when
            request.answered_how = "e-mail: no data held (register searched by staff)"
        else:
            request.status, request.verified_at = Status.VERIFIED, when
            request.verification_hash = ""
        request.save(update_fields=["detail", "status", "answered_at", "answered_how",
                                    "verified_at", "verification_hash"])
        events.log(request, "no_data_held", actor=actor, at=when,
                   note=f"register searched on {query.describe()}: nobody found")
        if email:
            events.log(request, "answered", actor=actor, at=when,
                       note="no data held; told by e-mail")
            notify.to_requester(request, "no_data",
                                {"authority": get_policy().controller.authority})
    return request
