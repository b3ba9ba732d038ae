"""Id1 (and W3's helpers): the controller's identity, complete in the policy (its loader
refuses a blank field, a malformed e-mail address or a non-https authority), really is on
what people receive — the statement page as served in each language, the callback letter
and its text (`check/served.py`) — not merely in the policy that renders them."""

from __future__ import annotations

from collections.abc import Iterable

from privacydesk.check import served
from privacydesk.check.registry import CheckResult, check, verdict
from privacydesk.policy import render_statement
from privacydesk.policy.active import get_policy

#: Id1 / Art. 13(1)(a): who the controller is and how to reach them, on the statement page
#: and on every letter (the country is implied by the postal address).
IDENTITY = ("name", "street", "postcode", "city", "phone", "email", "website")
#: What the written e-mail text must give: how to call back (P2); its sender and Reply-To
#: are the controller's address (callbacks/services.py).
EMAIL_TEXT = ("phone",)


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


def missing_on(texts: Iterable[served.Served], fields: tuple[str, ...]) -> list[str]:
    """Lines naming each served text that lacks one of the controller's `fields` (or could
    not be fetched). A field is found when its value, whitespace collapsed, is in the text."""
    controller = get_policy().controller
    gaps = []
    for item in texts:
        if item.problem:
            gaps.append(f"{item.where} {item.problem}")
            continue
        missing = [name for name in fields
                   if served.squash(str(getattr(controller, name))) not in item.text]
        if missing:
            gaps.append(f"{item.where} does not show the controller's {', '.join(missing)}")
    return gaps


@check("Id1", "The controller's identity and contact details")
def controller_identity() -> CheckResult:
    """Id1 holds when the served statement page in every language, the callback letter
    (PDF) in every language and the written e-mail text show the controller's identity and
    contact details."""
    statement_pages = list(served.pages(only=("statement",)))
    sent = list(served.letters())
    failures = (statement_gaps() + missing_on(statement_pages, IDENTITY)
                + missing_on([t for t in sent if t.kind == "letter"], IDENTITY)
                + missing_on([t for t in sent if t.kind == "e-mail"], EMAIL_TEXT))
    languages = ", ".join(get_policy().statement.languages)
    return verdict("Id1", failures,
                   f"controller {get_policy().controller.name!r} complete; its identity and "
                   f"contact details read back from the served statement pages, the callback "
                   f"letters and the e-mail text ({languages})",
                   "the controller's identity is incomplete or missing from what people get")
