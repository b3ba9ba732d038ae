"""Id1 (and W3's helper): the controller's identity is complete in the policy and every
public text — the statement in each language, the page footer — names it."""

from __future__ import annotations

import re

from privacydesk.check.registry import CheckResult, check, verdict
from privacydesk.policy import render_statement
from privacydesk.policy.active import get_policy

FIELDS = ("name", "street", "postcode", "city", "country", "phone", "email", "website")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def controller_gaps() -> list[str]:
    """What is missing or malformed in the policy's controller (empty list: complete)."""
    controller = get_policy().controller
    gaps = [f"controller.{name} is empty" for name in FIELDS
            if not str(getattr(controller, name, "")).strip()]
    if controller.email and not _EMAIL.match(controller.email):
        gaps.append("controller.email is not an e-mail address")
    if not controller.authority.name.strip() or not controller.authority.url.startswith(
            "https://"):
        gaps.append("controller.authority is incomplete")
    return gaps


def statement_gaps() -> list[str]:
    """Statement renderings (each language, md and html) that do not name the controller."""
    policy = get_policy()
    controller = policy.controller
    gaps = []
    for lang in policy.statement.languages:
        for fmt in ("md", "html"):
            text = render_statement(policy, lang=lang, fmt=fmt)
            missing = [name for name in ("name", "email") if getattr(controller, name)
                       not in text]
            if missing:
                gaps.append(f"statement {lang}/{fmt} does not show the controller's "
                            f"{', '.join(missing)}")
    return gaps


@check("Id1", "The controller's identity and contact details")
def controller_identity() -> CheckResult:
    return verdict("Id1", controller_gaps() + statement_gaps(),
                   f"controller {get_policy().controller.name!r} complete and named in the "
                   "statement in every language", "the controller's identity is incomplete")
