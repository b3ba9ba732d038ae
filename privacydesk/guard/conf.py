"""The guard's settings in one place: the rules from the policy, the machinery from Django.

The policy (`[guard]` in the policy TOML) decides *when* an address is an offender and for how
long it is banned and registered (W2). Django settings only tune the machinery, with safe
defaults, so no rule is copied here:

    GUARD_STORE              "redis" | "database" | "memory" (default: redis when REDIS_URL
                             is set, else database)
    GUARD_REDIS_PREFIX       key prefix in Redis (default "privacydesk:guard")
    GUARD_MEMORY_CAP_BYTES   cap of the in-memory counters (default 64 MiB)
    GUARD_ROTATE_SECONDS     life of one hashing secret (default: the larger of the window
                             and one hour)
    GUARD_BAN_REFRESH_SECONDS  how stale a worker's copy of the ban list may be (default 2)
    GUARD_FLOOD_POSTS / GUARD_FLOOD_SECONDS  form posts from one client in one worker that
                             count as a flood signal (default 30 per 60 seconds)
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings

from privacydesk.policy.active import get_policy


@dataclass(frozen=True)
class GuardConf:
    threshold: int
    window_seconds: int
    ban_seconds: int
    ban_multiplier: int
    max_ban_seconds: int
    registration_days: int
    store: str
    redis_url: str
    redis_prefix: str
    memory_cap_bytes: int
    rotate_seconds: int
    ban_refresh_seconds: float
    flood_posts: int
    flood_seconds: int
    trusted_proxies: tuple[str, ...]
    api_requests: int = 6000          # policy [api]: calls per token per api_window_seconds
    api_window_seconds: int = 60


def load() -> GuardConf:
    """Read the policy's guard rules and the Django knobs now (cheap; cached by runtime)."""
    policy = get_policy()
    rules, api = policy.guard, policy.api
    redis_url = str(getattr(settings, "REDIS_URL", "") or "")
    store = getattr(settings, "GUARD_STORE", "") or ("redis" if redis_url else "database")
    if store not in ("redis", "database", "memory"):
        raise ValueError(f"GUARD_STORE: must be redis, database or memory, got {store!r}")
    return GuardConf(
        threshold=rules.threshold,
        window_seconds=rules.window_seconds,
        ban_seconds=rules.ban_seconds,
        ban_multiplier=rules.ban_multiplier,
        max_ban_seconds=rules.max_ban_seconds,
        registration_days=rules.registration_days,
        store=store,
        redis_url=redis_url,
        redis_prefix=getattr(settings, "GUARD_REDIS_PREFIX", "privacydesk:guard"),
        memory_cap_bytes=int(getattr(settings, "GUARD_MEMORY_CAP_BYTES", 64 << 20)),
        rotate_seconds=int(getattr(settings, "GUARD_ROTATE_SECONDS",
                                   max(rules.window_seconds, 3600))),
        ban_refresh_seconds=float(getattr(settings, "GUARD_BAN_REFRESH_SECONDS", 2.0)),
        flood_posts=int(getattr(settings, "GUARD_FLOOD_POSTS", 30)),
        flood_seconds=int(getattr(settings, "GUARD_FLOOD_SECONDS", 60)),
        trusted_proxies=tuple(getattr(settings, "PRIVACYDESK_TRUSTED_PROXIES", ()) or ()),
        api_requests=api.requests_per_window,
        api_window_seconds=api.window_seconds,
    )
