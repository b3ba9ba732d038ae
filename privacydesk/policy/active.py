"""The active policy for the running application (no Django here).

The Django side calls `configure(settings.PRIVACYDESK_POLICY)` once at start-up; everything
else calls `get_policy()`. The file is loaded lazily on first use and cached; `configure()`
again (tests, a reload) drops the cache. `None` means the embedded default policy.
A defective file raises `PolicyError` from `get_policy()` and nothing is cached, so the
application never runs on half a policy.
"""

from __future__ import annotations

import threading
from pathlib import Path

from privacydesk.policy.loader import get_default_policy_path, load_policy
from privacydesk.policy.policy import Policy

_lock = threading.Lock()
_path: Path | None = None
_cached: Policy | None = None


def configure(path: str | Path | None) -> None:
    """Use the policy at `path` from now on (None: the embedded default). Not loaded yet."""
    global _path, _cached
    with _lock:
        _path = Path(path) if path is not None and str(path) != "" else None
        _cached = None


def configured_path() -> Path:
    """The file `get_policy()` reads."""
    return _path if _path is not None else get_default_policy_path()


def get_policy() -> Policy:
    """The active policy, loaded once and cached; PolicyError if the file is defective."""
    global _cached
    cached = _cached
    if cached is not None:
        return cached
    with _lock:
        if _cached is None:
            _cached = load_policy(configured_path())
        return _cached
