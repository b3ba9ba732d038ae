"""Creating staff accounts outside the back office (the first privacy officer, scripts)."""

from __future__ import annotations

import secrets

from django.db import transaction

from privacydesk.policy.errors import RuleViolation
from privacydesk.staff.models import StaffUser
from privacydesk.vault import audit


def create_staff(username: str, staff_role: str, *, email: str = "", actor: str = "cli",
                 password: str | None = None) -> tuple[StaffUser, str]:
    """Create an active staff account; return it and its first password (shown once):
    `password`, or a generated one.

    The role is checked against the policy by StaffUser.save() (RuleViolation names
    `staff_role`). MFA is not enrolled: the account enrols TOTP at its first sign-in.
    """
    if not username.strip():
        raise RuleViolation("username", "format", "a username is required")
    if StaffUser.objects.filter(username=username).exists():
        raise RuleViolation("username", "unique", f"a staff account {username!r} exists already")
    password = password or secrets.token_urlsafe(18)
    with transaction.atomic():
        user = StaffUser(username=username, email=email, staff_role=staff_role)
        user.set_password(password)
        user.save()
        audit.record(actor=actor, action="create", object_type="staff.staffuser",
                     object_id=str(user.pk), detail={"staff_role": staff_role})
    return user, password
