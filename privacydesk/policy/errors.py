"""The error hierarchy shared by every part of privacydesk (no Django here).

    PrivacydeskError                 base of every error privacydesk raises on purpose
     ├── PolicyError                 a policy file is malformed (.file, .key, .rule)
     ├── RuleViolation               a write breaks a rule (.field, .rule, .message)
     │    └── RestrictedError        the data are restricted (GDPR Art. 18) and may not be used
     └── ConfigError                 (privacydesk.project.config) an environment variable is invalid
"""

from __future__ import annotations


class PrivacydeskError(Exception):
    """Base of every error privacydesk raises on purpose."""


class PolicyError(PrivacydeskError):
    """A policy file is malformed. It is refused whole; nothing of it is used."""

    def __init__(self, file: str, key: str, rule: str) -> None:
        self.file = file
        self.key = key
        self.rule = rule
        super().__init__(f"{file}: {key}: {rule}")


class RuleViolation(PrivacydeskError):
    """A write breaks a rule. `field` names the input, `rule` the promise or check id."""

    def __init__(self, field: str, rule: str, message: str) -> None:
        self.field = field
        self.rule = rule
        self.message = message
        super().__init__(f"{field}: {message} [{rule}]")

    def as_dict(self) -> dict[str, str]:
        return {"field": self.field, "rule": self.rule, "message": self.message}


class RestrictedError(RuleViolation):
    """The data are restricted (GDPR Art. 18): stored, but not to be used."""
