"""A1, A2: access to client servers. No package records such access yet, so both promises
are reported as not verifiable — never as passing."""

from __future__ import annotations

from django.apps import apps

from privacydesk.check.registry import CheckResult, check, not_verifiable

_WHY = ("no server-access register exists yet (grants, approvals and their use are not "
        "recorded by privacydesk), so there is nothing on live data to check")


def _reason() -> str:
    if apps.is_installed("privacydesk.access"):
        return "privacydesk.access exists but its check has not been written yet"
    return _WHY


@check("A1", "Access to client servers only for service agreements and urgent repairs")
def access_basis() -> CheckResult:
    return not_verifiable("A1", _reason())


@check("A2", "Server access used only for the described action")
def access_scope() -> CheckResult:
    return not_verifiable("A2", _reason())
