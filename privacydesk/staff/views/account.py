"""The signed-in staff member's own account page (issue #15): the back office's language.

Open before the staff protocol is accepted (`protocol_exempt`), so a colleague can switch
to the language they read the protocol in; the page shows no personal data.
"""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from privacydesk.staff.access import protocol_exempt
from privacydesk.staff.forms.account import LanguageForm
from privacydesk.staff.models import StaffUser
from privacydesk.staff.views.common import actor
from privacydesk.vault import audit


@protocol_exempt
@require_http_methods(["GET", "POST"])
def account(request: HttpRequest) -> HttpResponse:
    """Show and change the signed-in staff member's language; the change applies at once
    (this page's confirmation is already in the new language) and is audited."""
    user = cast(StaffUser, request.user)
    form = LanguageForm(request.POST or None, initial={"language": user.language})
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            user.language = form.cleaned_data["language"]
            user.save(update_fields=["language"])
            audit.record(actor=actor(request), action="update", object_type="staff.staffuser",
                         object_id=str(user.pk), detail={"language": user.language})
        if user.language:
            translation.activate(user.language)
        messages.success(request, _("Your settings are saved."))
        return redirect("staff:account")
    return render(request, "staff/account.html", {"form": form})
