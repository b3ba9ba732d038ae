"""Identity, proportionately (GDPR Art. 12(6)): a confirmation link to the e-mail address
already in the register — never a copy of an identity document.

`begin(request)` searches the register for the requester's address (blind index, a real
lookup, no scan). Unknown: the person is told that no data are held, and the request is
answered. Known: a signed single-use link goes to that address; `confirm(token)` marks the
request verified. Staff may also verify by other means (`verify_by_staff`), with a note.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_noop

from privacydesk.policy.active import get_policy
from privacydesk.policy.errors import RuleViolation
from privacydesk.register import services as register
from privacydesk.requests import events, kinds, notify, tokens
from privacydesk.requests._matching import person_by_ref
from privacydesk.requests.models import NO_DATA_HELD, DataSubjectRequest, Status

SALT = "privacydesk.requests.confirm"


def begin(request: DataSubjectRequest, *, actor: str) -> str:
    """Search the register and either answer "no data held" or send the confirmation link.
    Returns the new status. Only for a request kind (not triage / none)."""
    if request.kind not in kinds.REQUEST_KINDS:
        raise RuleViolation("kind", "Rt5", "set the kind of the request before verifying")
    if request.status not in (Status.NEW, Status.AWAITING_VERIFICATION):
        raise RuleViolation("status", "Art12", f"a {request.status} request needs no "
                            "verification")
    when = timezone.now()
    email = request.contact()["email"]
    if not email:
        raise RuleViolation("email", "Art12", gettext_noop(
            "no e-mail address to search the register for; identify the person another "
            "way"))
    person = register.find_person_by_email(email)
    if person is None:
        return _answer_no_data(request, actor=actor, now=when)
    secret, digest = tokens.new_secret()
    link = notify.public_url(reverse("requests_public:confirm", kwargs={
        "token": tokens.make(request.uid.hex, secret, SALT)}))
    # Sent inside the transaction: a mail that fails rolls the record back (and vice versa
    # the link only works once its hash is committed).
    with transaction.atomic():
        # Claim the step as it was read: the clock's tick retries new requests whose mail
        # failed, and may read one while the web form's own attempt is still sending. The
        # conditional update waits for that attempt and then matches nothing, so the person
        # gets one mail and the link in it stays the valid one.
        sent = {"person_ref": str(person.ref), "verification_hash": digest,
                "verification_sent_at": when, "status": Status.AWAITING_VERIFICATION}
        claimed = DataSubjectRequest.objects.filter(
            pk=request.pk, status=request.status,
            verification_sent_at=request.verification_sent_at).update(**sent)
        if not claimed:
            request.refresh_from_db()
            return request.status
        for name, value in sent.items():
            setattr(request, name, value)
        events.log(request, "verification_sent", actor=actor, at=when,
                   note="confirmation link sent to the address in the register")
        notify.to_requester(request, "verify", {"link": link,
                                                "until": request.legal_deadline})
    return request.status


def _answer_no_data(request: DataSubjectRequest, *, actor: str, now: datetime) -> str:
    with transaction.atomic():
        request.status = Status.ANSWERED
        request.answered_at = now
        request.answered_how = "e-mail: no data held (register searched by address)"
        # A distinct outcome, not a missing export: Rt1/Rt3/Rt4 accept it (check/rights.py).
        request.detail = {**request.detail, "outcome": NO_DATA_HELD, "register_search": {
            "by": "e-mail blind index", "found": False, "at": now.isoformat()}}
        request.save(update_fields=["status", "answered_at", "answered_how", "detail"])
        events.log(request, "answered", actor=actor, at=now,
                   note="no data held for this address; register searched")
        notify.to_requester(request, "no_data",
                            {"authority": get_policy().controller.authority})
    return request.status


def _awaiting(token: str, now: datetime,
              requests: QuerySet[DataSubjectRequest]) -> DataSubjectRequest | None:
    """The request of `token` among `requests` while its link works; None for a bad, used
    or expired link."""
    parsed = tokens.read(token, SALT)
    if parsed is None or len(parsed[0]) != 32:
        return None
    uid, secret = parsed
    request = requests.filter(uid=uid).first()
    if (request is None or not tokens.matches(secret, request.verification_hash)
            or request.status != Status.AWAITING_VERIFICATION or now > request.legal_deadline):
        return None
    return request


def pending(token: str) -> DataSubjectRequest | None:
    """The request `token` would confirm, read only (the confirm page names it before the
    button: kind, date, reference — issue #15); None where `confirm` would refuse."""
    return _awaiting(token, timezone.now(), DataSubjectRequest.objects.all())


def confirm(token: str) -> DataSubjectRequest | None:
    """Mark the request of `token` verified; None for a bad, used or expired link."""
    when = timezone.now()
    with transaction.atomic():
        request = _awaiting(token, when, DataSubjectRequest.objects.select_for_update())
        if request is None:
            return None
        request.status, request.verified_at, request.verification_hash = (
            Status.VERIFIED, when, "")
        request.save(update_fields=["status", "verified_at", "verification_hash"])
        events.log(request, "verified", actor="requester", at=when,
                   note="confirmed through the link sent to the registered address")
    return request


def verify_by_staff(request: DataSubjectRequest, person_ref: str, *, actor: str,
                    note: str) -> DataSubjectRequest:
    """Staff verified the requester another way (e.g. a call to the registered number).

    Needs the person (`person_ref`, usually chosen with the register search of `_matching`):
    an empty or malformed reference is a RuleViolation on "person_ref", never a server error,
    and changes nothing (#15 blocker 2). A request with nobody in the register is recorded
    as "no data held" instead (`_matching.record_no_data_held`)."""
    if request.status not in (Status.NEW, Status.AWAITING_VERIFICATION):
        raise RuleViolation("status", "Art12", f"a {request.status} request cannot be verified")
    person = person_by_ref(person_ref)
    how = (note or "").strip()
    if not how or "@" in how:
        raise RuleViolation("note", "Art12", "say how the identity was checked (no personal "
                            "data such as addresses in the note)")
    with transaction.atomic():
        request.person_ref, request.status = str(person.ref), Status.VERIFIED
        request.verified_at, request.verification_hash = timezone.now(), ""
        request.save(update_fields=["person_ref", "status", "verified_at",
                                    "verification_hash"])
        events.log(request, "verified", actor=actor, note=f"by staff: {how}"[:300])
    return request
