"""[backups]: how often an encrypted backup must be taken (Sec1, Art. 32(1)(c) GDPR).

The statement promises measures against loss; a backup is only such a measure while it is
recent. `privacydesk check` fails Sec1 when the newest backup still on disk is older than
`interval_days` (docs/check.md). Taking the backup is the deployment's job (`privacydesk
backup create` from cron or a systemd timer); how long backups are kept is the retention
rule `backups` (R1).

The section is optional (absent: a backup is expected every day); given, it must name
`interval_days`.
"""

from __future__ import annotations

from dataclasses import dataclass

from privacydesk.policy._reader import Table
from privacydesk.policy.schema import limits

#: A backup older than a month does not restore availability "in a timely manner".
MIN_INTERVAL_DAYS, MAX_INTERVAL_DAYS = limits("backups", "interval_days")


@dataclass(frozen=True)
class BackupPolicy:
    interval_days: int = 1   # the newest backup may be at most this many days old


def backups_section(t: Table | None) -> BackupPolicy:
    """Read the optional [backups] table (None: the default); PolicyError names the key and
    the rule for a missing or non-integer interval_days, one outside 1..31, or an unknown
    key."""
    if t is None:
        return BackupPolicy()
    policy = BackupPolicy(interval_days=t.integer("interval_days", MIN_INTERVAL_DAYS,
                                                      MAX_INTERVAL_DAYS))
    t.close()
    return policy
