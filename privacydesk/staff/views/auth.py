"""Sign in (password, then TOTP), first-time MFA enrolment, sign out, the staff protocol.

Every refused password or code sends `staff_auth_failed` (the break-in guard counts them, W2)
and shows one generic message that does not say which part was wrong. It also counts for the
account (staff/signin.py, Sec1): after the policy's number of failures in a row the account
pauses sign-in for a growing, capped time, and every attempt meanwhile — right or wrong — is
refused unchecked with a message saying when to try again.
"""

from __future__ import annotations

from django.contrib.auth import authenticate, logout
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from privacydesk.policy.active import get_policy
from privacydesk.staff import mfa, protocol, signin
from privacydesk.staff.access import protocol_exempt
from privacydesk.staff.forms.auth import CodeForm, LoginForm, ProtocolForm
from privacydesk.staff.labels import page_language
from privacydesk.staff.models import StaffUser
from privacydesk.staff.signals import KIND_LOGIN, KIND_MFA, report_auth_failure


def _safe_next(request: HttpRequest, candidate: str | None) -> str:
    if candidate and url_has_allowed_host_and_scheme(
            candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return candidate
    return reverse("staff:dashboard")


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    """Step 1: user name and password. On success the second factor is asked next."""
    form = LoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        # The account the attempt names, exactly as the password check looks it up.
        account = StaffUser.objects.filter(username=form.cleaned_data["username"]).first()
        paused = signin.delayed_until(account) if account is not None else None
        if paused is not None:
            # Sec1: not even checked, so a guess cannot be confirmed during the pause.
            report_auth_failure(request, KIND_LOGIN)
            form.add_error(None, signin.delay_message(paused))
            return render(request, "staff/login.html", {"form": form})
        user = authenticate(request, username=form.cleaned_data["username"],
                            password=form.cleaned_data["password"])
        if user is None:
            report_auth_failure(request, KIND_LOGIN)
            form.add_error(None, _("User name or password is not correct."))
            until = signin.record_failure(account) if account is not None else None
            if until is not None:
                form.add_error(None, signin.delay_message(until))
        else:
            mfa.start_pending(request, user, _safe_next(request, request.GET.get("next")))
            if not getattr(user, "mfa_enabled", False):
                return redirect("staff:mfa_setup")
            return redirect("staff:mfa")
    return render(request, "staff/login.html", {"form": form})


def _check_code(request: HttpRequest, user: object, form: CodeForm) -> bool:
    paused = signin.delayed_until(user)  # type: ignore[arg-type]
    if paused is not None:
        # Sec1: a pending session's guesses count for the account, and wait like passwords.
        report_auth_failure(request, KIND_MFA)
        form.add_error("code", signin.delay_message(paused))
        return False
    secret = user.get_totp_secret()  # type: ignore[attr-defined]
    counter = mfa.matching_counter(secret, form.cleaned_data["code"]) if secret else None
    if counter is None or counter <= user.totp_last_counter:  # type: ignore[attr-defined]
        report_auth_failure(request, KIND_MFA)
        form.add_error("code", _("This code is not correct or was already used."))
        until = signin.record_failure(user)  # type: ignore[arg-type]
        if until is not None:
            form.add_error("code", signin.delay_message(until))
        return False
    user.totp_last_counter = counter  # type: ignore[attr-defined]
    return True


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def mfa_view(request: HttpRequest) -> HttpResponse:
    """Step 2: the one-time code. Only after it is the user signed in."""
    user = mfa.pending_user(request)
    if user is None:
        return redirect("staff:login")
    if not user.mfa_enabled:
        return redirect("staff:mfa_setup")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and _check_code(request, user, form):
        user.save(update_fields=["totp_last_counter"])
        return HttpResponseRedirect(_safe_next(request, mfa.complete_sign_in(request, user)))
    return render(request, "staff/mfa.html", {"form": form})


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def mfa_setup_view(request: HttpRequest) -> HttpResponse:
    """First sign-in (or after a reset): enrol an authenticator app. MFA is mandatory."""
    user = mfa.pending_user(request)
    if user is None:
        return redirect("staff:login")
    if user.mfa_enabled:
        return redirect("staff:mfa")
    secret = user.get_totp_secret()
    if secret is None:
        secret = mfa.new_secret()
        user.set_totp_secret(secret)
        user.save(update_fields=["mfa_enabled", "totp_last_counter"])
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and _check_code(request, user, form):
        user.mfa_enabled = True
        user.save(update_fields=["mfa_enabled", "totp_last_counter"])
        return HttpResponseRedirect(_safe_next(request, mfa.complete_sign_in(request, user)))
    issuer = f"{get_policy().controller.name} privacydesk"
    context = {
        "form": form,
        "secret_groups": [secret[i:i + 4] for i in range(0, len(secret), 4)],
        "otpauth_uri": mfa.provisioning_uri(secret, user.username, issuer),
    }
    return render(request, "staff/mfa_setup.html", context)


@login_not_required
@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    """Sign out and forget the session (POST only, CSRF-protected)."""
    logout(request)
    return redirect("staff:login")


@protocol_exempt
@never_cache
@require_http_methods(["GET", "POST"])
def protocol_view(request: HttpRequest) -> HttpResponse:
    """Sec4: show the staff protocol and record that the user accepts the current version."""
    user = request.user
    accepted = protocol.is_current(getattr(user, "protocol_version_accepted", ""))
    form = ProtocolForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user.accept_protocol(protocol.PROTOCOL_VERSION)  # type: ignore[union-attr]
        return HttpResponseRedirect(_safe_next(request, request.GET.get("next")))
    lang = page_language()
    other = "nl" if lang == "en" else "en"
    controller = get_policy().controller.name
    context = {
        "form": form,
        "accepted": accepted,
        "version": protocol.PROTOCOL_VERSION,
        "protocol_text": protocol.protocol_html(lang, controller),
        # The other language's copy carries its own lang (WCAG 3.1.2), for screen readers
        # and for the check that a Dutch page shows no untranslated English (#15).
        "other_lang": other,
        "other_text": protocol.protocol_html(other, controller),
    }
    return render(request, "staff/protocol.html", context)
