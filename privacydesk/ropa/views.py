"""The record of processing activities in the back office (/staff/ropa/): the page, and the
same record as PDF and CSV downloads. Staff with the policy's `view_audit` permission
(the accountability records, Art. 5(2) GDPR); deny by default like every staff page."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation
from django.views.decorators.http import require_GET

from privacydesk.policy.active import get_policy
from privacydesk.ropa import render as ropa_render
from privacydesk.ropa.record import Record, build
from privacydesk.staff.access import require_permission


def _record() -> Record:
    # Staff read the back office in their language; the record follows it (nl by default).
    lang = "en" if (translation.get_language() or "nl").startswith("en") else "nl"
    return build(get_policy(), lang)


def _download(data: bytes | str, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


@require_GET
@require_permission("view_audit")
def ropa_page(request: HttpRequest) -> HttpResponse:
    record = _record()
    return render(request, "ropa/register.html", {"record": record,
                                                  "sections": record.sections()})


@require_GET
@require_permission("view_audit")
def ropa_pdf(request: HttpRequest) -> HttpResponse:
    record = _record()
    return _download(ropa_render.pdf(record), "application/pdf",
                     f"verwerkingsregister-{record.lang}.pdf")


@require_GET
@require_permission("view_audit")
def ropa_csv(request: HttpRequest) -> HttpResponse:
    record = _record()
    return _download(ropa_render.csv_text(record), "text/csv; charset=utf-8",
                     f"verwerkingsregister-{record.lang}.csv")
