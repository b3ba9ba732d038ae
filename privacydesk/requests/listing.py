"""The staff list of requests (#15): search by the requester's name, e-mail address or the
request's reference, filters by status and kind, and both clocks of each row (Rt6).

The requester's details are sealed, so a search never decrypts and scans rows: a
reference is a prefix of the request's uid (an indexed column); an e-mail address goes
through the request's own blind index (`email_index`) and the register's
(register.find_person_by_email, then `person_ref`); a name through the register's name
data and `person_ref`, and through the blind index of the words of the name the requester
wrote (`name_index`, requests.name_words), so a request matched to nobody is found by that
name too. Requests filed before these indexes existed got them in requests migration 0004.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from privacydesk.register import services as register
from privacydesk.requests import name_words
from privacydesk.requests._matching import names_with_words
from privacydesk.requests.models import OPEN_STATUSES, DataSubjectRequest, Status
from privacydesk.requests.work import days_left, days_text, requester_name, urgency
from privacydesk.vault.blind import blind_index

OPEN, ALL = "open", "all"
#: The status filter's choices: the open ones together (the default), each status, all.
STATUS_FILTERS: list[tuple[str, object]] = [
    (OPEN, _("open (new, awaiting verification, verified)")), *Status.choices,
    (ALL, _("all"))]
_REFERENCE = re.compile(r"^(?:VZ-?)?([0-9a-f]{8})$", re.IGNORECASE)


def find_requests(query: str = "", *, status: str = OPEN, kind: str = "",
                  with_names: bool = True) -> QuerySet[DataSubjectRequest]:
    """The requests matching `query` (a reference "VZ-1A2B3C4D" or its 8 hex digits, an
    e-mail address, or words of a name: every word must occur in the register's name of
    the matched person, or be a whole word of the name written on the request),
    `status` (OPEN, ALL or one Status) and `kind` ("" for any); open ones by the deadline
    of the promise, the others newest first. A name is searched only `with_names` (Sec1:
    a role that may not see names may not find people by them)."""
    found = DataSubjectRequest.objects.all()
    if status == OPEN:
        found = found.filter(status__in=OPEN_STATUSES)
    elif status != ALL:
        found = found.filter(status=status)
    if kind:
        found = found.filter(kind=kind)
    text = " ".join((query or "").split())
    if text:
        found = found.filter(_matching(text, with_names))
    if status == OPEN:
        return found.order_by("statement_deadline", "id")
    return found.order_by("-received_at", "-id")


def _matching(text: str, with_names: bool) -> Q:
    reference = _REFERENCE.match(text)
    if reference:
        return Q(uid__istartswith=reference.group(1).lower())
    if "@" in text:
        # The request's own blind index (the address the requester wrote), and the
        # requests of the register's person holding that address.
        found = Q(email_index=blind_index(text, kind="email"))
        person = register.find_person_by_email(text)
        return found | Q(person_ref=str(person.ref)) if person is not None else found
    if not with_names:
        return Q(pk__in=[])
    refs = [str(ref) for ref in names_with_words(text).values_list(
        "person__ref", flat=True).distinct()[:200]]
    written = Q()
    for token in name_words.query_tokens(text):
        # Tokens have a fixed length and are space-separated: a token occurs in the column
        # only as a whole token.
        written &= Q(name_index__contains=token)
    return Q(person_ref__in=refs) | written if len(written) else Q(person_ref__in=refs)


@dataclass(frozen=True)
class ListedRequest:
    """One row of the list: the request, the requester's name and both clocks."""

    request: DataSubjectRequest
    name: str
    days_left: int          # on the one-week promise (Rt6)
    legal_days_left: int    # on the legal month (Art. 12(3))
    urgency: str            # "late", "soon" or "" (open requests only)
    promise_text: str       # the clocks in words: "3 days left", "2 days late"
    legal_text: str


def rows(requests: list[DataSubjectRequest], now: datetime, *,
         with_names: bool = True) -> list[ListedRequest]:
    """The rows of one page (the requester's name is opened for these rows only, and only
    `with_names`: a role that may not see names reads "—", Sec1)."""
    out = []
    for request in requests:
        promise = days_left(request.statement_deadline, now)
        legal = days_left(request.legal_deadline, now)
        out.append(ListedRequest(
            request=request, name=requester_name(request) if with_names else "—",
            days_left=promise,
            legal_days_left=legal, urgency=urgency(promise) if request.is_open else "",
            promise_text=days_text(promise), legal_text=days_text(legal)))
    return out
