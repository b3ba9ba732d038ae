from importlib import import_module
from typing import Any

from django.apps import AppConfig


class GuardConfig(AppConfig):
    name = "privacydesk.guard"
    label = "guard"
    verbose_name = "Guard"

    def ready(self) -> None:
        # Count refused staff passwords and one-time codes (W2) when the staff package
        # offers its signal; staff imports nothing of the guard.
        try:
            signals = import_module("privacydesk.staff.signals")
        except ImportError:
            return
        signals.staff_auth_failed.connect(on_staff_auth_failed,
                                          dispatch_uid="guard.staff_auth_failed")


def on_staff_auth_failed(sender: Any, request: Any = None, kind: str = "login",
                         **kwargs: Any) -> None:
    from privacydesk.guard import rules
    from privacydesk.guard.runtime import signal_request

    if request is not None:
        signal_request(request, rules.MFA_FAILED if kind == "mfa" else rules.LOGIN_FAILED)
