"""Template context shared by every page: the controller named on each one (W3, Id1)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from privacydesk.policy.active import get_policy


def controller(request: HttpRequest) -> dict[str, Any]:
    return {"controller": get_policy().controller}
