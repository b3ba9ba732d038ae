"""Benchmark `privacydesk import persons`: rows per second with every rule applied (#16.4).

    .venv/bin/python bench/bench_import.py                        # 100,000 rows, SQLite
    .venv/bin/python bench/bench_import.py --rows 2000 --database postgres

Generates a CSV of `rows` customers and prospects (external id, role, name, e-mail, phone,
address; `;`-separated with a BOM, as Dutch Excel writes it) and imports it three times in
a fresh register through `register.importing` (every row through the register's services):
(a) the first import, every row a new person; (b) the same file again, every row unchanged;
(c) a file with every row's phone number changed, every row an update. Goal: (a) >= 1,000
rows/s on SQLite. Prints one JSON object: per pass rows/s by the wall clock and by this
process's CPU time (the machine is shared: CPU time is the steadier number) and SQL
statements per row; `bench/run.py` turns it into rows of the table. `--profile N` runs the
first import under cProfile instead and prints its N most expensive functions (cumulative
and own time) to standard error: where the time goes next.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from common import setup  # noqa: E402  (bench/ is on sys.path when run as a script)

GOAL = 1000  # rows/s on SQLite, every rule applied (issue #16, "Speed")

MAP = """
[import]
origin = "bench"
external_id = "Relatienummer"
purpose = "written_contact"
basis = "legitimate_interests"

[role]
column = "Soort"
values = { Klant = "customer", Prospect = "prospect" }

[columns]
Voornaam = "names.given_names"
Tussenvoegsel = "names.infix"
Achternaam = "names.family_name"
"E-mail" = "email.address"
Telefoon = "phone.number"
Straat = "address.street"
Huisnummer = "address.house_number"
Postcode = "address.postcode"
Plaats = "address.city"
"""

_GIVEN = ["Anna", "Bram", "Carla", "Daan", "Eva", "Fleur", "Gijs", "Hanna", "Joris", "Lotte"]
_FAMILY = [("de", "Vries"), ("", "Bakker"), ("", "Jansen"), ("", "Smit"), ("", "Visser"),
           ("van", "Dijk"), ("", "Mulder"), ("de", "Boer"), ("", "Meijer"), ("van der", "Berg")]
_CITIES = ["Groningen", "Assen", "Zwolle", "Leeuwarden", "Utrecht"]


def write_file(path: Path, rows: int, phone_offset: int = 0) -> None:
    """`rows` people, deterministic; `phone_offset` changes every phone number."""
    rng = random.Random(16)
    with path.open("w", encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out, delimiter=";")
        writer.writerow(["Relatienummer", "Soort", "Voornaam", "Tussenvoegsel", "Achternaam",
                         "E-mail", "Telefoon", "Straat", "Huisnummer", "Postcode", "Plaats"])
        for n in range(rows):
            infix, family = _FAMILY[rng.randrange(len(_FAMILY))]
            given = _GIVEN[rng.randrange(len(_GIVEN))]
            writer.writerow([
                f"K-{n:07d}", "Klant" if n % 3 else "Prospect", given, infix, family,
                f"{given.lower()}.{n}@example.nl", f"06{(10_000_000 + n + phone_offset):08d}",
                "Hoofdstraat", str(1 + n % 200), f"{1000 + n % 8999} AB",
                _CITIES[n % len(_CITIES)]])


def _profiled(path: Path, imap: object, top: int) -> None:
    """The first import under cProfile; its `top` functions to standard error."""
    import cProfile
    import pstats

    from privacydesk.register import importing

    profile = cProfile.Profile()
    profile.runcall(importing.import_persons, path, imap)  # type: ignore[arg-type]
    stats = pstats.Stats(profile, stream=sys.stderr)
    stats.sort_stats("cumulative").print_stats(top)
    stats.sort_stats("tottime").print_stats(top)


def _timed(path: Path, imap: object) -> tuple[float, float, object, int]:
    """(wall seconds, CPU seconds of this process, the report, SQL statements run)."""
    from django.db import connection

    from privacydesk.register import importing

    statements = 0

    def count(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        nonlocal statements
        statements += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        start, cpu = time.perf_counter(), time.process_time()
        report = importing.import_persons(path, imap, progress=True)  # type: ignore[arg-type]
        seconds, cpu_seconds = time.perf_counter() - start, time.process_time() - cpu
    return seconds, cpu_seconds, report, statements


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--profile", type=int, metavar="N", default=0,
                        help="profile the first import; print its N costliest functions")
    args = parser.parse_args()
    env = setup(args.database, "bench_import")
    try:
        from privacydesk.register import importing

        folder = Path(tempfile.mkdtemp(dir=env.data_dir))
        (folder / "map.toml").write_text(MAP, encoding="utf-8")
        first, changed = folder / "persons.csv", folder / "changed.csv"
        write_file(first, args.rows)
        write_file(changed, args.rows, phone_offset=1)
        imap = importing.load_map(folder / "map.toml")
        if args.profile:
            _profiled(first, imap, args.profile)
            return
        results = {}
        for what, path in (("created", first), ("unchanged", first), ("updated", changed)):
            wall, cpu, report, statements = _timed(path, imap)
            assert getattr(report, what) == args.rows, (what, report)
            results[what] = {"wall": args.rows / wall, "cpu": args.rows / cpu,
                             "statements_per_row": statements / args.rows}
        print(json.dumps({"rows": args.rows, **results}))
    finally:
        env.close()


if __name__ == "__main__":
    main()
