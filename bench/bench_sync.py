"""Benchmark `privacydesk systems sync directory`: the staff directory as a system of record
(#16.4).

    .venv/bin/python bench/bench_sync.py [--staff 1000] [--database sqlite|postgres]

Starts the slapd the systems' tests start (tests/systems/servers/ldap.py), fills a subtree
with `staff` employees under ou=people and a tenth of them again under ou=former (one LDAP add
each on one connection), declares the directory as InFactor's default policy does (its
dataset file with [sync] and directory-sync.toml) and syncs it into a fresh register four
times: (a) the first sync, every entry a new person; (b) again, every entry unchanged —
nothing may be written; (c) after every employee's e-mail address changed, every entry an
update; (d) after a tenth of the staff moved to ou=former, their employee roles ended.
Listing the directory alone (`LdapConnector.people`) is timed too. Prints one JSON object:
entries per second by the wall clock and by this process's CPU time, and SQL statements per
entry, per pass.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from common import setup  # noqa: E402  (bench/ is on sys.path when run as a script)

from tests.systems.servers.ldap import Slapd, Tree  # noqa: E402

_GIVEN = ["Anna", "Bram", "Carla", "Daan", "Eva", "Fleur", "Gijs", "Hanna", "Joris", "Lotte"]
_FAMILY = ["de Vries", "Bakker", "Jansen", "Smit", "Visser", "van Dijk", "Mulder", "Meijer"]


def _fill(tree: Tree, staff: int) -> None:
    with tree.admin() as admin:
        for ou in ("people", "former"):
            admin.add(f"ou={ou},{tree.base}", ["organizationalUnit"])
        for n in range(staff):
            where = "former" if n % 10 == 9 else "people"
            given, family = _GIVEN[n % len(_GIVEN)], _FAMILY[n % len(_FAMILY)]
            admin.add(f"uid=u{n},ou={where},{tree.base}", ["inetOrgPerson"], {
                "cn": f"{given} {family}", "givenName": given, "sn": family,
                "mail": f"u{n}@infactor.example", "telephoneNumber": f"050 {5_000_000 + n}",
                "employeeNumber": f"E-{n:06d}", "uid": f"u{n}"})


def _change(tree: Tree, staff: int, *, mails: bool = False, leave: bool = False) -> None:
    from ldap3 import MODIFY_REPLACE

    with tree.admin() as admin:
        for n in range(staff):
            where = "former" if n % 10 == 9 else "people"
            dn = f"uid=u{n},ou={where},{tree.base}"
            if mails:
                admin.modify(dn, {"mail": [(MODIFY_REPLACE, [f"u{n}.new@infactor.example"])]})
            if leave and n % 10 == 0:
                admin.modify_dn(dn, f"uid=u{n}", new_superior=f"ou=former,{tree.base}")


def _timed(run: Any) -> tuple[float, float, Any, int]:
    """(wall seconds, CPU seconds of this process, the result, SQL statements run)."""
    from django.db import connection

    statements = 0

    def count(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        nonlocal statements
        statements += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        start, cpu = time.perf_counter(), time.process_time()
        result = run()
        seconds, cpu_seconds = time.perf_counter() - start, time.process_time() - cpu
    return seconds, cpu_seconds, result, statements


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--staff", type=int, default=1000)
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite")
    args = parser.parse_args()
    env = setup(args.database, "bench_sync")
    root = Path(tempfile.mkdtemp(prefix="bench-sync-slapd-"))
    server = Slapd(root)
    try:
        import os

        from privacydesk.policy.active import get_policy
        from privacydesk.systems import sync
        from privacydesk.systems.declared import of_mapping

        tree = server.tree()
        _fill(tree, args.staff)
        os.environ["PRIVACYDESK_SYSTEM_DIRECTORY_URL"] = tree.url
        declaration = get_policy().system("directory")
        declared = of_mapping(declaration)
        folder = sync.dataset_dir_of(declaration)

        def run() -> sync.SyncReport:
            return sync.sync(declared, dataset_dir=folder)

        from privacydesk.systems import registry

        connector: Any = registry.connect("ldap", declared.connection())
        selection = {k: v for k, v in declared.dataset["sync"].items()
                     if k not in ("map", "former_role")}
        names = ["employeeNumber", "givenName", "sn", "mail", "telephoneNumber"]
        start = time.perf_counter()
        listed = list(connector.people(selection, names))
        results: dict[str, Any] = {"staff": args.staff, "database": args.database,
                                   "list": {"wall": len(listed) / (time.perf_counter()
                                                                   - start)}}
        passes = [("created", lambda: None), ("unchanged", lambda: None),
                  ("updated", lambda: _change(tree, args.staff, mails=True)),
                  ("left", lambda: _change(tree, args.staff, leave=True))]
        for what, before in passes:
            before()
            wall, cpu, report, statements = _timed(run)
            done = report.imported
            if what == "left":
                assert report.ended == args.staff // 10, report
            else:
                assert getattr(done, what) == args.staff and not done.refused, (what, done)
            results[what] = {"wall": args.staff / wall, "cpu": args.staff / cpu,
                             "statements_per_entry": statements / args.staff,
                             "seconds": wall}
        print(json.dumps(results))
    finally:
        server.stop()
        shutil.rmtree(root, ignore_errors=True)
        env.close()


if __name__ == "__main__":
    main()
