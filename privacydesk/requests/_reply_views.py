"""Back-office preview of the answer mail (issue #15): staff see the mail the person will
receive — greeting, their summary, where to complain — before it is sent. Views only
translate; the text is `_reply.preview`, the sending `actions.confirm_done`.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from privacydesk.requests import _reply
from privacydesk.requests._steps import PERMISSION, get
from privacydesk.staff.access import require_permission


@require_POST
@require_permission(PERMISSION)
def reply_preview(request: HttpRequest, uid: str) -> HttpResponse:
    """Show the "done" mail for the posted summary; its button sends it (`requests:done`)."""
    found = get(uid)
    summary = _reply.without_greeting(request.POST.get("summary", ""))
    if not summary:
        messages.error(request, gettext("What was done: write what was done, for the person "
                                        "(required)."))
        return redirect("requests:detail", uid=uid)
    subject, body = _reply.preview(found, summary)
    return render(request, "requests/reply_preview.html", {
        "r": found, "summary": summary, "subject": subject, "body": body})
