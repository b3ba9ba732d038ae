"""Staff accounts and API tokens (Sec1, Sec3, Sec4).

`StaffUser` is the only kind of user privacydesk has. Its password is hashed with argon2
(settings.PASSWORD_HASHERS), its TOTP secret is sealed by the vault (AES-GCM, never stored in
the clear), its staff role must be one the policy declares, and it records which version of
the staff protocol it accepted (Sec4).
"""

from __future__ import annotations

from typing import ClassVar

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from privacydesk.policy.active import get_policy
from privacydesk.policy.errors import RuleViolation
from privacydesk.vault.models import SealedMixin

# The languages of the back office (issue #15); "" follows the browser.
STAFF_LANGUAGES = [
    ("", _("The browser's language")),
    ("nl", "Nederlands"),
    ("en", "English"),
]


class StaffUser(AbstractUser):
    """A member of staff. No role, no access: the policy's staff role decides what it sees."""

    staff_role = models.CharField(max_length=64, blank=True, default="")
    # Sec1: the TOTP secret lives sealed in TotpSecret (vault SealedMixin), never in clear.
    mfa_enabled = models.BooleanField(default=False)
    # The last accepted time-step counter: a code can be used once (no replay).
    totp_last_counter = models.BigIntegerField(default=0, editable=False)
    # Sec4: staff see personal data only after accepting the current protocol.
    protocol_version_accepted = models.CharField(max_length=32, blank=True, default="")
    protocol_accepted_at = models.DateTimeField(null=True, blank=True)
    # Sec1: guessing limited per account, not only per address (staff/signin.py). Wrong
    # passwords or codes in a row; after the policy's number, sign-ins wait until
    # `sign_in_delayed_until` (a growing, capped delay, never a permanent lock-out).
    failed_sign_ins = models.PositiveIntegerField(default=0, editable=False)
    last_failed_sign_in_at = models.DateTimeField(null=True, blank=True, editable=False)
    sign_in_delayed_until = models.DateTimeField(null=True, blank=True, editable=False)
    # Part of the session hash: raised when the account is disabled, so sessions from
    # before do not come back when it is enabled again (issue #13, 5.11).
    session_epoch = models.PositiveIntegerField(default=0, editable=False)
    # Issue #15: the back office in the staff member's language. Empty: the browser's
    # Accept-Language, falling back to Dutch (staff/language.py applies it).
    language = models.CharField(
        max_length=8, blank=True, default="", choices=STAFF_LANGUAGES,
        verbose_name=_("language of the back office"))

    class Meta:
        verbose_name = "staff user"
        verbose_name_plural = "staff users"

    def __str__(self) -> str:
        return self.username

    def save(self, *args: object, **kwargs: object) -> None:
        """Store the account; RuleViolation("staff_role") for a role the policy lacks.

        Disabling an account (is_active True -> False, by any path) ends all its sessions:
        `session_epoch` goes up, so no session from before matches the account again, not
        even after it is enabled again. A new password ends them as well (the password is
        part of the same hash).
        """
        self.check_staff_role()
        if not self.is_active and self.pk is not None and \
                StaffUser.objects.filter(pk=self.pk, is_active=True).exists():
            self.session_epoch += 1
            fields = kwargs.get("update_fields")
            if fields is not None:
                kwargs["update_fields"] = {*fields, "session_epoch"}  # type: ignore[misc]
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def _get_session_auth_hash(self, secret: str | None = None) -> str:
        """Django's session hash (an HMAC of the password hash) with the session epoch:
        a session carries the hash of its sign-in and is flushed when it no longer matches
        (django.contrib.auth.get_user). Overrides the one method behind both
        `get_session_auth_hash` and its SECRET_KEY_FALLBACKS variant."""
        return salted_hmac(
            "privacydesk.staff.StaffUser.session",
            f"{self.session_epoch}:{self.password}", secret=secret, algorithm="sha256",
        ).hexdigest()

    def check_staff_role(self) -> None:
        if self.staff_role and self.staff_role not in get_policy().staff_roles:
            known = ", ".join(get_policy().staff_roles)
            raise RuleViolation(
                "staff_role", "staff_role",
                f"unknown staff role {self.staff_role!r}; the policy declares: {known}")

    # --- TOTP secret (sealed) -----------------------------------------------------------

    def set_totp_secret(self, secret: str) -> None:
        """Seal and store a new TOTP secret (saved at once); MFA is off until a code confirms
        it, so the caller saves `mfa_enabled`/`totp_last_counter` afterwards."""
        if self.pk is None:
            raise ValueError("save the user before giving it a TOTP secret")
        row = TotpSecret.objects.filter(user=self).first() or TotpSecret(user=self)
        row.set_secret(secret)
        row.save()
        self.mfa_enabled = False
        self.totp_last_counter = 0

    def get_totp_secret(self) -> str | None:
        """The TOTP secret in the clear, or None when none is set."""
        row = TotpSecret.objects.filter(user=self).first() if self.pk else None
        return row.get_secret() if row is not None else None

    def reset_mfa(self) -> None:
        """Forget the second factor (saved at once); the next sign-in enrols a new one."""
        TotpSecret.objects.filter(user=self).delete()
        self.mfa_enabled = False
        self.totp_last_counter = 0
        self.save(update_fields=["mfa_enabled", "totp_last_counter"])

    # --- staff protocol (Sec4) ----------------------------------------------------------

    def has_accepted_protocol(self, version: str) -> bool:
        return bool(self.protocol_version_accepted) and self.protocol_version_accepted == version

    def accept_protocol(self, version: str) -> None:
        self.protocol_version_accepted = version
        self.protocol_accepted_at = timezone.now()
        self.save(update_fields=["protocol_version_accepted", "protocol_accepted_at"])


class TotpSecret(SealedMixin):
    """A staff member's sealed TOTP secret (Sec1); re-encrypted by `keys reencrypt` like every
    SealedMixin. Bound to this model's label (staff users have no pseudonymous ref); moving
    a ciphertext between accounts needs database write access, which could change the
    password hash just as well."""

    sealed_owner_field: ClassVar[str] = "no_owner"

    user = models.OneToOneField(StaffUser, on_delete=models.CASCADE, primary_key=True,
                                related_name="totp_secret")

    def __str__(self) -> str:
        return f"TOTP secret of user #{self.pk}"


class ApiToken(models.Model):
    """A bearer token for /api/v1/. Only its SHA-256 is stored; the plaintext is shown once."""

    user = models.ForeignKey(StaffUser, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    token_prefix = models.CharField(max_length=8)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    # The day only (policy time zone), written at most once a day: enough to spot a stale
    # token, and no trace of when in the day the API was used.
    last_used_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.short_id})"

    @property
    def short_id(self) -> str:
        """How a token is shown: its first characters, never the secret (30 of its 256
        random bits: enough to recognise it, useless to guess the rest)."""
        return f"{self.token_prefix}…"

    def is_usable(self, now: object = None) -> bool:
        """True while neither revoked nor expired."""
        if self.revoked_at is not None:
            return False
        return self.expires_at is None or self.expires_at > (now or timezone.now())  # type: ignore[operator]
