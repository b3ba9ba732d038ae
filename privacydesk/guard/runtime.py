"""The guard of this process: detector, ban list and client resolver, built once from the
settings (conf.load) and shared by the middleware, the CSRF view and the staff signal.

`signal_request(request, rule)` is the one entry point for a break-in signal: it hashes and
counts (nothing is written that names the client), and only on a crossing registers the
offender and bans it at once in this worker. Nothing here logs (W1).
"""

from __future__ import annotations

import hashlib
import threading
import time
from typing import Any

from django.conf import settings
from django.http import HttpRequest

from privacydesk.guard import conf, net, rules
from privacydesk.guard.bans import BanList
from privacydesk.guard.detector import Detector, Limits
from privacydesk.guard.keys import KeyRing
from privacydesk.guard.resubmit import Resubmissions
from privacydesk.guard.stores.memory import MemoryStore
from privacydesk.guard.tokenrate import Verdict

_lock = threading.Lock()
_guard: Guard | None = None


class Guard:
    """Everything the request path needs, built from one GuardConf."""

    def __init__(self, c: conf.GuardConf) -> None:
        self.conf = c
        self.resolver = net.ClientResolver(c.trusted_proxies)
        self.bans = BanList(c.ban_refresh_seconds)
        store, self.token_rates = _stores(c)
        self.detector = Detector(store)
        # Form-post floods are counted per worker, in memory only: an ordinary post must not
        # touch Redis or the database. A flood becomes one shared signal.
        flood_limits = Limits(min(c.flood_posts, 60), c.flood_seconds)
        self.flood = Detector(MemoryStore(
            flood_limits, KeyRing(max(c.rotate_seconds, c.flood_seconds), c.flood_seconds),
            max_bytes=4 << 20))
        self.resubmissions = Resubmissions()

    def subject(self, request: HttpRequest) -> str | None:
        meta = request.META
        address = self.resolver.client_address(
            meta.get("REMOTE_ADDR", ""), meta.get("HTTP_X_FORWARDED_FOR"))
        return net.subject_of(address)

    def signal(self, request: HttpRequest, rule: str) -> bool:
        """Count one break-in signal from the request's client; True when it is banned now."""
        subject = self.subject(request)
        if subject is None or self.bans.is_allowed(subject):
            return False
        path = rules.evidence_path(request.path, _parameter_names(request))
        crossing = self.detector.signal(subject, rule, path)
        if crossing is None:
            return self.bans.is_banned(subject)
        from privacydesk.guard import services

        offender = services.register_offender(crossing.subject, crossing.evidence)
        if offender is None or offender.ban_until is None:
            return False
        self.bans.note_ban(offender.address, offender.ban_until.timestamp())
        return True

    def note_post(self, request: HttpRequest) -> bool:
        """Count a form post in this worker; a flood sends one shared signal. True if banned."""
        subject = self.subject(request)
        if subject is None:
            return False
        if self.flood.signal(subject, rules.FORM_FLOOD, request.path) is None:
            return False
        return self.signal(request, rules.FORM_FLOOD)

    def note_refused_form(self, request: HttpRequest) -> None:
        """The form post was answered with a validation error: its re-submission is free."""
        subject = self.subject(request)
        if subject is not None:
            self.resubmissions.grant(subject, request.path)

    def is_resubmission(self, request: HttpRequest) -> bool:
        """True (and the pass is used) when this post re-sends a form that validation refused:
        it is not counted again (#13.5.4). One pass per refusal: a re-submission refused in
        its turn earns none, so a client sending only refused posts is counted on every
        other one."""
        subject = self.subject(request)
        return subject is not None and self.resubmissions.take(subject, request.path)

    def token_rate(self, token_digest: str) -> Verdict:
        """Count one authenticated API call of the token with this SHA-256 hex digest
        against the policy's [api] limit (Sec3); never a break-in signal."""
        c = self.conf
        return self.token_rates.hit(token_digest[:32], time.time(), c.api_window_seconds,
                                    c.api_requests)


def _parameter_names(request: HttpRequest) -> list[str]:
    names = list(request.GET.keys())
    if request.method == "POST" and str(request.META.get("CONTENT_TYPE", "")).startswith(
            "application/x-www-form-urlencoded"):
        names += list(request.POST.keys())
    return names


def _pepper() -> bytes:
    return hashlib.blake2b(str(settings.SECRET_KEY).encode(), person=b"pd-guard").digest()


def _stores(c: conf.GuardConf) -> tuple[Any, Any]:
    """The break-in counters' store and the API tokens' rates, both where `c.store` says
    (one Redis client for the two)."""
    from privacydesk.guard import tokenrate

    limits = Limits(c.threshold, c.window_seconds)
    if c.store == "redis":
        import redis

        from privacydesk.guard.stores.redis import RedisStore

        client = redis.Redis.from_url(c.redis_url, socket_timeout=2, socket_connect_timeout=2)
        return (RedisStore(limits, client, c.redis_prefix, _pepper(), c.rotate_seconds),
                tokenrate.RedisRates(client, c.redis_prefix))
    if c.store == "database":
        from privacydesk.guard.stores.database import DatabaseStore

        return DatabaseStore(limits, _pepper(), c.rotate_seconds), tokenrate.DatabaseRates()
    return (MemoryStore(limits, KeyRing(c.rotate_seconds, c.window_seconds),
                        max_bytes=c.memory_cap_bytes), tokenrate.MemoryRates())


def get_guard() -> Guard:
    """This process's guard, built on first use."""
    global _guard
    guard = _guard
    if guard is None:
        with _lock:
            if _guard is None:
                _guard = Guard(conf.load())
            guard = _guard
    return guard


def reset() -> None:
    """Drop this process's guard (tests, settings changes); the next use rebuilds it."""
    global _guard
    with _lock:
        _guard = None


def signal_request(request: HttpRequest, rule: str) -> bool:
    """Count a break-in signal for `request`; True when its client is banned now."""
    return get_guard().signal(request, rule)
