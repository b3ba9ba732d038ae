"""/api/v1/requests: the request workflow for API clients (permission handle_requests).

Routers only translate: every rule is in the request services, which raise
RuleViolation(field, rule, message) -> 422, RestrictedError -> 409, unknown uid -> 404
(rule "exists"). Every call is audited by the services it calls.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from ninja import Field, Router, Schema
from ninja.renderers import JSONRenderer

from privacydesk.api.auth import require_permission
from privacydesk.api.errors import NotFound
from privacydesk.api.schemas import ERRORS, ERRORS_404
from privacydesk.requests import _answers, _matching, actions, clock, intake, report, verification
from privacydesk.requests.models import DataSubjectRequest
from privacydesk.staff.permissions import visible_categories
from privacydesk.vault import audit

router = Router(tags=["requests"])
_JSON = JSONRenderer()  # the API's renderer (NinjaAPI's default)
PERMISSION = "handle_requests"


class RequestOut(Schema):
    uid: UUID
    reference: str
    kind: str
    classified_kind: str
    confidence: float
    channel: str
    language: str
    status: str
    person_ref: str
    received_at: datetime
    statement_deadline: datetime
    legal_deadline: datetime
    days_left: int
    answered_at: datetime | None
    answered_how: str

    @staticmethod
    def resolve_days_left(obj: DataSubjectRequest) -> int:
        return obj.days_left(timezone.now())


class EventOut(Schema):
    at: datetime
    actor: str
    action: str
    note: str


class RequestDetailOut(RequestOut):
    requester: dict[str, str]
    events: list[EventOut]
    deliveries: list[dict[str, Any]]
    detail: dict[str, Any]

    @staticmethod
    def resolve_requester(obj: DataSubjectRequest) -> dict[str, str]:
        return obj.contact()

    @staticmethod
    def resolve_deliveries(obj: DataSubjectRequest) -> list[dict[str, Any]]:
        return [d.as_dict() for d in obj.deliveries.all()]


class RequestIn(Schema):
    kind: str = Field(description="access | rectification | erasure | portability | "
                      "objection | restriction")
    channel: str = Field("staff", description="letter | phone | in_person (staff: not said)")
    name: str = Field("", max_length=200)
    email: str = Field("", max_length=254, description="e-mail or postal address needed "
                       "for letter, phone and in_person")
    address: str = Field("", max_length=500, description="postal address (a letter)")
    message: str = Field("", max_length=20000)
    language: str = Field("nl", pattern="^(nl|en)$")
    received_at: datetime | None = Field(None, description="when the letter, call or visit "
                                         "came in (not in the future; the clocks run from it)")
    identity_checked: str = Field("", max_length=300, description="phone or in_person only: "
                                  "how staff checked the requester's identity while "
                                  "registering it; then no confirmation e-mail is sent")


class KindIn(Schema):
    kind: str
    reason: str = Field("", max_length=300, description="why the kind of a request changes "
                        "(required unless it was triage or none)")


class VerifyIn(Schema):
    person_ref: str
    note: str = Field(description="how the identity was checked")


class CorrectIn(Schema):
    category: str
    datum: int
    values: dict[str, Any]


class ObjectionIn(Schema):
    upheld: bool
    note: str


class TextIn(Schema):
    text: str = ""


def _get(uid: UUID) -> DataSubjectRequest:
    # get(), not first(): the uid is unique, so no ORDER BY to build (report API row).
    try:
        return DataSubjectRequest.objects.get(uid=uid)
    except DataSubjectRequest.DoesNotExist:
        raise NotFound("uid", "no request has this uid") from None


def _actor(request: HttpRequest) -> str:
    return require_permission(request, PERMISSION).username


def _visible(request: HttpRequest) -> frozenset[str]:
    """The categories the token's staff role may see (Sec1)."""
    return visible_categories(require_permission(request, PERMISSION))


@router.get("", response={200: list[RequestOut], **ERRORS}, summary="Open requests by days left")
def list_requests(request: HttpRequest) -> Any:
    _actor(request)
    return list(clock.open_requests()[:500])


@router.post("", response={201: RequestOut, **ERRORS},
             summary="File a request (letter, call, visit)")
def file_request(request: HttpRequest, payload: RequestIn) -> Any:
    filed = intake.file_staff_request(
        kind=payload.kind, name=payload.name, email=payload.email, message=payload.message,
        language=payload.language, actor=_actor(request), received_at=payload.received_at,
        channel=payload.channel, address=payload.address,
        identity_checked=payload.identity_checked)
    return 201, filed


@router.get("/{uuid:uid}", response={200: RequestDetailOut, **ERRORS_404},
            summary="One request with its timeline (audited)")
def read_request(request: HttpRequest, uid: UUID) -> Any:
    actor = _actor(request)
    r = _get(uid)
    audit.record(actor=actor, action="read", object_type="requests.datasubjectrequest",
                 object_id=str(r.pk), person_ref=r.person_ref, purpose="data_subject_request",
                 detail={"request": r.reference})
    return r


@router.post("/{uuid:uid}/kind", response={200: RequestOut, **ERRORS_404})
def set_kind(request: HttpRequest, uid: UUID, payload: KindIn) -> Any:
    return intake.set_kind(_get(uid), payload.kind, actor=_actor(request),
                           reason=payload.reason)


@router.post("/{uuid:uid}/verification", response={200: RequestOut, **ERRORS_404},
             summary="Search the register; send the confirmation link or 'no data held'")
def begin_verification(request: HttpRequest, uid: UUID) -> Any:
    verification.begin(_get(uid), actor=_actor(request))
    return _get(uid)


@router.post("/{uuid:uid}/verify", response={200: RequestOut, **ERRORS_404})
def verify(request: HttpRequest, uid: UUID, payload: VerifyIn) -> Any:
    return verification.verify_by_staff(_get(uid), payload.person_ref,
                                        actor=_actor(request), note=payload.note)


@router.get("/{uuid:uid}/report", response={200: dict[str, Any], **ERRORS_404},
            summary="The access report as JSON (review; an audited read)")
def access_report(request: HttpRequest, uid: UUID) -> Any:
    actor = _actor(request)
    r = _get(uid)
    document = report.build(actions.person_of(r), actor=actor, lang=r.language)
    # Rendered by the API's own renderer, as ninja would after checking the response
    # against dict[str, Any] — a check that only re-walks a plain JSON-ready dict and cost
    # a tenth of the endpoint (bench/bench_requests.py); the bytes are the same.
    return HttpResponse(_JSON.render(request, document, response_status=200),
                        content_type=f"{_JSON.media_type}; charset={_JSON.charset}")


@router.post("/{uuid:uid}/export", response={200: RequestOut, **ERRORS_404},
             summary="Export and e-mail a single-use download link")
def send_export(request: HttpRequest, uid: UUID) -> Any:
    actions.send_export(_get(uid), actor=_actor(request))
    return _get(uid)


@router.post("/{uuid:uid}/erase", response={200: dict[str, Any], **ERRORS_404},
             summary="Erase the person (Art. 17) and send the receipt",
             description="The receipt, plus `answer`: {by: e-mail | post, answered}. A "
             "request without an e-mail address is erased and answered by post: send the "
             "receipt as a letter, then `POST /{uid}/posted`.")
def erase(request: HttpRequest, uid: UUID) -> Any:
    return actions.erase(_get(uid), actor=_actor(request))


@router.post("/{uuid:uid}/posted", response={200: RequestOut, **ERRORS_404},
             summary="Record that the answer to a letter request was sent by post")
def posted(request: HttpRequest, uid: UUID, payload: TextIn) -> Any:
    actions.answered_by_post(_get(uid), actor=_actor(request), note=payload.text)
    return _get(uid)


@router.post("/{uuid:uid}/correct", response={200: dict[str, list[str]], **ERRORS_404},
             summary="Correct one datum (Art. 16); lists recipients to inform (Art. 19)")
def correct(request: HttpRequest, uid: UUID, payload: CorrectIn) -> Any:
    told = actions.correct(_get(uid), payload.category, payload.datum, payload.values,
                           actor=_actor(request))
    return {"recipients": told}


@router.post("/{uuid:uid}/restrict", response={200: RequestOut, **ERRORS_404})
def restrict(request: HttpRequest, uid: UUID, payload: TextIn) -> Any:
    actions.restrict(_get(uid), actor=_actor(request), reason=payload.text)
    return _get(uid)


@router.post("/{uuid:uid}/objection", response={200: RequestOut, **ERRORS_404})
def objection(request: HttpRequest, uid: UUID, payload: ObjectionIn) -> Any:
    actions.record_objection(_get(uid), actor=_actor(request), upheld=payload.upheld,
                             note=payload.note)
    return _get(uid)


@router.post("/{uuid:uid}/done", response={200: RequestOut, **ERRORS_404},
             summary="Tell the person a correction/restriction/objection was handled")
def done(request: HttpRequest, uid: UUID, payload: TextIn) -> Any:
    actions.confirm_done(_get(uid), payload.text, actor=_actor(request))
    return _get(uid)


@router.post("/{uuid:uid}/close", response={200: RequestOut, **ERRORS_404})
def close(request: HttpRequest, uid: UUID, payload: TextIn) -> Any:
    actions.close(_get(uid), actor=_actor(request), note=payload.text)
    return _get(uid)


# A letter or telephone request (#15 blockers 2 and 3): the register search, the match or
# "no data held", and an answer given in a call. The answer letter itself is made on the
# staff page (a PDF); that it was posted is recorded with `POST /{uid}/posted`.


class MatchIn(Schema):
    name: str = Field("", max_length=200)
    email: str = Field("", max_length=254)
    phone: str = Field("", max_length=32)
    postcode: str = Field("", max_length=16, description="with house_number")
    house_number: str = Field("", max_length=16, description="with postcode")


class CandidateOut(Schema):
    ref: str
    name: str
    short_ref: str
    matched_on: list[str] = Field(description="name | email | phone | postcode")


class MatchedPersonIn(Schema):
    person_ref: str = Field(max_length=64)
    matched_on: str = Field("", max_length=100, description="the criteria the candidate "
                            "matched, comma-separated (for the timeline)")


class CallIn(Schema):
    who: str = Field(max_length=100, description="who spoke with the requester")
    at: datetime = Field(description="when (not in the future, not before the request came "
                         "in; without an offset: the policy's time zone)")
    said: str = Field(max_length=300, description="what was said (no addresses)")


@router.post("/{uuid:uid}/match", response={200: list[CandidateOut], **ERRORS_404},
             summary="Search the register for the requester (each candidate an audited read)")
def match(request: HttpRequest, uid: UUID, payload: MatchIn) -> Any:
    found = _get(uid)
    query = _matching.clean_query(**payload.dict())
    return _matching.search_for(found, query, actor=_actor(request), visible=_visible(request))


@router.post("/{uuid:uid}/person", response={200: RequestOut, **ERRORS_404},
             summary="Link the request to the person found (then verify it)")
def link_person(request: HttpRequest, uid: UUID, payload: MatchedPersonIn) -> Any:
    return _matching.link_person(_get(uid), payload.person_ref, actor=_actor(request),
                                 matched_on=payload.matched_on)


@router.post("/{uuid:uid}/no-data", response={200: RequestOut, **ERRORS_404},
             summary="Record 'no data held' after a register search that finds nobody")
def no_data_held(request: HttpRequest, uid: UUID, payload: MatchIn) -> Any:
    query = _matching.clean_query(**payload.dict())
    return _matching.record_no_data_held(_get(uid), query, actor=_actor(request),
                                         visible=_visible(request))


@router.post("/{uuid:uid}/answered-by-phone", response={200: RequestOut, **ERRORS_404},
             summary="Record the call in which the answer was given; the request closes")
def answered_by_phone(request: HttpRequest, uid: UUID, payload: CallIn) -> Any:
    call = _answers.Call(who=payload.who, at=payload.at, said=payload.said)
    return _answers.answer_by_phone(_get(uid), call, actor=_actor(request))
