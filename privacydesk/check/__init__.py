"""privacydesk check: verify every promise of the privacy statement on live data.

Public API: `run_checks(only=None) -> list[CheckResult]`, `any_failed(results)`, the
statuses PASS / IDLE / WARN / FAIL / NOT_VERIFIABLE, and `report.render(results, fmt)` /
`report.write_pdf(results, path)`. See docs/check.md.
"""

from privacydesk.check.registry import (
    FAIL,
    IDLE,
    NOT_VERIFIABLE,
    PASS,
    PROMISES,
    WARN,
    CheckResult,
)
from privacydesk.check.runner import any_failed, run_checks

__all__ = ["FAIL", "IDLE", "NOT_VERIFIABLE", "PASS", "PROMISES", "WARN", "CheckResult",
           "any_failed", "run_checks"]
