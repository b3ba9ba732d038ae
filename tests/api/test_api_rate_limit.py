"""A busy API client is slowed down per token, never banned as a form flood (#13.5.3, Sec3).

150 authenticated `POST /api/v1/organisations` in under a second banned the client's
address from the whole site as a "form flood" (W2). Now an authenticated call is counted
against its token only, with the policy's `[api]` limit: past it, 429 with Retry-After and
the API's error shape; the address is never registered. The count is shared by every
worker: in Redis when there is Redis, else in the database.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import redis
import time_machine
from django.test import Client, override_settings

from privacydesk.guard import runtime, tokenrate
from privacydesk.guard.models import Offender
from privacydesk.policy import active
from privacydesk.policy.loader import get_default_policy_path

from .conftest import only_error

ANNA_INTEGRATION = "198.51.100.7"   # the CRM sync of Anna's account manager
REDIS_URL = "redis://127.0.0.1:6379/0"


def _client(token: str) -> Client:
    return Client(REMOTE_ADDR=ANNA_INTEGRATION, headers={"Authorization": f"Bearer {token}"})


@pytest.fixture
def policy_limit(tmp_path: Path) -> Iterator[None]:
    """The policy with `[api] requests_per_window = 5, window_seconds = 60`."""
    before = active.configured_path()
    text = get_default_policy_path().read_text(encoding="utf-8")
    text = text.replace("requests_per_window = 6000", "requests_per_window = 5")
    path = tmp_path / "policy.toml"
    path.write_text(text, encoding="utf-8")
    active.configure(path)
    runtime.reset()
    yield
    active.configure(before)
    runtime.reset()


@pytest.fixture
def redis_store(settings: Any) -> Iterator[str]:
    prefix = f"pdtest:rate:{uuid.uuid4().hex}"
    settings.GUARD_STORE = "redis"
    settings.REDIS_URL = REDIS_URL
    settings.GUARD_REDIS_PREFIX = prefix
    runtime.reset()
    yield prefix
    client = redis.Redis.from_url(REDIS_URL)
    for key in client.scan_iter(match=f"{prefix}:*", count=1000):
        client.delete(key)
    runtime.reset()


@override_settings(GUARD_FLOOD_POSTS=30, GUARD_FLOOD_SECONDS=60)
def test_150_organisations_in_a_burst_are_all_stored_and_nobody_is_banned(token_for: Any,
                                                                          db: Any) -> None:
    sync = _client(token_for("privacy_officer"))
    statuses = [sync.post("/api/v1/organisations", {"name": f"Klant {i} BV"},
                          content_type="application/json").status_code for i in range(150)]
    assert statuses == [201] * 150
    assert not Offender.objects.exists()
    assert Client(REMOTE_ADDR=ANNA_INTEGRATION).get("/nl/").status_code == 200


def _over_the_limit(token_for: Any) -> tuple[Client, Any]:
    sync = _client(token_for("privacy_officer"))
    for _ in range(5):
        assert sync.get("/api/v1/organisations").status_code == 200
    return sync, sync.get("/api/v1/organisations")


@pytest.mark.usefixtures("policy_limit")
@pytest.mark.parametrize("store", ["database", "memory"])
def test_past_the_policys_limit_a_token_gets_429_with_retry_after(token_for: Any, db: Any,
                                                                  settings: Any,
                                                                  store: str) -> None:
    settings.GUARD_STORE = store
    runtime.reset()
    with time_machine.travel(1_800_000_010.0, tick=False):  # 10 s into a window
        sync, refused = _over_the_limit(token_for)
        assert refused.status_code == 429
        assert only_error(refused)["field"] == "Authorization"
        assert only_error(refused)["rule"] == "Sec3"
        assert "more than 5 calls in 60 seconds" in only_error(refused)["message"]
        wait = int(refused["Retry-After"])
        assert wait == 62  # 50 s to the next window, then 12 s until 5 * (1 - t/60) <= 4
        # Another account's token is not affected, nor the address for the website.
        assert _client(token_for("privacy_officer")).get("/api/v1/persons").status_code == 200
        assert Client(REMOTE_ADDR=ANNA_INTEGRATION).get("/nl/").status_code == 200
    assert not Offender.objects.exists()
    with time_machine.travel(1_800_000_010.0 + wait - 1, tick=False):
        assert sync.get("/api/v1/organisations").status_code == 429
    with time_machine.travel(1_800_000_010.0 + wait, tick=False):
        assert sync.get("/api/v1/organisations").status_code == 200


@pytest.mark.usefixtures("policy_limit")
def test_in_redis_the_limit_holds_across_workers(token_for: Any, db: Any,
                                                 redis_store: str) -> None:
    token = token_for("privacy_officer")
    statuses = []
    with time_machine.travel(1_800_000_010.0, tick=False):
        for _ in range(7):
            statuses.append(_client(token).get("/api/v1/organisations").status_code)
            runtime.reset()  # the next call is served by a fresh worker: only Redis knows
    assert statuses == [200] * 5 + [429] * 2
    assert redis.Redis.from_url(REDIS_URL).get(
        f"{redis_store}:api:{hashlib.sha256(token.encode()).hexdigest()[:32]}"
        f":{1_800_000_010 // 60}") == b"5"


def test_two_database_workers_share_one_count(db: Any) -> None:
    first, second = tokenrate.DatabaseRates(), tokenrate.DatabaseRates()
    verdicts = [worker.hit("a" * 32, 1_800_000_010.0, 60, 3)
                for worker in (first, second, first, second)]
    assert [v.allowed for v in verdicts] == [True, True, True, False]


@pytest.mark.parametrize(("current", "previous", "elapsed", "verdict"), [
    (0, 0, 0.0, tokenrate.Verdict(True)),
    (4, 0, 59.0, tokenrate.Verdict(True)),
    (5, 0, 10.0, tokenrate.Verdict(False, 62)),   # 50 s to the next window, then 12 s
    (0, 10, 30.0, tokenrate.Verdict(False, 6)),   # 10 * (1 - 36/60) = 4 < 5 at 36 s
    (2, 10, 30.0, tokenrate.Verdict(False, 18)),  # 2 + 10 * (1 - 48/60) = 4 at 48 s
])
def test_the_sliding_estimate_and_its_retry_after(current: int, previous: int,
                                                  elapsed: float,
                                                  verdict: tokenrate.Verdict) -> None:
    assert tokenrate.decide(current, previous, elapsed, 60, 5) == verdict


@pytest.mark.django_db
@override_settings(GUARD_FLOOD_POSTS=2, GUARD_FLOOD_SECONDS=600)
def test_posts_without_a_valid_token_still_count_as_a_flood() -> None:
    olaf = Client(REMOTE_ADDR="203.0.113.66", headers={"Authorization": "Bearer pd_guess"})
    for _ in range(10):
        olaf.post("/api/v1/organisations", {"name": "x"}, content_type="application/json")
    assert Offender.objects.get().evidence["rules"] == {"form_flood": 5}
