"""The systems' retention line of `privacydesk check` (#16.3, R1): what is due in the other
systems was swept there, or its failure is open and named, and a system privacydesk cannot
sweep is reviewed by its owner in time. Read from what the sweeps and reviews recorded
(`privacydesk.systems.retaining.findings`), never by calling a system."""

from __future__ import annotations

from privacydesk.check.common import plural
from privacydesk.check.registry import FAIL, PASS, WARN, CheckResult, result
from privacydesk.check.runner import need_app
from privacydesk.check.systems import system_line


@system_line("systems-retained", "What is due in the other systems is swept there or "
             "reviewed by its owner", "R1 R3")
def systems_retention() -> CheckResult:
    """FAIL for a failing or stopped sweep and an overdue review; WARN for a system never
    swept or reviewed yet; PASS otherwise (see `retaining.findings`)."""
    need_app("systems", "the systems package (privacydesk.systems)")
    from privacydesk.systems import retaining

    found = retaining.findings()
    details = [*found.failures, *found.warnings, *found.fine]
    total = plural(len(details), "system")
    if found.failures:
        return result("systems-retained", FAIL, f"{len(found.failures)} of {total}: due "
                      "records not swept, or a review overdue", details)
    if found.warnings:
        return result("systems-retained", WARN, f"{len(found.warnings)} of {total} not "
                      "swept or reviewed yet", details)
    return result("systems-retained", PASS, f"{total}: swept or reviewed in time", details)
