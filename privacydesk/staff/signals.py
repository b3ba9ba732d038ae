"""Signals the staff package sends; other packages connect to them, staff imports none of them.

`staff_auth_failed` is sent for every refused password (kind="login") and every refused
one-time code (kind="mfa"). The break-in guard (W2) connects to it to count repeated
attempts; staff itself never logs the attempt or the client address (W1).
"""

from __future__ import annotations

from django.dispatch import Signal

#: Sent with `request` (the HttpRequest) and `kind` ("login" | "mfa"); sender is "staff".
staff_auth_failed = Signal()

KIND_LOGIN = "login"
KIND_MFA = "mfa"


def report_auth_failure(request: object, kind: str) -> None:
    """Tell every listener (the break-in guard) that an authentication step failed."""
    staff_auth_failed.send(sender="staff", request=request, kind=kind)
