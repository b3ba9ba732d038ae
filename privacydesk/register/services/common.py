"""What every register service shares: the active policy, the audit trail, Art. 18 checks."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_noop

from privacydesk.policy.active import get_policy
from privacydesk.policy.errors import RestrictedError, RuleViolation
from privacydesk.register.models import Datum, Person
from privacydesk.register.services import batching
from privacydesk.vault import audit

# Uses of personal data that are not a policy purpose but a data subject's right or a legal
# duty; every audited use names either a policy purpose or one of these.
ACCESS_REQUEST = "access_request"  # Art. 15: the person's own copy
RECTIFICATION = "rectification"  # Art. 16
ERASURE = "erasure"  # Art. 17
PORTABILITY = "portability"  # Art. 20
LEGAL_CLAIMS = "legal_claims"  # Art. 18(2): establishment, exercise or defence of claims
RIGHTS_PURPOSES = frozenset({ACCESS_REQUEST, RECTIFICATION, ERASURE, PORTABILITY,
                             LEGAL_CLAIMS})

# Art. 18(2): restricted data are only stored; the person may still see them (Art. 15),
# have them corrected (the usual reason for the restriction, Art. 18(1)(a)), receive them
# (Art. 20) or have them erased, and they may serve legal claims.
USES_ALLOWED_WHILE_RESTRICTED = RIGHTS_PURPOSES


def check_use_purpose(purpose: Any) -> str:
    """Return `purpose` if it is a policy purpose or a data-subject right; else Art5."""
    if not isinstance(purpose, str) or (
            purpose not in get_policy().purposes and purpose not in RIGHTS_PURPOSES):
        known = ", ".join([*get_policy().purposes, *sorted(RIGHTS_PURPOSES)])
        raise RuleViolation("purpose", "Art5", f"{purpose!r} is not a declared purpose "
                            f"(Art. 5(1)(b) GDPR); declared: {known}")
    return purpose


def is_usable(target: Person | Datum, purpose: str) -> bool:
    """True unless the person or the datum is restricted and `purpose` is not Art. 18(2)."""
    if purpose in USES_ALLOWED_WHILE_RESTRICTED:
        return True
    if isinstance(target, Datum):
        return not (target.restricted or target.person.restricted)
    return not target.restricted


def ensure_usable(target: Person | Datum, purpose: str) -> None:
    """Raise RestrictedError (rule "Art18") if `target` may not be used for `purpose`."""
    if not is_usable(target, purpose):
        what = "this person's data are" if isinstance(target, Person) else "this datum is"
        raise RestrictedError("restricted", "Art18", f"{what} restricted (Art. 18 GDPR) and "
                              f"may not be used for {purpose!r}; only "
                              f"{', '.join(sorted(USES_ALLOWED_WHILE_RESTRICTED))}")


def check_actor(actor: Any) -> str:
    """Return `actor` (a username, "system", "public" or "import") if it is usable."""
    if not isinstance(actor, str) or not actor.strip() or len(actor) > 150:
        raise RuleViolation(
            "actor", "Sec1", gettext_noop("every change needs an actor for the audit log"))
    return actor


def entry(action: str, obj: Any, *, actor: str, person: Person | None = None,
          purpose: str = "", detail: dict[str, Any] | None = None) -> dict[str, Any]:
    """The audit entry of `action` on `obj` (its "object_id" is `obj`'s pk as it is now)."""
    return {
        "actor": actor,
        "action": action,
        "object_type": obj._meta.label_lower,  # e.g. "register.email"
        "object_id": str(obj.pk),
        "person_ref": str(person.ref) if person is not None else "",
        "purpose": purpose,
        "detail": detail or {},
    }


def record(action: str, obj: Any, *, actor: str, person: Person | None = None,
           purpose: str = "", detail: dict[str, Any] | None = None) -> None:
    """Append one entry to the audit chain. `detail` holds names and keys, never values.
    Inside `batch()` the entry is collected and appended with the batch's (Sec1, #16.4)."""
    item = entry(action, obj, actor=actor, person=person, purpose=purpose, detail=detail)
    running = batching.current()
    if running is not None:
        running.audit.append(item)
        return
    audit.record(**item)
