"""Vault: field encryption, blind indexes, the audit chain (promise Sec1).

The errors live here so any module can import them without importing Django models.
"""

from __future__ import annotations

from privacydesk.policy.errors import PrivacydeskError


class VaultError(PrivacydeskError):
    """A key is missing, malformed or unusable, or the vault was used against its contract."""


class DecryptionError(VaultError):
    """A sealed value cannot be opened: unknown key id, altered bytes or the wrong context."""


class AuditImmutableError(VaultError):
    """Someone tried to change or delete an audit entry through the ORM (Sec1)."""


__all__ = ["AuditImmutableError", "DecryptionError", "VaultError"]
