"""fail2ban's side of bench/bench_guard.py: the same signal stream as log lines, and
`fail2ban-regex` timed on them (whole command, start-up, its own figure, CPU time)."""

from __future__ import annotations

import os
import re
import resource
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from privacydesk.guard import rules  # noqa: E402

# What the application would write to syslog per signal, and a filter written like Debian's
# filter.d files (common.conf gives the syslog prefix; one failregex naming every rule).
_ANY_RULE = "|".join(rules.RULES)
SYSLOG_FILTER = f"""[INCLUDES]
before = common.conf

[Definition]
_daemon = privacydesk
failregex = ^%(__prefix_line)sguard: (?:{_ANY_RULE}) from <HOST> on \\S*$
ignoreregex =
"""
# name: (line format, filter): fail2ban with the realistic filter (the baseline of the goals),
# at its fastest (a bare regex, ISO dates, no prefix), and Debian's sshd filter.
LOGS = {
    "syslog": ("{month} {hms} web1 privacydesk[{pid}]: guard: {rule} from {address} on {path}",
               "privacydesk.conf"),
    "bare": ("{iso} {hms} privacydesk guard rule={rule} client={address} path={path}",
             r"privacydesk guard rule=\S+ client=<HOST> path=\S*$"),
    "sshd": ("{month} {hms} web1 sshd[{pid}]: Failed password for invalid user admin from "
             "{address} port {port} ssh2", "sshd"),
}


@dataclass
class Fail2ban:
    """Best-of timings of `fail2ban-regex <log> <filter>` on one log of `lines` lines."""

    lines: int
    wall: float = float("inf")       # the whole command, start-up included
    startup: float = float("inf")    # the same command on a one-line log
    processed: float = float("inf")  # fail2ban-regex's own "processed in"
    cpu: float = float("inf")        # user + system seconds of the command

    def rates(self) -> dict[str, float]:
        n = self.lines
        return {"wall": n / self.wall, "no start-up": n / max(1e-9, self.wall - self.startup),
                "processed in": n / self.processed, "cpu": n / self.cpu}


def ensure_fail2ban() -> bool:
    if not shutil.which("fail2ban-regex") and os.geteuid() == 0:
        subprocess.run(["apt-get", "install", "-y", "-q", "fail2ban"], check=False,
                       capture_output=True)
    return shutil.which("fail2ban-regex") is not None


def write_log(kind: str, events: list[tuple[str, str, str]], path: Path) -> list[str]:
    """Write `events` as a log in format `kind`; return the fail2ban-regex command for it."""
    line, regex = LOGS[kind]
    with open(path, "w") as out:
        for i, (address, rule, where) in enumerate(events):
            hms = f"12:{i // 60 % 60:02d}:{i % 60:02d}"
            out.write(line.format(month="Nov 25", iso="2026-11-25", hms=hms, pid=1000 + i % 7,
                                  rule=rule, address=address, path=where,
                                  port=40000 + i % 20000) + "\n")
    if regex.endswith(".conf"):
        # A filter file is read with its includes from its own folder.
        shutil.copy("/etc/fail2ban/filter.d/common.conf", path.parent / "common.conf")
        (path.parent / regex).write_text(SYSLOG_FILTER)
        regex = str(path.parent / regex)
    return ["fail2ban-regex", str(path), regex]


def run_fail2ban(command: list[str], lines: int) -> tuple[float, float, float]:
    """(wall seconds, CPU seconds, "processed in" seconds) of one run; every line must match."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    matched = re.search(r"Lines: (\d+) lines, \d+ ignored, (\d+) matched", done.stdout)
    if not matched or int(matched.group(1)) != lines or int(matched.group(2)) != lines:
        raise RuntimeError(f"fail2ban-regex did not match every line:\n{done.stdout[-2000:]}")
    seconds = re.search(r"processed in ([\d.]+) sec", done.stdout)
    processed = float(seconds.group(1)) if seconds else wall
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    return wall, cpu, processed


class Fail2banRunner:
    """One log per format for one stream, plus a one-line log per format for the start-up."""

    def __init__(self, events: list[tuple[str, str, str]], folder: Path, kinds: list[str]):
        self.results = {k: Fail2ban(len(events)) for k in kinds}
        self.commands = {k: write_log(k, events, folder / f"{k}.log") for k in kinds}
        self.one_line = {k: write_log(k, events[:1], folder / f"{k}-1.log") for k in kinds}

    def run(self, kind: str) -> None:
        r = self.results[kind]
        wall, cpu, processed = run_fail2ban(self.commands[kind], r.lines)
        r.wall, r.cpu, r.processed = min(r.wall, wall), min(r.cpu, cpu), min(r.processed,
                                                                                processed)
        r.startup = min(r.startup, run_fail2ban(self.one_line[kind], 1)[0])


def ratio(value: float | None, base: float | None) -> str:
    return f"{value / base:.1f}x" if value and base else "n/a"


def print_every_way(f2b: dict[str, Fail2banRunner], best: dict[str, dict[str, float]]) -> None:
    """The table of fail2ban-regex's rate measured every way, against the detectors' best
    rates per stream (`best[stream]`: "memory", "memory cpu", "redis")."""
    print("\n## fail2ban-regex measured every way, and the goal ratios against each\n")
    print("| stream | filter | measured | fail2ban lines/s | memory/fail2ban | Redis/fail2ban |")
    print("|---|---|---|---|---|---|")
    for kind in f2b:
        runs = best[kind]
        for name, result in f2b[kind].results.items():
            rates = result.rates()
            shown = [("wall", f"whole command ({result.wall:.2f} s)"),
                     ("no start-up", f"without start-up ({result.startup:.2f} s)"),
                     ("processed in", f"its own \"processed in\" ({result.processed:.2f} s)")]
            for key, label in shown if name == "syslog" else shown[:1]:
                print(f"| {kind} | {name} | {label} | {rates[key]:,.0f} "
                      f"| {ratio(runs['memory'], rates[key])} "
                      f"| {ratio(runs['redis'], rates[key])} |")
            if name == "syslog":
                print(f"| {kind} | {name} | CPU seconds (memory: {runs['memory cpu']:,.0f}/s) "
                      f"| {rates['cpu']:,.0f} | {ratio(runs['memory cpu'], rates['cpu'])} | |")
