"""Benchmark the search by what the other systems know a person by (#16, two rounds).

    .venv/bin/python bench/bench_identities.py [--people 10000] [--runs 20]
        [--systems crm,mailbox]

Starts the servers bench_systems.py starts for `--systems` (the same filling: `people`
plausible Dutch people in each) and searches for one person whom the register knows by her
e-mail address only, while the CRM also holds her phone number (which the mailbox and the
CRM can be searched by):

- one round: `systems.calls.search(systems, subject)` — the search before #16's expansion;
- two rounds: `systems.searching.search_expanded(...)` — the first round, the identities
  its records hold beyond the subject (checked against the register's index:
  `subjects.shared`), and every system declaring such a kind searched again.

Both over `runs` searches in the same process, alternating, after one unmeasured warm-up of
each; median and p95, and the ratio of the medians. The register is a fresh SQLite database
(bench/common.py), so `shared` runs its real indexed queries. Prints one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import uuid
from contextlib import ExitStack
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import bench_systems, common  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--systems", default="crm,mailbox")
    args = parser.parse_args()
    env = common.setup("sqlite", "bench-identities")
    try:
        from privacydesk.systems import calls, searching
        from privacydesk.systems.connector import Subject

        folk = bench_systems.population(args.people)
        declared = bench_systems.declarations()
        wanted = [w.strip() for w in args.systems.split(",") if w.strip()]
        starters = {"crm": lambda: bench_systems.postgres_crm(folk),
                    "accounting": lambda: bench_systems.mariadb_accounting(folk),
                    "mailbox": lambda: bench_systems.dovecot_mailbox(folk),
                    "directory": lambda: bench_systems.slapd_directory(folk)}
        with ExitStack() as stack:
            for system_id in wanted:
                url = stack.enter_context(starters[system_id]())
                os.environ[f"PRIVACYDESK_SYSTEM_{system_id.upper()}_URL"] = url
            systems = [declared[s] for s in wanted]
            full = folk[len(folk) // 2].subject()
            # The register knows her e-mail address (and name) only; the CRM her phone too.
            subject = Subject(name=full.name, emails=full.emails)
            ref = str(uuid.uuid4())
            calls.search(systems, subject)
            _answers, expansion, _via = searching.search_expanded(systems, subject,
                                                                   person_ref=ref)
            added = expansion.kinds()
            one, two = [], []
            for _ in range(args.runs):
                start = time.perf_counter()
                calls.search(systems, subject)
                one.append(time.perf_counter() - start)
                start = time.perf_counter()
                searching.search_expanded(systems, subject, person_ref=ref)
                two.append(time.perf_counter() - start)
            load = os.getloadavg()
    finally:
        env.close()
    m1, p1 = bench_systems._quantiles(one)
    m2, p2 = bench_systems._quantiles(two)
    print(json.dumps({"people": args.people, "systems": wanted, "runs": args.runs,
                      "identities_added": added, "one_round": [m1, p1],
                      "two_rounds": [m2, p2], "ratio": m2 / m1 if m1 else None,
                      "load": load}))


if __name__ == "__main__":
    main()
