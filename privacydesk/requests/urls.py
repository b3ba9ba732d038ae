"""Back-office request routes under /staff/requests/ (permission handle_requests)."""

from django.urls import path

from privacydesk.requests import (
    _answer_views,
    _matching_views,
    _picking_views,
    _reply_views,
    _systems_views,
    _triage_views,
    views,
)

app_name = "requests"
urlpatterns = [
    path("", views.request_list, name="list"),
    path("new/", views.request_new, name="new"),
    # Triage: close as "not a request" in one click with a reason (#15).
    path("triage/", _triage_views.triage, name="triage"),
    path("<uuid:uid>/not-a-request/", _triage_views.not_a_request, name="not_a_request"),
    path("<uuid:uid>/", views.request_detail, name="detail"),
    path("<uuid:uid>/review/", views.request_review, name="review"),
    path("<uuid:uid>/kind/", views.set_kind, name="kind"),
    path("<uuid:uid>/verification/", views.send_verification, name="verification"),
    path("<uuid:uid>/verify/", _matching_views.verify, name="verify"),
    path("<uuid:uid>/match/", _matching_views.match, name="match"),
    path("<uuid:uid>/match/person/", _matching_views.link, name="link"),
    path("<uuid:uid>/match/no-data/", _matching_views.no_data, name="no_data"),
    path("<uuid:uid>/answer/letter/", _answer_views.letter, name="answer_letter"),
    path("<uuid:uid>/answer/post/", _answer_views.by_post, name="answer_post"),
    path("<uuid:uid>/answer/phone/", _answer_views.by_phone, name="answer_phone"),
    path("<uuid:uid>/export/", views.send_export, name="export"),
    path("<uuid:uid>/erase/", views.erase, name="erase"),
    path("<uuid:uid>/correct/", views.correct, name="correct"),
    # Correction and erasure by picking from the person's data (#15).
    path("<uuid:uid>/correct/<str:category>/<int:datum>/", _picking_views.correct_datum,
         name="correct_datum"),
    path("<uuid:uid>/erase/preview/", _picking_views.erase_preview, name="erase_preview"),
    path("<uuid:uid>/erase/picked/", _picking_views.erase_picked, name="erase_picked"),
    path("<uuid:uid>/restrict/", views.restrict, name="restrict"),
    path("<uuid:uid>/objection/", views.objection, name="objection"),
    path("<uuid:uid>/done/", views.confirm_done, name="done"),
    path("<uuid:uid>/done/preview/", _reply_views.reply_preview, name="reply_preview"),
    path("<uuid:uid>/close/", views.close, name="close"),
    path("<uuid:uid>/posted/", views.posted, name="posted"),
    path("<uuid:uid>/systems/<int:pk>/resolve/", _systems_views.resolve,
         name="systems_resolve"),
]
