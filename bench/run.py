"""privacydesk benchmarks: one markdown table, every measurement against its goal.

    .venv/bin/python bench/run.py [--people N] [--full] [--database sqlite|postgres|both]

Each database is measured in its own child process (Django reads DATABASE_URL once), in a
throw-away data folder and, for PostgreSQL, a database created and dropped for the run:
- bench_lookup.py: demo population (people/s), e-mail lookup through the service layer vs.
  bare HMAC + indexed SELECT (shown, no goal), GET /api/v1/persons?email= via gunicorn
  (goal: median <= 5 ms, p95 <= 10 ms, <= 2x the floor: the API's token check without data,
  `/api/bench/floor` in bench_urls.py, interleaved in the same run);
- bench_requests.py (on the population bench_lookup cached): the access report in-process
  (goal: median <= 20 ms), GET /api/v1/requests/{uid}/report (median <= 30 ms, <= 5x the
  floor), erasure with rows deleted (median <= 50 ms);
- bench_import.py: `import persons` of a generated file through every rule (goal: >= 1,000
  rows/s on SQLite), and of the same file again;
- bench_systems.py (once, not per database): access (find + export) and erasure with the
  re-search across five real servers of `--systems-people` people each (goals: medians
  <= 1 s and <= 2 s);
- bench_vault.py (the vault's own benchmark, called when present): `audit verify`
  entries/s (goal >= 200,000/s) and `keys rotate` (re-wrap) seconds at N people (goal
  <= 10 s at 1M).
`--from-head` runs the committed code (a `git archive HEAD` snapshot) instead of the
working tree, so a half-edited shared checkout cannot disturb the numbers.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
from datetime import datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import ROOT, Row, markdown_table  # noqa: E402

GENERATION_GOAL = 1_000_000 / 600  # one million people in ten minutes at most
IMPORT_GOAL = 1_000  # rows/s, `import persons` with every rule applied (#16 "Speed")
SYSTEMS_ACCESS_GOAL, SYSTEMS_ERASURE_GOAL = 1.0, 2.0  # s, medians, five systems (#16)


def _child(root: Path, args: list[str]) -> dict[str, Any]:
    """Run a benchmark script under `root`; return the JSON object it prints last."""
    done = subprocess.run([sys.executable, *args], cwd=root, stdout=subprocess.PIPE,
                          env=dict(os.environ, PYTHONPATH=str(root)), check=True, text=True)
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def vault_child(database: str, rows: int) -> None:
    """(child) Call the vault engineer's bench_vault functions; print their results as JSON."""
    import bench_vault
    from common import setup

    env = setup(database, "bench_vault")
    try:
        results = bench_vault.bench_audit(rows) + bench_vault.bench_rotation(rows)
    finally:
        env.close()
    rates: dict[str, float] = {}
    for label, n, timing in results:
        if label.startswith("keys rotate"):
            rates["keys rotate seconds"] = timing.wall
            continue
        # Older versions return seconds; newer a Clock with wall and CPU seconds.
        clock: Any = timing
        wall, cpu = (clock.wall, clock.cpu) if hasattr(clock, "wall") else (clock, None)
        rates[label.strip()] = n / wall
        if cpu:
            rates[label.strip() + " (cpu)"] = n / cpu
    print(json.dumps(rates))


def _us(seconds: float) -> str:
    return f"{seconds * 1e6:,.0f} µs"


def lookup_rows(db: str, r: dict[str, Any]) -> list[Row]:
    (s_med, s_p95), (b_med, b_p95) = r["service"], r["baseline"]
    h_med, h_p95 = r["http"]
    rows = []
    if r["generation_seconds"] is not None:  # None: a cached population (--reuse-population)
        rate = r["people"] / r["generation_seconds"]
        rows.append(Row(db, f"demo population, {r['people']:,} people", f"{rate:,.0f} people/s",
                        "—", "—", "1M in ≤ 10 min (≥ 1,667/s)", rate >= GENERATION_GOAL))
    return rows + [
        Row(db, f"e-mail lookup, service layer, median ({r['samples']:,} addresses)",
            _us(s_med), _us(b_med), f"{s_med / b_med:.2f}×", "— (the API rows are the goal)",
            None),
        Row(db, "e-mail lookup, service layer, p95", _us(s_p95), _us(b_p95),
            f"{s_p95 / b_p95:.2f}×", "—", None),
        *http_rows(db, "GET /api/v1/persons?email=", r, 0.005, 0.010, 2),
    ]


def http_rows(db: str, what: str, r: dict[str, Any], median_goal: float,
              p95_goal: float | None, floor_goal: float) -> list[Row]:
    """An API operation's median and p95 against its goals in ms and as a ratio to the
    floor (the same server answering a token check without data, in the same run)."""
    (med, p95), floor = r["http"], r.get("http_floor")
    f_med, f_p95 = floor if floor else (float("nan"), float("nan"))
    return [
        Row(db, f"{what}, median ({r['http_samples']:,} requests)", f"{med * 1e3:.2f} ms",
            f"{f_med * 1e3:.2f} ms floor", f"{med / f_med:.2f}×",
            f"≤ {median_goal * 1e3:.0f} ms, ≤ {floor_goal:g}× the floor",
            med <= median_goal and med / f_med <= floor_goal),
        Row(db, f"{what}, p95", f"{p95 * 1e3:.2f} ms", f"{f_p95 * 1e3:.2f} ms floor",
            f"{p95 / f_p95:.2f}×", f"≤ {p95_goal * 1e3:.0f} ms" if p95_goal else "—",
            p95 <= p95_goal if p95_goal else None),
    ]


def requests_rows(db: str, r: dict[str, Any]) -> list[Row]:
    (a_med, _), (e_med, e_p95) = r["access"], r["erasure"]
    return [
        Row(db, f"access report in-process, median ({r['access_samples']:,} people)",
            f"{a_med * 1e3:.2f} ms", f"{r['access_baseline'][0] * 1e3:.2f} ms bare reads",
            f"{a_med / r['access_baseline'][0]:.2f}×", "≤ 20 ms", a_med <= 0.020),
        *http_rows(db, "GET /api/v1/requests/{uid}/report", r, 0.030, None, 5),
        Row(db, f"erasure with rows deleted, median ({r['erasure_samples']:,} people)",
            f"{e_med * 1e3:.2f} ms", "—", "—", "≤ 50 ms", e_med <= 0.050),
        Row(db, "erasure with rows deleted, p95", f"{e_p95 * 1e3:.2f} ms", "—", "—", "—",
            None),
    ]


def vault_rows(db: str, rows: int, r: dict[str, Any]) -> list[Row]:
    verify, hmac_rate = r["audit verify"], r["baseline: bare HMAC in memory"]
    rotate = r["keys rotate seconds"]
    verify_cpu = r.get("audit verify (cpu)")
    cpu = f" (CPU time: {verify_cpu:,.0f}/s)" if verify_cpu else ""
    return [
        Row(db, f"audit verify, {rows:,} entries", f"{verify:,.0f} entries/s{cpu}",
            f"{hmac_rate:,.0f}/s bare HMAC", f"{verify / hmac_rate:.0%}", "≥ 200,000/s",
            verify >= 200_000),
        Row(db, f"keys rotate (re-wrap), {rows:,} people", f"{rotate:.2f} s", "—", "—",
            "≤ 10 s at 1M", rotate <= 10),
    ]


def import_rows(db: str, r: dict[str, Any]) -> list[Row]:
    """`privacydesk import persons` (bench_import.py): rows/s of the first import (goal on
    SQLite) and of the same file again (nothing changes), by wall clock and CPU time."""
    created, unchanged = r["created"], r["unchanged"]
    goal = f"≥ {IMPORT_GOAL:,}/s on SQLite" if db == "sqlite" else "—"
    return [
        Row(db, f"import persons, {r['rows']:,} new rows, every rule "
            f"({created['statements_per_row']:.1f} SQL statements per row)",
            f"{created['wall']:,.0f} rows/s (CPU time: {created['cpu']:,.0f}/s)", "—", "—",
            goal, created["wall"] >= IMPORT_GOAL if db == "sqlite" else None),
        Row(db, f"import persons, the same {r['rows']:,} rows again (unchanged)",
            f"{unchanged['wall']:,.0f} rows/s", "—", "—", "—", None),
    ]


def systems_rows(r: dict[str, Any]) -> list[Row]:
    """bench_systems.py: access and erasure across the five real systems (#16), with each
    system's own median beside them (which one is slow)."""
    (a_med, a_p95), (e_med, e_p95) = r["access"], r["erasure"]
    alone = ", ".join(f"{k} {v[0]:.2f} s" for k, v in r["access_alone"].items())
    each = ", ".join(f"{k} {v[0]:.2f} s" for k, v in r["erasure_per_system"].items())
    what = f"{r['people']:,} people each, {r['tickets']:,} tickets"
    failed = f"; failed: {'; '.join(r['access_failed'])}" if r["access_failed"] else ""
    return [
        Row("systems", f"access, 5 systems in parallel, find + export, median ({what}, "
            f"{r['access_runs']} runs{failed})", f"{a_med:.2f} s", alone, "—", "≤ 1 s",
            a_med <= SYSTEMS_ACCESS_GOAL and not failed),
        Row("systems", "access, 5 systems, p95", f"{a_p95:.2f} s", "—", "—", "—", None),
        Row("systems", f"erasure + re-search, 5 systems, median ({r['erasures']} people)",
            f"{e_med:.2f} s", each, "—", "≤ 2 s", e_med <= SYSTEMS_ERASURE_GOAL),
        Row("systems", "erasure + re-search, 5 systems, p95", f"{e_p95:.2f} s", "—", "—", "—",
            None),
    ]


def _snapshot() -> Path:
    """The committed code (git archive HEAD) in a temporary folder."""
    target = Path(tempfile.mkdtemp(prefix="privacydesk-head-"))
    archive = subprocess.run(["git", "archive", "HEAD"], cwd=ROOT, check=True,
                             stdout=subprocess.PIPE).stdout
    subprocess.run(["tar", "-x", "-C", str(target)], input=archive, check=True)
    return target


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--people", type=int, help="population size (default 100,000; "
                        "1,000,000 with --full)")
    parser.add_argument("--full", action="store_true", help="the full-size run (1M people)")
    parser.add_argument("--database", choices=("sqlite", "postgres", "both"), default="both")
    parser.add_argument("--samples", type=int, default=3000, help="addresses looked up")
    parser.add_argument("--http-samples", type=int, default=2000, help="API requests")
    parser.add_argument("--request-samples", type=int, default=300,
                        help="people reported on, requested over the API and erased")
    parser.add_argument("--vault-rows", type=int, default=100_000,
                        help="audit entries and sealed fields for the vault benchmark")
    parser.add_argument("--no-vault", action="store_true", help="skip bench_vault.py")
    parser.add_argument("--import-rows", type=int, default=10_000,
                        help="rows of bench_import.py's generated file (the goal is a rate; "
                             "0 skips it)")
    parser.add_argument("--systems-people", type=int, default=10_000,
                        help="people in each of bench_systems.py's five servers (0 skips it)")
    parser.add_argument("--systems-tickets", type=int, default=10_000,
                        help="Redmine tickets of bench_systems.py")
    parser.add_argument("--reuse-population", action="store_true",
                        help="copy a cached population (bench/common.py `populated`) instead of "
                        "generating one; generation is then not measured")
    parser.add_argument("--from-head", action="store_true",
                        help="benchmark the committed code, not the working tree")
    parser.add_argument("--vault-child", nargs=2, metavar=("DATABASE", "ROWS"),
                        help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.vault_child:
        vault_child(args.vault_child[0], int(args.vault_child[1]))
        return
    people = args.people or (1_000_000 if args.full else 100_000)
    root = _snapshot() if args.from_head else ROOT
    databases = ("sqlite", "postgres") if args.database == "both" else (args.database,)
    rows: list[Row] = []
    try:
        for db in databases:
            try:
                result = _child(root, ["bench/bench_lookup.py", "--database", db, "--people",
                                       str(people), "--samples", str(args.samples),
                                       "--http-samples", str(args.http_samples)]
                                + (["--reuse-population"] if args.reuse_population else []))
                rows += lookup_rows(db, result)
            except subprocess.CalledProcessError:
                rows.append(Row(db, "register benchmark failed (see stderr)", "—", "—", "—",
                                "—", False))
            try:
                result = _child(root, ["bench/bench_requests.py", "--database", db,
                                       "--people", str(people), "--samples",
                                       str(args.request_samples), "--reuse-population"])
                rows += requests_rows(db, result)
            except subprocess.CalledProcessError:
                rows.append(Row(db, "requests benchmark failed (see stderr)", "—", "—", "—",
                                "—", False))
            if not args.no_vault and (root / "bench" / "bench_vault.py").exists():
                try:
                    vault = _child(root, ["bench/run.py", "--vault-child", db,
                                          str(args.vault_rows)])
                    rows += vault_rows(db, args.vault_rows, vault)
                except (subprocess.CalledProcessError, KeyError):
                    rows.append(Row(db, "vault benchmark failed (see stderr)", "—", "—",
                                    "—", "—", False))
            if args.import_rows:
                try:
                    result = _child(root, ["bench/bench_import.py", "--database", db,
                                           "--rows", str(args.import_rows)])
                    rows += import_rows(db, result)
                except subprocess.CalledProcessError:
                    rows.append(Row(db, "import benchmark failed (see stderr)", "—", "—",
                                    "—", "—", False))
            print(markdown_table(rows), file=sys.stderr)  # so far, in case a later step fails
        if args.systems_people:   # the five systems hold no register: once, not per database
            try:
                result = _child(root, ["bench/bench_systems.py", "--people",
                                       str(args.systems_people), "--tickets",
                                       str(args.systems_tickets)])
                rows += systems_rows(result)
            except subprocess.CalledProcessError:
                rows.append(Row("systems", "systems benchmark failed (see stderr)", "—", "—",
                                "—", "—", False))
    finally:
        if args.from_head:
            shutil.rmtree(root, ignore_errors=True)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"\nprivacydesk benchmarks, {datetime.now():%Y-%m-%d %H:%M}, {platform.python_version()}"
          f", {os.cpu_count()} CPUs, load average {load:.1f} at the end\n")
    print(markdown_table(rows))


if __name__ == "__main__":
    main()
