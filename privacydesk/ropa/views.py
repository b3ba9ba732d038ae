"""The record of processing activities in the back office (/staff/ropa/): the page, and the
same record as PDF and CSV downloads. Staff with the policy's `view_audit` permission
(the accountability records, Art. 5(2) GDPR); deny by default like every staff page."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation
from django.views.decorators.http import require_GET

from privacydesk.policy.active import get_policy
from privacydesk.ropa import render as ropa_render
from privacydesk.ropa.record import Record, build
from privacydesk.staff.access import require_permission

#: The downloads by format (the file's extension): content type and rendering.
DOWNLOADS: dict[str, tuple[str, Callable[[Record], bytes | str]]] = {
    "pdf": ("application/pdf", ropa_render.pdf),
    "csv": ("text/csv; charset=utf-8", ropa_render.csv_text)}


def _record() -> Record:
    # Staff read the back office in their language; the record follows it (nl by default).
    lang = "en" if (translation.get_language() or "nl").startswith("en") else "nl"
    return build(get_policy(), lang)


@require_GET
@require_permission("view_audit")
def ropa_page(request: HttpRequest) -> HttpResponse:
    record = _record()
    return render(request, "ropa/register.html", {"record": record,
                                                  "sections": record.sections()})


@require_GET
@require_permission("view_audit")
def ropa_download(request: HttpRequest, fmt: str) -> HttpResponse:
    record = _record()
    content_type, rendering = DOWNLOADS[fmt]
    response = HttpResponse(rendering(record), content_type=content_type)
    response["Content-Disposition"] = (f'attachment; filename="verwerkingsregister-'
                                       f'{record.lang}.{fmt}"')
    response["Cache-Control"] = "no-store"
    return response
