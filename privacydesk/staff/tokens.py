"""API bearer tokens for /api/v1/ (Sec1, Sec3).

A token is "pd_" + 43 URL-safe characters (256 random bits). Only its SHA-256 hex digest is
stored, so a copy of the database does not yield usable tokens; the plaintext is returned
once, by `create_token`, and never again.

Tokens are created by a privacy officer with `privacydesk token create`. Using a token does
not ask for the second factor: the token itself is a long random secret handed out
deliberately to one staff account, and every API call is still limited by that account's
staff role (the categories it may see) and refused once the account is deactivated, the
token is revoked or it has expired. Every token expires: after `--days`, or else after the
policy's `staff_accounts.token_days` (90 by default).

Listing and revoking (`visible_tokens`, `revoke_token`): a staff member sees and revokes
their own tokens; the policy's `manage_staff` permission covers everyone's; the command line
(the server's operator, actor None) covers all. A token is shown by its name and short id
(`ApiToken.short_id`), never by its secret, and is kept after revocation as a record.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_noop

from privacydesk.policy import clock
from privacydesk.policy.active import get_policy
from privacydesk.policy.errors import RuleViolation
from privacydesk.staff.models import ApiToken, StaffUser
from privacydesk.staff.permissions import has_permission
from privacydesk.vault import audit

TOKEN_PREFIX = "pd_"
MAX_DAYS = 3650
_OBJECT = "staff.apitoken"


def hash_token(raw: str) -> str:
    """The stored form of a token: SHA-256 hex of the whole plaintext."""
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def create_token(user: StaffUser, name: str, days: int | None = None, *,
                 actor: str = "cli") -> str:
    """Create a token for `user` labelled `name`, valid `days` days (None: the policy's
    `staff_accounts.token_days`); the creation is audited as `actor`.

    Return the plaintext; it is not stored and cannot be shown again. RuleViolation for an
    empty name, `days` outside 1..MAX_DAYS or an inactive user.
    """
    name = (name or "").strip()
    if not name:
        raise RuleViolation("name", "required",
                            gettext_noop("a token needs a name saying what it is for"))
    if days is None:
        days = get_policy().staff_accounts.token_days
    if not 1 <= days <= MAX_DAYS:
        raise RuleViolation("days", "range", f"a token is valid for 1 to {MAX_DAYS} days")
    if not user.is_active:
        raise RuleViolation("user", "active",
                            gettext_noop("tokens are only issued to active staff accounts"))
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    now = timezone.now()
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user, name=name[:100], token_prefix=raw[:8], token_hash=hash_token(raw),
            created_at=now, expires_at=now + timedelta(days=days))
        audit.record(actor=actor, action="create", object_type=_OBJECT,
                     object_id=str(token.pk), purpose="security",
                     detail={"user": user.pk, "days": days})
    return raw


def visible_tokens(viewer: StaffUser | None, username: str | None = None
                   ) -> QuerySet[ApiToken]:
    """The tokens `viewer` may list, newest first, of the account `username` if given.

    `viewer` None is the operator on the command line and sees all; an account with
    `manage_staff` sees everyone's; any other account its own only: naming another account
    is RuleViolation("user", "Sec3"), an unknown one RuleViolation("user", "exists").
    """
    found = ApiToken.objects.select_related("user").order_by("-created_at", "-pk")
    manager = viewer is None or has_permission(viewer, "manage_staff")
    if username and (len(username) > 150 or any(ord(c) < 32 or ord(c) == 127
                                                 for c in username)):
        # Refused before any query: PostgreSQL cannot even compare a string with NUL in it.
        raise RuleViolation("user", "format", "a user name of at most 150 characters, "
                            "without control characters")
    if username:
        if not manager and viewer is not None and username != viewer.get_username():
            raise RuleViolation("user", "Sec3", "you may list only your own tokens; others' "
                                "need the permission 'manage_staff'")
        if not StaffUser.objects.filter(username=username).exists():
            raise RuleViolation("user", "exists", f"no staff account is named {username!r}")
        return found.filter(user__username=username)
    return found if manager else found.filter(user=viewer)


def state(token: ApiToken) -> str:
    """"revoked", "expired" or "active" (for lists: CLI, back office, API)."""
    if token.revoked_at is not None:
        return "revoked"
    return "active" if token.is_usable() else "expired"


def may_revoke(viewer: StaffUser | None, token: ApiToken) -> bool:
    """The operator, the token's own account, or an account with `manage_staff`."""
    return viewer is None or token.user_id == viewer.pk or \
        has_permission(viewer, "manage_staff")


def authenticate_token(raw: str | None) -> StaffUser | None:
    """Return the active staff user the token belongs to; None for an unknown, revoked or
    expired token, an inactive user or a string that is no token (refused unread). Records
    the day the token was last used."""
    if not raw or not raw.startswith(TOKEN_PREFIX) or len(raw) > 200:
        return None
    digest = hash_token(raw)
    # The lookup is by digest, so no comparison ever touches the secret itself.
    token = ApiToken.objects.select_related("user").filter(token_hash=digest).first()
    # The final compare_digest only guards against a database collation surprise.
    if token is None or not hmac.compare_digest(token.token_hash, digest):
        return None
    user = token.user
    if not token.is_usable(timezone.now()) or not user.is_active:
        return None
    # The day only, written at most once a day: a write on every call would serialise API
    # reads behind the database's write lock, and the day is all a privacy officer needs
    # to spot a stale token (no record of when in the day the API was used).
    today = clock.today()
    if token.last_used_on != today:
        ApiToken.objects.filter(pk=token.pk).update(last_used_on=today)
    return user


def revoke_token(token: ApiToken, viewer: StaffUser | None = None, *,
                 actor: str = "cli") -> ApiToken:
    """Refuse the token from now on (audited as `actor`); the row stays as a record.

    `viewer` None is the operator; another account may revoke its own tokens, or anyone's
    with `manage_staff` (else RuleViolation("id", "Sec3")). A revoked token cannot be
    revoked again: RuleViolation("id", "revoked"), nothing changes.
    """
    if not may_revoke(viewer, token):
        raise RuleViolation("id", "Sec3", "you may revoke only your own tokens; others' need "
                            "the permission 'manage_staff'")
    with transaction.atomic():
        # Only the first of two simultaneous revocations changes the row (and is audited).
        now = timezone.now()
        if not ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
                revoked_at=now):
            raise RuleViolation("id", "revoked", gettext_noop("this token is revoked already"))
        token.revoked_at = now
        audit.record(actor=actor, action="revoke", object_type=_OBJECT,
                     object_id=str(token.pk), purpose="security",
                     detail={"user": token.user_id})
    return token
