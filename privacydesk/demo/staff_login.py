"""The demo's staff login: a privacy officer `demo`, printed once by `privacydesk demo`.

Decisions (Sec1, Sec4):
- The account gets a random password and an enrolled TOTP second factor (MFA is
  mandatory), so signing in to the demo works exactly like signing in to production.
- The staff protocol is NOT pre-accepted: staff must accept the current protocol before
  they see personal data, and the demo shows that page on the first sign-in.
- Nothing is stored in the clear: the password is hashed (argon2) and the TOTP secret is
  sealed by the vault; the plaintexts exist only in the returned `DemoLogin`.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from django.db import transaction

from privacydesk.policy.active import get_policy
from privacydesk.staff import mfa
from privacydesk.staff.models import StaffUser
from privacydesk.staff.permissions import roles_with_permission
from privacydesk.vault import audit

DEMO_USERNAME = "demo"
PREFERRED_ROLE = "privacy_officer"


@dataclass(frozen=True)
class DemoLogin:
    """The demo login's secrets, to be shown once and never again."""

    username: str
    password: str
    totp_secret: str
    otpauth_uri: str


def demo_staff_role() -> str:
    """The privacy officer's role key; under another policy, a role that manages staff."""
    if PREFERRED_ROLE in get_policy().staff_roles:
        return PREFERRED_ROLE
    managers = sorted(roles_with_permission("manage_staff"))
    if not managers:
        raise LookupError("the policy declares no staff role with the manage_staff permission")
    return managers[0]


def create_demo_staff() -> DemoLogin | None:
    """Create the demo privacy officer; None if an account named `demo` already exists."""
    if StaffUser.objects.filter(username=DEMO_USERNAME).exists():
        return None
    password = secrets.token_urlsafe(18)
    secret = mfa.new_secret()
    with transaction.atomic():
        user = StaffUser(username=DEMO_USERNAME, staff_role=demo_staff_role())
        user.set_password(password)
        user.save()
        user.set_totp_secret(secret)
        user.mfa_enabled = True  # enrolled: the secret is printed for an authenticator app
        user.save(update_fields=["mfa_enabled", "totp_last_counter"])
        audit.record(actor="system", action="create", object_type="staff.staffuser",
                     object_id=str(user.pk),
                     detail={"staff_role": user.staff_role, "demo": True, "mfa": True})
    issuer = f"{get_policy().controller.name} privacydesk"
    return DemoLogin(DEMO_USERNAME, password, secret,
                     mfa.provisioning_uri(secret, DEMO_USERNAME, issuer))
