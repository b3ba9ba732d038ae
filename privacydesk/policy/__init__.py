"""privacydesk.policy: the company's privacy policy as data, and the rules that read it.

Plain Python, no Django: load and validate the policy TOML (`load_policy`), apply its rules
(`Policy.check_may_hold`, `check_purpose`, `check_source`, `staff_may_see`,
`retention_decision` / `deletion_date`, `request_deadlines`) and render the privacy statement
from it (`render_statement`). See docs/architecture.md, section "policy".
"""

from privacydesk.policy import active
from privacydesk.policy.errors import PolicyError, PrivacydeskError, RestrictedError, RuleViolation
from privacydesk.policy.loader import get_default_policy_path, load_policy, load_policy_text
from privacydesk.policy.model import (
    PERMISSIONS,
    Period,
    RetentionRule,
)
from privacydesk.policy.policy import Policy
from privacydesk.policy.retention import (
    CONTACT_PERIOD,
    ROLE_ENDED,
    RetentionDecision,
    RetentionFacts,
    RoleSpan,
)
from privacydesk.policy.statement import render_statement

__all__ = [
    "CONTACT_PERIOD",
    "PERMISSIONS",
    "Period",
    "Policy",
    "PolicyError",
    "PrivacydeskError",
    "ROLE_ENDED",
    "RestrictedError",
    "RetentionDecision",
    "RetentionFacts",
    "RetentionRule",
    "RoleSpan",
    "RuleViolation",
    "active",
    "get_default_policy_path",
    "load_policy",
    "load_policy_text",
    "render_statement",
]
