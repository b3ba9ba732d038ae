"""D1: a disclosure on a legal obligation must match an obligation the policy declares.

`gap()` is the one comparison of a disclosure with the declaration
(`policy.legal_obligations`, see privacydesk/policy/obligations.py): the gate asks it before
anything is written, `privacydesk check` asks it again for every logged row. It returns
(field, reason) for the first mismatch, or None when the obligation covers the disclosure:
the obligation is declared, names the recipient, covers every category, and the person has
(or had: fiscal records outlive the customer relation) one of its roles.
"""

from __future__ import annotations

from collections.abc import Iterable

from privacydesk.policy.active import get_policy
from privacydesk.policy.obligations import LegalObligation


def declared(key: str) -> LegalObligation | None:
    """The policy's obligation `key`, or None if it declares no such obligation."""
    return get_policy().legal_obligations.get(key)


def gap(key: str, recipient: str, categories: Iterable[str],
        roles: Iterable[str] | None) -> tuple[str, str] | None:
    """Why the declared obligation `key` does not cover this disclosure, as (field, reason),
    or None if it does. `roles`: every role the person has or had; None skips that test
    (the person is gone from the register and only their pseudonymous ref remains)."""
    obligation = declared(key)
    if obligation is None:
        known = ", ".join(get_policy().legal_obligations) or "none"
        return "legal_obligation", (f"{key!r} is not a legal obligation the policy declares "
                                    f"(D1); declared: {known}")
    if not obligation.names_recipient(recipient):
        return "recipient", (f"{obligation.citation} obliges disclosure to "
                             f"{', '.join(obligation.recipients)} only (D1); not to "
                             f"{recipient}")
    extra = sorted(set(categories) - obligation.categories)
    if extra:
        return "categories", (f"{obligation.citation} covers "
                              f"{', '.join(sorted(obligation.categories))} only (D1); not "
                              f"{', '.join(extra)}")
    if roles is not None and obligation.roles.isdisjoint(roles):
        return "person", (f"{obligation.citation} covers data of "
                          f"{', '.join(sorted(obligation.roles))} only (D1); this person "
                          "never had one of those roles")
    return None
