"""What the benchmark scripts share: a throw-away environment, timing statistics, the table.

Every benchmark runs in a fresh data folder (its own key file) and, on PostgreSQL, in a
database created for the run and dropped afterwards, so nothing touches a real register.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

PG_SERVER = "postgres://postgres@127.0.0.1:5432"


@dataclass
class BenchEnv:
    """The temporary data folder and (PostgreSQL) database of one benchmark process."""

    database: str
    data_dir: str
    pg_name: str | None = None

    def close(self) -> None:
        """Drop the benchmark database and remove the data folder."""
        if self.pg_name is not None:
            from django.db import connections

            connections.close_all()
            import psycopg

            with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{self.pg_name}" WITH (FORCE)')
        shutil.rmtree(self.data_dir, ignore_errors=True)


def setup(database: str, prefix: str, *, template: str | None = None) -> BenchEnv:
    """Point Django at a fresh data folder (and PostgreSQL database), set it up, migrate.

    `template` names a cached population (see `populated`): its data folder is copied and,
    on PostgreSQL, the database is created as a copy of the cached one.
    """
    env = BenchEnv(database, tempfile.mkdtemp(prefix=f"{prefix}-"))
    if template is not None:
        shutil.copytree(CACHE_DIR / template, env.data_dir, dirs_exist_ok=True)
    os.environ["DJANGO_SETTINGS_MODULE"] = "privacydesk.project.settings"
    os.environ["PRIVACYDESK_DATA_DIR"] = env.data_dir
    os.environ["PRIVACYDESK_ENV"] = "development"
    os.environ["PRIVACYDESK_SCHEDULER"] = "off"  # no daily sweep inside a measurement
    for name in ("PRIVACYDESK_KEYS", "PRIVACYDESK_KEY_FILE", "PRIVACYDESK_POLICY"):
        os.environ.pop(name, None)
    if database == "postgres":
        import psycopg

        env.pg_name = f"{prefix}_{os.getpid()}"
        with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
            copy = f' TEMPLATE "{template}"' if template is not None else ""
            conn.execute(f'CREATE DATABASE "{env.pg_name}"{copy}')
        os.environ["DATABASE_URL"] = f"{PG_SERVER}/{env.pg_name}"
    else:
        os.environ.pop("DATABASE_URL", None)
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", interactive=False, verbosity=0)
    return env


CACHE_DIR = Path(os.environ.get("PRIVACYDESK_BENCH_CACHE", "/var/tmp/privacydesk-bench"))


def _population_key(database: str, people: int) -> str:
    """A name for a generated population: database, size, and a digest of what shapes it
    (every migration and the generator), so a schema change never reuses a stale copy."""
    digest = hashlib.sha256()
    sources = sorted((ROOT / "privacydesk").glob("*/migrations/*.py"))
    sources += [ROOT / "privacydesk" / "demo" / "population.py"]
    for path in sources:
        digest.update(path.name.encode() + path.read_bytes())
    return f"bench_pop_{database}_{people}_{digest.hexdigest()[:10]}"


def populated(database: str, prefix: str, people: int, *,
              reuse: bool) -> tuple[BenchEnv, float | None]:
    """A benchmark environment holding `people` generated people; (env, generation seconds).

    With `reuse`, the population is taken from the cache under `PRIVACYDESK_BENCH_CACHE`
    (default /var/tmp/privacydesk-bench; PostgreSQL keeps a template database beside it)
    when one for this schema exists, and the generation time is None; otherwise it is
    generated, timed, and (with `reuse`) stored for the next run. A million people take
    eight minutes to generate; copying them takes seconds.
    """
    key = _population_key(database, people)
    if reuse and (CACHE_DIR / key / "complete").exists():
        return setup(database, prefix, template=key), None
    env = setup(database, prefix)
    from privacydesk.demo import population

    start = time.perf_counter()
    population.generate(people, progress=True)
    seconds = time.perf_counter() - start
    if reuse:
        _store(env, key)
    return env, seconds


def _store(env: BenchEnv, key: str) -> None:
    """Keep a copy of `env`'s population under `key` (data folder; PostgreSQL template)."""
    from django.db import connections

    connections.close_all()  # SQLite: checkpoints the WAL; PostgreSQL: frees the source db
    target = CACHE_DIR / key
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(env.data_dir, target)
    if env.pg_name is not None:
        import psycopg

        with psycopg.connect(f"{PG_SERVER}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{key}"')
            conn.execute(f'CREATE DATABASE "{key}" TEMPLATE "{env.pg_name}"')
    (target / "complete").write_text("ok\n")


def median_p95(samples: list[float]) -> tuple[float, float]:
    """(median, 95th percentile) of `samples`."""
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[int(0.95 * (len(ordered) - 1))]


@dataclass(frozen=True)
class Row:
    """One line of the benchmark table."""

    database: str
    measurement: str
    value: str
    baseline: str
    ratio: str
    goal: str
    passed: bool | None  # None: no goal


def markdown_table(rows: list[Row]) -> str:
    """The rows as a markdown table."""
    lines = ["| database | measurement | value | baseline | ratio | goal | result |",
             "|---|---|---:|---:|---:|---|---|"]
    for r in rows:
        result = "" if r.passed is None else ("pass" if r.passed else "FAIL")
        lines.append(f"| {r.database} | {r.measurement} | {r.value} | {r.baseline} | "
                     f"{r.ratio} | {r.goal} | {result} |")
    return "\n".join(lines)
