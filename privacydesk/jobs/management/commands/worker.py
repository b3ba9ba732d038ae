"""`privacydesk worker`: the background jobs' process (thin over jobs.worker.run)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandParser

from privacydesk.console.command import PrivacydeskCommand, float_min


class Command(PrivacydeskCommand):
    help = ("Run the background jobs: the daily retention sweep, the mailbox and request "
            "deadlines, the audit anchor, and every queued task. Any number may share one "
            "PostgreSQL database.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--interval", default=1.0, type=float_min(0.1),
                            help="Seconds between looks at the queue when it is empty. "
                                 "(default: 1.0)")
        parser.add_argument("--once", action="store_true",
                            help="Enqueue what is due, run every ready task, exit.")

    def handle(self, *args: Any, interval: float, once: bool, **_: Any) -> None:
        from privacydesk.jobs import worker as jobs_worker

        jobs_worker.run(interval=interval, once=once)
