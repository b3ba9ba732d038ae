"""`Policy`: the whole loaded policy and the rules that read it (pure, no Django).

Every check raises `RuleViolation(field, rule, message)` with an English message that names
the promise it defends, so the API and the back office can show it unchanged.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from types import MappingProxyType
from zoneinfo import ZoneInfo

from privacydesk.policy import dates, retention
from privacydesk.policy.api_limits import ApiPolicy
from privacydesk.policy.backups import BackupPolicy
from privacydesk.policy.callbacks import Readiness, readiness
from privacydesk.policy.errors import RuleViolation
from privacydesk.policy.incidents import IncidentPolicy
from privacydesk.policy.model import (
    CallbackPolicy,
    Category,
    Controller,
    GuardPolicy,
    LegalBasis,
    Period,
    Purpose,
    RequestPolicy,
    RetentionPolicy,
    RoleDef,
    Source,
    StaffRole,
    StatementMeta,
)
from privacydesk.policy.obligations import LegalObligation
from privacydesk.policy.retention import RetentionDecision, RetentionFacts, RoleLimit
from privacydesk.policy.staff_accounts import StaffAccountPolicy
from privacydesk.policy.systems import SystemDeclaration


def _or_list(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " or " + words[-1]


@dataclass(frozen=True)
class Policy:
    """A complete, validated policy. Built only by the loader; never half-filled."""

    file: str
    statement: StatementMeta
    controller: Controller
    roles: Mapping[str, RoleDef]
    categories: Mapping[str, Category]
    legal_bases: Mapping[str, LegalBasis]
    purposes: Mapping[str, Purpose]
    sources: Mapping[str, Source]
    staff_roles: Mapping[str, StaffRole]
    retention: RetentionPolicy
    requests: RequestPolicy
    callbacks: CallbackPolicy
    guard: GuardPolicy
    staff_accounts: StaffAccountPolicy   # sign-in delays per account, token lifetime
    api: ApiPolicy = ApiPolicy()         # rate limit per API token (Sec3)
    backups: BackupPolicy = BackupPolicy()   # how recent the newest backup must be (Sec1)
    # D1: the declared statutory duties to disclose (policy.obligations); none by default.
    legal_obligations: Mapping[str, LegalObligation] = field(
        default_factory=lambda: MappingProxyType({}))
    # Sec5/R1: how long incidents and their reporters' details are kept (policy.incidents).
    incidents: IncidentPolicy = IncidentPolicy(Period(months=6), Period(months=6))
    # #16.1: where personal data live (policy.systems); the loader always fills it, with
    # at least the register itself.
    systems: tuple[SystemDeclaration, ...] = ()

    # -- #16.1: the declared systems ---------------------------------------------------------
    def system(self, system_id: str) -> SystemDeclaration:
        """The declared system `system_id`; KeyError naming the declared ids otherwise."""
        for system in self.systems:
            if system.id == system_id:
                return system
        raise KeyError(f"{system_id!r} is not a declared system; declared: "
                       f"{', '.join(s.id for s in self.systems)}")

    # -- C2..C5: which data may be held for whom -------------------------------------------
    def check_may_hold(self, category: str, roles: Iterable[str],
                       admin_account: bool = False) -> None:
        """Refuse holding `category` data for a person with `roles`.

        C2: only the declared categories. C3/C4/C5 (the category's promise): only for the
        category's allowed roles; C4 also needs an administrator account.
        """
        cat = self._category(category)
        held = sorted({roles} if isinstance(roles, str) else set(roles))  # one role as a str
        unknown = [r for r in held if r not in self.roles]
        if unknown:
            raise RuleViolation("roles", "S1", f"{unknown[0]!r} is not a role this policy "
                                f"knows (S1); known roles: {', '.join(self.roles)}")
        if cat.allowed_roles.isdisjoint(held):
            allowed = [self.roles[r].plural("en") for r in self.roles if r in cat.allowed_roles]
            has = f"this person's roles: {', '.join(held)}" if held else "this person has no role"
            raise RuleViolation("category", cat.promise, f"{cat.label('en')} may only be held "
                                f"for {_or_list(allowed)} ({cat.promise}); {has}")
        if cat.requires_admin_account and not admin_account:
            raise RuleViolation("category", cat.promise, f"{cat.label('en')} may only be held "
                                f"for administrator accounts ({cat.promise}); this is not one")

    def _category(self, category: str) -> Category:
        try:
            return self.categories[category]
        except KeyError:
            raise RuleViolation("category", "C2", f"{category!r} is not a category of personal "
                                f"data this policy allows (C2); allowed: "
                                f"{', '.join(self.categories)}") from None

    # -- P1..P3 and GDPR Art. 5(1)(b), 6(1) ------------------------------------------------------
    def check_purpose(self, purpose: str, basis: str, has_agreement: bool) -> None:
        """Refuse a purpose/basis pair the policy does not allow.

        Unknown purpose: field "purpose", rule "Art5" (purpose limitation, Art. 5(1)(b)).
        Unknown basis or one not allowed for the purpose: field "legal_basis", rule "Art6".
        A purpose that needs an agreement without one linked: field "purpose", rule "P3".
        """
        spec = self.purposes.get(purpose)
        if spec is None:
            raise RuleViolation("purpose", "Art5", f"{purpose!r} is not a purpose this policy "
                                f"declares (Art. 5(1)(b) GDPR); declared: "
                                f"{', '.join(self.purposes)}")
        if basis not in self.legal_bases:
            raise RuleViolation("legal_basis", "Art6", f"{basis!r} is not a legal basis of "
                                f"Art. 6(1) GDPR; use one of {', '.join(self.legal_bases)}")
        if basis not in spec.bases:
            raise RuleViolation("legal_basis", "Art6", f"purpose {purpose!r} may not rest on "
                                f"{basis!r} (Art. 6(1) GDPR); allowed: "
                                f"{', '.join(sorted(spec.bases))}")
        if spec.requires_agreement and not has_agreement:
            raise RuleViolation("purpose", "P3", f"purpose {purpose!r} needs a linked agreement "
                                "(P3); none was given")

    # -- C1 ------------------------------------------------------------------------------------
    def check_source(self, source: str) -> None:
        """Refuse a datum whose source is not one the statement names (C1)."""
        if source not in self.sources:
            raise RuleViolation("source", "C1", f"{source!r} is not a declared source of data "
                                f"(C1); declared: {', '.join(self.sources)}")

    # -- staff (Sec1, Sec4): deny by default ---------------------------------------------------
    def staff_may_see(self, staff_role: str, category: str) -> bool:
        """True only if `staff_role` is declared and lists `category`."""
        role = self.staff_roles.get(staff_role)
        return role is not None and category in role.categories

    def staff_may(self, staff_role: str, permission: str) -> bool:
        """True only if `staff_role` is declared and holds `permission` (see PERMISSIONS)."""
        role = self.staff_roles.get(staff_role)
        return role is not None and permission in role.permissions

    # -- R1..R3 -----------------------------------------------------------------------------------
    def retention_decision(self, category: str | None, purpose: str, basis: str,
                           facts: RetentionFacts) -> RetentionDecision:
        """The deletion date and the rule, law and promise that decided it.

        `category` None means a record outside the register (e.g. a break-in registration).
        Unknown category/purpose/basis raise RuleViolation (C2 / Art5 / Art6). The contract
        is in `privacydesk.policy.retention`.
        """
        limit = None if category is None else self.role_limit(category)
        if purpose not in self.purposes or basis not in self.legal_bases:
            self.check_purpose(purpose, basis, has_agreement=True)
        return retention.decide(self.retention, category, purpose, basis, facts, limit)

    def role_limit(self, category: str) -> RoleLimit | None:
        """The roles that allow `category` when not every role does (C3..C5), else None.

        Data of a role-limited category fall due when the last allowing role ends
        (`policy.retention`); unknown category: RuleViolation C2."""
        cat = self._category(category)
        if cat.allowed_roles >= frozenset(self.roles):
            return None
        return RoleLimit(cat.allowed_roles, cat.promise)

    def deletion_date(self, category: str | None, purpose: str, basis: str,
                      facts: RetentionFacts) -> date | None:
        """The date the datum must be deleted; None while that cannot be known yet (an
        agreement or employment still runs, or an open-ended legal hold applies)."""
        return self.retention_decision(category, purpose, basis, facts).date

    # -- P2 ---------------------------------------------------------------------------------------
    def written_contact_readiness(self, attempts: Iterable[tuple[datetime, str]]
                                  ) -> Readiness:
        """How far the call log of (moment, outcome) pairs is from allowing written contact
        (P2): counted failed calls, their days, the next moment a call counts. The contract
        is in `privacydesk.policy.callbacks`; days are the controller's time zone's."""
        return readiness(self.callbacks, attempts, ZoneInfo(self.controller.time_zone))

    def check_written_contact(self, attempts: Iterable[tuple[datetime, str]]) -> None:
        """Refuse written contact (RuleViolation, field "channel", rule "P2") unless phone
        contact has failed by the policy's rule."""
        ready = self.written_contact_readiness(attempts)
        if not ready.allowed:
            raise RuleViolation("channel", "P2", ready.reason())

    # -- Rt6, GDPR Art. 12(3) ---------------------------------------------------------------------
    def request_deadlines(self, received: datetime) -> tuple[datetime, datetime]:
        """(statement deadline, legal deadline) for a request received at `received`; the
        legal month on the calendar of `controller.time_zone` (see dates.request_deadlines)."""
        return dates.request_deadlines(received, self.requests.deadline_days,
                                       self.requests.legal_limit_months,
                                       ZoneInfo(self.controller.time_zone))
