"""A real `privacydesk worker` killed by SIGKILL while a task runs (#15): the next worker
finds the task of the dead process, marks it failed ("worker lost") and tries the run
again, which then succeeds — nothing stays "running" for ever.

The task that is running when the kill comes is the request tick waiting for a mailbox
that accepts the connection and never greets (a listening socket nobody serves): a real
hang, as a mail server that stopped answering causes. Real processes on a real database
(tests/jobs/test_worker.py's fixture); the queue is never mocked.
"""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
from typing import Any

from tests.jobs.test_worker import (  # noqa: F401 - database_env is a fixture
    ROOT,
    SETUP,
    _query,
    _stop,
    _wait_for,
    _worker,
    database_env,
)

LOST = "privacydesk.jobs.lost.WorkerLost"


def test_a_worker_killed_mid_task_leaves_no_task_running_and_its_run_is_tried_again(
        database_env: dict[str, Any]) -> None:  # noqa: F811 - the imported fixture
    env = database_env
    subprocess.run([sys.executable, "-c", SETUP], env=env, check=True, cwd=ROOT, timeout=300)
    with socket.socket() as hung_mailbox:
        hung_mailbox.bind(("127.0.0.1", 0))
        hung_mailbox.listen(8)
        port = hung_mailbox.getsockname()[1]
        first = _worker({**env, "PRIVACYDESK_IMAP_URL": f"imap://desk:x@127.0.0.1:{port}/"})
        try:
            started = ("SELECT slot FROM jobs_periodicrun WHERE job = 'requests-tick' AND "
                       "started_at IS NOT NULL AND outcome = 'pending'")
            _wait_for(env, f"SELECT count(*) FROM ({started}) AS s", [(1,)])
            (slot,), = _query(env, started)
            _wait_for(env, "SELECT count(*) FROM django_tasks_database_dbtaskresult WHERE "
                           "status = 'RUNNING'", [(1,)])
            first.send_signal(signal.SIGKILL)   # without warning, mid-task
            first.wait(timeout=30)
        finally:
            if first.poll() is None:
                first.kill()
                first.wait(timeout=30)
    # The mailbox is gone now (refused at once): the retry's tick goes on without it.
    second = _worker(env)
    try:
        _wait_for(env, "SELECT outcome, attempts FROM jobs_periodicrun WHERE "
                       f"job = 'requests-tick' AND slot = '{slot}'", [("ok", 2)])
        # The dead worker's task: failed as lost, no longer running.
        of_first = ("SELECT status, exception_class_path FROM "
                    "django_tasks_database_dbtaskresult WHERE CAST(worker_ids AS TEXT) "
                    f"LIKE '%-{first.pid}-%'")
        assert ("FAILED", LOST) in _query(env, of_first)
        assert not [row for row in _query(env, of_first) if row[0] == "RUNNING"]
    finally:
        assert _stop(second) == 0, second.stderr.read()  # type: ignore[union-attr]
