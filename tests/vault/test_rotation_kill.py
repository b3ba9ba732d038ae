"""Sec1: `keys rotate` can be killed outright (SIGKILL, power loss) at any moment without
losing a value, and running it again finishes the job."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

WORKER = Path(__file__).with_name("rotation_worker.py")
ROOT = WORKER.parents[2]


def worker(data_dir: Path, mode: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(WORKER), str(data_dir), mode], cwd=ROOT,
                          capture_output=True, text=True, timeout=300, check=True)


@pytest.mark.slow
def test_a_rotation_killed_with_sigkill_loses_nothing_and_a_rerun_finishes(tmp_path):
    worker(tmp_path, "setup")

    proc = subprocess.Popen([sys.executable, str(WORKER), str(tmp_path), "rotate"], cwd=ROOT,
                            stdout=subprocess.PIPE, text=True)
    try:
        for _ in range(3):  # let a few batches commit, then pull the plug mid-batch
            assert proc.stdout.readline().startswith("batch")
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait(timeout=30)
        proc.stdout.close()
    assert proc.returncode == -signal.SIGKILL

    after_kill, after_rerun = worker(tmp_path, "finish").stdout.splitlines()
    rotated, waiting = map(int, after_kill.split())
    assert rotated + waiting == 60 and 10 <= rotated < 60  # stopped part-way, nothing lost
    assert after_rerun.split() == ["60", "0"]  # every value opens, all under the new key


@pytest.mark.slow
def test_a_rotation_with_its_worker_process_opens_every_value_under_the_new_key(tmp_path):
    """On a database file the batches ahead are re-encrypted by a worker process."""
    worker(tmp_path, "setup")
    assert worker(tmp_path, "workers").stdout.split() == ["1", "60"]
    after, after_rerun = worker(tmp_path, "finish").stdout.splitlines()
    assert after.split() == after_rerun.split() == ["60", "0"]
