"""A1, A2: access to client servers, proven on the stored grants.

A1: every grant comes from a request tied to an agreement that ran on the day it was issued
and covers the server, or to an urgent repair with the client's reference and the client
who asked. A2: every grant was approved by someone other than the requester, for a described
action, for at most the configured cap, never past the end of its agreement, and its
issue is in the audit chain. The rules themselves live in privacydesk.access.rules.
"""

from __future__ import annotations

from django.apps import apps

from privacydesk.check.common import plural
from privacydesk.check.registry import CheckResult, check, not_verifiable, verdict
from privacydesk.policy import clock

_MISSING = "privacydesk.access is not installed: server access is not recorded here"


def _grants():  # type: ignore[no-untyped-def]
    from privacydesk.access.models import Grant

    return Grant.objects.select_related("request", "request__server", "request__agreement")


@check("A1", "Access to client servers only for service agreements and urgent repairs")
def access_basis() -> CheckResult:
    if not apps.is_installed("privacydesk.access"):
        return not_verifiable("A1", _MISSING)
    from privacydesk.access import rules
    from privacydesk.access.models import AccessRequest

    failures, total, repairs = [], 0, 0
    for grant in _grants().iterator():
        total += 1
        req = grant.request
        repairs += req.basis == AccessRequest.REPAIR
        problem = rules.basis_problem(req, clock.day_of(grant.issued_at))
        if problem:
            failures.append(f"grant #{grant.pk} (serial {grant.serial}): {problem[1]}")
    return verdict("A1", failures,
                   f"{plural(total, 'grant')}, each under a running agreement covering its "
                   f"server or an urgent repair the client asked for",
                   "grants without an agreement or a client's repair request",
                   [f"{plural(repairs, 'grant')} for urgent repairs"] if repairs else [],
                   examined=total, idle_summary="nothing to check yet: no server access "
                   "granted")


@check("A2", "Server access used only for the described action")
def access_scope() -> CheckResult:
    if not apps.is_installed("privacydesk.access"):
        return not_verifiable("A2", _MISSING)
    from privacydesk.access import rules
    from privacydesk.vault.models import AuditEntry

    logged = set(AuditEntry.objects.filter(object_type="access.grant", action="grant")
                 .values_list("object_id", flat=True))
    failures, total = [], 0
    for grant in _grants().iterator():
        total += 1
        problems = rules.grant_problems(grant, grant.request)
        if str(grant.pk) not in logged:
            problems.append("its issue is not in the audit chain")
        failures += [f"grant #{grant.pk} (serial {grant.serial}): {p}" for p in problems]
    return verdict("A2", failures,
                   f"{plural(total, 'grant')}, each approved by someone else for a described "
                   f"action, at most {rules.max_minutes()} minutes, within its agreement, "
                   "and logged", "grants beyond what was approved", examined=total,
                   idle_summary="nothing to check yet: no server access granted")
