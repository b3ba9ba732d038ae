"""Staff management (Sec1, Sec3): only roles the policy gives "manage_staff" (the privacy
officer in the default policy). Every change is written to the audit chain."""

from __future__ import annotations

from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from privacydesk.policy.errors import RuleViolation
from privacydesk.staff import signin
from privacydesk.staff.access import require_permission
from privacydesk.staff.accounts import create_staff
from privacydesk.staff.forms.users import StaffCreateForm, StaffEditForm
from privacydesk.staff.forms.violations import show_violation
from privacydesk.staff.models import StaffUser
from privacydesk.staff.views.common import actor, lang
from privacydesk.vault import audit


def _audit(request: HttpRequest, user: StaffUser, action: str, **detail: object) -> None:
    audit.record(actor=actor(request), action=action, object_type="staff.staffuser",
                 object_id=str(user.pk), detail=detail)


@require_permission("manage_staff")
@require_GET
def user_list(request: HttpRequest) -> HttpResponse:
    """Every account with its sign-in state: failed attempts in a row and a running pause
    (Sec1, staff/signin.py), shown in the policy's time zone."""
    users = list(StaffUser.objects.order_by("username"))
    now = timezone.now()
    for user in users:
        until = user.sign_in_delayed_until
        user.paused_text = signin.local_time(until) if until and until > now else ""  # type: ignore[attr-defined]
    return render(request, "staff/user_list.html", {"users": users})


@require_permission("manage_staff")
@require_http_methods(["GET", "POST"])
def user_create(request: HttpRequest) -> HttpResponse:
    """A new staff account with a first password; MFA is enrolled at its first sign-in."""
    form = StaffCreateForm(request.POST or None, lang=lang())
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            create_staff(data["username"], data["staff_role"], email=data["email"] or "",
                         actor=actor(request), password=data["password"])
        except RuleViolation as error:
            show_violation(form, error)
        else:
            messages.success(request, _("Staff account created."))
            return redirect("staff:user_list")
    return render(request, "staff/user_form.html", {"form": form})


@require_permission("manage_staff")
@require_http_methods(["GET", "POST"])
def user_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change a staff member's role or (de)activate the account."""
    user = get_object_or_404(StaffUser, pk=pk)
    form = StaffEditForm(request.POST or None, lang=lang(),
                         initial={"staff_role": user.staff_role, "is_active": user.is_active})
    if request.method == "POST" and form.is_valid():
        if user.pk == request.user.pk and not form.cleaned_data["is_active"]:
            form.add_error("is_active", _("You cannot deactivate your own account."))
        else:
            try:
                with transaction.atomic():
                    user.staff_role = form.cleaned_data["staff_role"]
                    user.is_active = form.cleaned_data["is_active"]
                    user.save(update_fields=["staff_role", "is_active"])
                    _audit(request, user, "update", staff_role=user.staff_role,
                           is_active=user.is_active)
            except RuleViolation as error:
                show_violation(form, error)
            else:
                messages.success(request, _("Staff account changed."))
                return redirect("staff:user_list")
    return render(request, "staff/user_edit.html", {"form": form, "subject": user})


@require_permission("manage_staff")
@require_POST
def user_reset_mfa(request: HttpRequest, pk: int) -> HttpResponse:
    """Forget the account's second factor; it enrols a new one at the next sign-in."""
    user = get_object_or_404(StaffUser, pk=pk)
    with transaction.atomic():
        user.reset_mfa()
        _audit(request, user, "reset_mfa")
    messages.success(request, _("The second factor was reset."))
    return redirect("staff:user_list")


@require_permission("manage_staff")
@require_POST
def user_lift_pause(request: HttpRequest, pk: int) -> HttpResponse:
    """End an account's sign-in pause at once, e.g. when its holder confirms the failed
    attempts were their own; the failures are forgotten too."""
    user = get_object_or_404(StaffUser, pk=pk)
    with transaction.atomic():
        signin.record_success(user)  # forgets the failures and the pause, as a sign-in
        _audit(request, user, "lift_sign_in_pause")
    messages.success(request, _("The sign-in pause was ended."))
    return redirect("staff:user_list")
