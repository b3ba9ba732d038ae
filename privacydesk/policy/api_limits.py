"""[api]: the rate limit of each API token (Sec3: rate limits as a security layer; #13.5.3).

An authenticated API client is a colleague's program, not a visitor: it is limited per
token, never banned as an address. A token may make `requests_per_window` calls within
any `window_seconds` (a sliding estimate over two windows); past that it is answered 429
with Retry-After until the estimate is under the limit again. The public-form flood rule
of the break-in guard (W2) is separate and does not count authenticated API calls.

The section and each of its keys are optional; absent keys take the defaults below.
"""

from __future__ import annotations

from dataclasses import dataclass

from privacydesk.policy._reader import Table
from privacydesk.policy.schema import bounds


@dataclass(frozen=True)
class ApiPolicy:
    requests_per_window: int = 6000   # calls one token may make ...
    window_seconds: int = 60          # ... within this many seconds


# key -> (minimum, maximum), declared once in the key catalogue (docs/policy.md).
_BOUNDS = bounds("api")


def api_section(t: Table | None) -> ApiPolicy:
    """Read the optional [api] table (None: the defaults); PolicyError names the key and the
    rule for a wrong type, a value out of bounds or an unknown key."""
    if t is None:
        return ApiPolicy()
    values = {key: t.integer(key, low, high) for key, (low, high) in _BOUNDS.items()
              if t.has(key)}
    t.close()
    return ApiPolicy(**values)
