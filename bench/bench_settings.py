"""Settings for bench_web.py: privacydesk's own, with the bench-only URLconf."""

from privacydesk.project.settings import *  # noqa: F403

ROOT_URLCONF = "bench_urls"
