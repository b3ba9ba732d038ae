"""Sec1: `keys reencrypt` can be killed outright (SIGKILL, power loss) at any moment without
losing a value, and `keys reencrypt --resume` finishes the job."""

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
def test_a_reencrypt_killed_with_sigkill_loses_nothing_and_a_resume_finishes(tmp_path):
    worker(tmp_path, "setup")

    proc = subprocess.Popen([sys.executable, str(WORKER), str(tmp_path), "reencrypt"],
                            cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        for _ in range(3):  # three batches commit; the plug is pulled inside the fourth
            assert proc.stdout.readline().startswith("batch")
            if _ < 2:
                proc.stdin.write("\n")
                proc.stdin.flush()
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait(timeout=30)
        proc.stdout.close()
        proc.stdin.close()
    assert proc.returncode == -signal.SIGKILL

    after_kill, after_rerun = worker(tmp_path, "finish").stdout.splitlines()
    assert after_kill.split() == ["10", "50"]  # two batches of 5 committed, nothing lost
    assert after_rerun.split() == ["60", "0"]  # every value opens, all under the new key
