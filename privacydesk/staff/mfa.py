"""TOTP second factor (Sec1): enrolment, verification, and the session's sign-in state.

Sign-in has two steps. The password step only records a *pending* user in the session; the
user is logged in (and the session key rotated) after a valid one-time code. MFA is
mandatory: a session counts as signed in only when it carries the MFA mark for its user, so
a session that was logged in any other way is still refused by the middleware.
"""

from __future__ import annotations

import hmac
import time
from datetime import UTC, datetime
from typing import Any

import pyotp
from django.contrib.auth import login
from django.http import HttpRequest

PENDING_USER = "staff.pending_user"
PENDING_SINCE = "staff.pending_since"
PENDING_NEXT = "staff.pending_next"
MFA_VERIFIED = "staff.mfa_user"
PENDING_SECONDS = 300  # the code must follow the password within five minutes
VALID_WINDOW = 1       # accept the previous, current and next 30-second step (clock drift)


def new_secret() -> str:
    """A fresh random base32 TOTP secret (160 bits)."""
    return pyotp.random_base32(length=32)


def provisioning_uri(secret: str, username: str, issuer: str) -> str:
    """The otpauth:// URI an authenticator app reads (shown as text, no external service)."""
    return pyotp.TOTP(secret).provisioning_uri(name=username, issuer_name=issuer)


def matching_counter(secret: str, code: str, at: float | None = None) -> int | None:
    """Return the time-step counter `code` is valid for (±VALID_WINDOW steps), else None."""
    code = (code or "").strip().replace(" ", "")
    if not (code.isdigit() and len(code) == 6):
        return None
    totp = pyotp.TOTP(secret)
    now = time.time() if at is None else at
    current = totp.timecode(datetime.fromtimestamp(now, tz=UTC))
    for counter in range(current - VALID_WINDOW, current + VALID_WINDOW + 1):
        if hmac.compare_digest(totp.generate_otp(counter), code):
            return counter
    return None


# --- session state -------------------------------------------------------------------------


def start_pending(request: HttpRequest, user: Any, next_url: str) -> None:
    """After a correct password: remember who is signing in, on a fresh session key."""
    request.session.cycle_key()  # no session fixation across the password step
    request.session[PENDING_USER] = user.pk
    request.session[PENDING_SINCE] = int(time.time())
    request.session[PENDING_NEXT] = next_url


def pending_user(request: HttpRequest) -> Any | None:
    """The user who gave a correct password less than PENDING_SECONDS ago, else None."""
    from privacydesk.staff.models import StaffUser

    pk = request.session.get(PENDING_USER)
    since = request.session.get(PENDING_SINCE, 0)
    if pk is None or time.time() - since > PENDING_SECONDS:
        return None
    return StaffUser.objects.filter(pk=pk, is_active=True).first()


def complete_sign_in(request: HttpRequest, user: Any) -> str:
    """Log `user` in after the second factor; return where to go next."""
    next_url = request.session.get(PENDING_NEXT) or ""
    for key in (PENDING_USER, PENDING_SINCE, PENDING_NEXT):
        request.session.pop(key, None)
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")  # rotates key
    request.session[MFA_VERIFIED] = user.pk
    from privacydesk.staff import signin

    signin.record_success(user)  # Sec1: a complete sign-in forgets the failures
    return str(next_url)


def is_mfa_verified(request: HttpRequest) -> bool:
    """True when this session's user signed in with their second factor."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not getattr(user, "mfa_enabled", False):
        return False
    return bool(request.session.get(MFA_VERIFIED) == user.pk)
