"""Benchmark archive-only in InFactor's accounting database (#16, R3, C2).

    .venv/bin/python bench/bench_archive.py [--people 10000] [--erasures 10]

Starts the MariaDB the systems' tests start and fills it as bench/bench_systems.py does
(`people` customers, one invoice each, all of 2025), declared as the default policy does
(archive-only under "fiscal-records"). Measures, through the SQL connector as the systems app
drives it (as `retaining.keeping` does, without privacydesk's own database):

- an erasure's try in the accounting: find, erase keeping the fiscal rule's categories (the
  customer's phone and e-mail emptied), the re-search — beside the find alone, which is what
  the try did before (everything kept), in the same run;
- the sweep once every invoice is past its seven years (1 January 2033): due, expire
  (each invoice deleted, each customer row anonymised, one transaction), due again.

Prints one JSON object: medians and 95th percentiles in seconds, rows per second.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench_systems import (  # noqa: E402  (bench/ is on sys.path when run as a script)
    _quantiles,
    declarations,
    mariadb_accounting,
    population,
)

from privacydesk.policy import get_default_policy_path  # noqa: E402
from privacydesk.policy.dates import add_period  # noqa: E402
from privacydesk.policy.loader import load_policy  # noqa: E402
from privacydesk.systems import calls  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--erasures", type=int, default=10)
    args = parser.parse_args()
    folk = population(args.people)
    system = declarations()["accounting"]
    policy = load_policy(get_default_policy_path())
    rule = next(r for r in policy.retention.rules if r.id == system.retention)
    with mariadb_accounting(folk) as url:
        os.environ["PRIVACYDESK_SYSTEM_ACCOUNTING_URL"] = url
        connector = calls.connector_of(system)
        keeping = connector.keeping(sorted(rule.categories), rule.law.get("nl"))  # type: ignore[attr-defined]
        keeping.ping()
        found_only, erased = [], []
        for k in range(args.erasures):
            who = folk[(k * 7919 + 13) % len(folk)].subject()
            began = time.perf_counter()
            connector.find(who)
            found_only.append(time.perf_counter() - began)
            began = time.perf_counter()
            records = keeping.find(who)
            outcomes = keeping.erase(records, who)
            again = keeping.find(who)
            erased.append(time.perf_counter() - began)
            left = [r for r in again if not r.kept]
            if not records or left or not any(o.action == "anonymised" for o in outcomes):
                raise SystemExit(f"{who.name}: found {len(records)}, left {len(left)}")
        day = date(2033, 1, 1)
        began = time.perf_counter()
        due = [r for r in keeping.due(day) if r.dated is not None
               and add_period(date(r.dated.year, 12, 31), rule.period) <= day]
        listed = time.perf_counter() - began
        gone = keeping.expire(due)
        expired = time.perf_counter() - began - listed
        still = keeping.due(day)
        swept = time.perf_counter() - began
    print(json.dumps({
        "people": args.people, "erasures": args.erasures,
        "find_only": _quantiles(found_only), "erasure_keeping": _quantiles(erased),
        "sweep": {"due": len(due), "done": len(gone), "left": len(still),
                  "list_seconds": round(listed, 2), "expire_seconds": round(expired, 2),
                  "total_seconds": round(swept, 2),
                  "rows_per_second": round(len(gone) / expired, 1) if expired else None},
        "load": os.getloadavg()}))


if __name__ == "__main__":
    main()
