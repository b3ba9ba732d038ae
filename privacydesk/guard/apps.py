from datetime import date
from typing import Any

from django.apps import AppConfig


class GuardConfig(AppConfig):
    name = "privacydesk.guard"
    label = "guard"
    verbose_name = "Guard"

    def ready(self) -> None:
        from privacydesk.retention.registry import register_prune_job

        register_prune_job("guard registrations", prune_registrations)
        # #15: staff read the rules' labels, not their names.
        from privacydesk.guard import rule_labels

        rule_labels.register()
        # Count refused staff passwords and one-time codes (W2): the guard stands on staff
        # (lint-imports), which imports nothing of the guard and only sends its signal.
        from privacydesk.staff.signals import staff_auth_failed

        staff_auth_failed.connect(on_staff_auth_failed, dispatch_uid="guard.staff_auth_failed")


def prune_registrations(day: date) -> int:
    """W2/R1, the daily prune job: break-in registrations past their period (a ban's end
    is a moment, not a day: `day` plays no part)."""
    from privacydesk.guard import services

    return int(services.prune_expired())


def on_staff_auth_failed(sender: Any, request: Any = None, kind: str = "login",
                         **kwargs: Any) -> None:
    from privacydesk.guard import rules
    from privacydesk.guard.runtime import signal_request

    if request is not None:
        signal_request(request, rules.MFA_FAILED if kind == "mfa" else rules.LOGIN_FAILED)
