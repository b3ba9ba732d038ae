"""Settings for the guard's live-server tests: the real settings plus a Redis prefix and a
store chosen by the test (environment variables of the test, not of privacydesk)."""

import os

from privacydesk.project.settings import *  # noqa: F403

GUARD_REDIS_PREFIX = os.environ.get("GUARD_TEST_REDIS_PREFIX", "privacydesk:guard")
GUARD_STORE = os.environ.get("GUARD_TEST_STORE", "")
GUARD_BAN_REFRESH_SECONDS = float(os.environ.get("GUARD_TEST_BAN_REFRESH", "1.0"))
