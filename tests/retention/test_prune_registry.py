"""R1 for the system's own data: every app registers its own prune job (and plan source) with
retention's registry (#14 item 4), the daily prune runs every registered job, the plan shows
every registered source, and every prune function a retention declaration names is really
run, so declarations.py stays true."""

from __future__ import annotations

import ast
from collections import Counter
from collections.abc import Callable
from datetime import date, timedelta
from importlib import import_module
from pathlib import Path

import pytest
from django.apps import apps
from django.utils import timezone

from privacydesk.policy import clock
from privacydesk.retention import plan, registry
from privacydesk.retention.declarations import RETENTION
from privacydesk.retention.prune import prune_system

pytestmark = [pytest.mark.django_db, pytest.mark.dates]

#: The counts operators have always read after `privacydesk retention sweep` (user-visible).
KNOWN_COUNTS = {"guard registrations", "audit entries", "backups", "replay refs",
                "disclosure records", "access records", "request export files",
                "incident records", "confirmation counts", "task results",
                # the systems app (#16.3): sealed subjects; R1 in the other systems
                "system task subjects", "systems: retention sweep",
                "systems: retention reviews"}

#: Declared prune functions run by another periodic job than the daily sweep: target → job.
RUN_BY_ANOTHER_JOB = {"privacydesk.requests.clock.tick": "requests-tick"}


def _spy(monkeypatch: pytest.MonkeyPatch, path: str, called: set[str]) -> None:
    """Record calls of the function at dotted `path` and call it through (no stand-in)."""
    module_name, _, name = path.rpartition(".")
    module = import_module(module_name)
    real: Callable[..., object] = getattr(module, name)

    def recording(*args: object, **kwargs: object) -> object:
        called.add(path)
        return real(*args, **kwargs)

    monkeypatch.setattr(module, name, recording)


def not_run_by_the_daily_prune(paths: set[str], monkeypatch: pytest.MonkeyPatch) -> set[str]:
    """Of the dotted `paths`, those that are no registered prune job and that no registered
    job calls when the daily prune runs."""
    registered = set(registry.prune_jobs().values())
    called: set[str] = set()
    for path in paths:
        module_name, _, name = path.rpartition(".")
        if getattr(import_module(module_name), name) in registered:
            called.add(path)
        else:
            _spy(monkeypatch, path, called)
    prune_system()
    return paths - called


def test_the_daily_prune_reports_the_counts_operators_know():
    counts = prune_system()
    assert set(counts) == KNOWN_COUNTS
    assert all(isinstance(n, int) and n >= 0 for n in counts.values())


def test_every_declared_prune_is_a_registered_job_or_runs_in_one(monkeypatch):
    declared = {d.prune for d in RETENTION.values() if d.prune}
    assert not_run_by_the_daily_prune(declared - set(RUN_BY_ANOTHER_JOB), monkeypatch) \
        == set()


def test_a_declared_prune_that_no_job_runs_is_found(monkeypatch):
    # The checker above is no rubber stamp: the request clock's tick is a real function
    # that the daily prune does not run.
    assert not_run_by_the_daily_prune({"privacydesk.requests.clock.tick"}, monkeypatch) \
        == {"privacydesk.requests.clock.tick"}


def test_the_prunes_declared_for_another_job_run_in_that_job(monkeypatch, settings):
    from privacydesk.jobs import periodic, tasks

    settings.PRIVACYDESK_IMAP_URL = ""   # no mailbox: the job only ticks the clocks
    called: set[str] = set()
    for path, job in RUN_BY_ANOTHER_JOB.items():
        assert job in periodic.BY_NAME
        _spy(monkeypatch, path, called)
    tasks.requests_tick.call(slot=periodic.REQUESTS.slot(timezone.now()), attempt=1)
    assert called == set(RUN_BY_ANOTHER_JOB)


def test_a_job_a_new_app_registers_is_run_by_the_daily_prune_with_the_policy_day():
    seen: list[date] = []

    def prune_newsletter_addresses(day: date) -> int:
        seen.append(day)
        return 3

    registry.register_prune_job("newsletter addresses", prune_newsletter_addresses)
    try:
        day = clock.today() + timedelta(days=10)
        assert prune_system(day)["newsletter addresses"] == 3
        assert prune_system()["newsletter addresses"] == 3
    finally:
        registry.unregister_prune_job("newsletter addresses")
    assert seen == [day, clock.today()]
    assert "newsletter addresses" not in prune_system()


def test_the_sweep_command_prints_a_registered_jobs_count():
    from tests.console import run_privacydesk

    registry.register_prune_job("newsletter addresses", lambda day: 7)
    try:
        result = run_privacydesk("retention", "sweep", "--quiet",
                                           "--today", clock.today().isoformat())
    finally:
        registry.unregister_prune_job("newsletter addresses")
    assert result.exit_code == 0, result.output
    assert "newsletter addresses 7" in result.output
    assert "guard registrations 0" in result.output and "task results 0" in result.output


def test_an_app_ready_twice_registers_once_and_a_taken_name_is_refused():
    before = registry.prune_jobs()
    apps.get_app_config("access").ready()   # Django may call ready() more than once
    assert registry.prune_jobs() == before
    with pytest.raises(ValueError, match="access records.*already registered"):
        registry.register_prune_job("access records", lambda day: 0)
    with pytest.raises(ValueError, match="needs a name"):
        registry.register_prune_job(" ", lambda day: 0)
    assert registry.prune_jobs() == before


def test_a_plan_source_a_new_app_registers_shows_in_the_retention_plan():
    today = clock.today()
    asked: list[tuple[date, date, str]] = []

    def newsletter_plan(until: date, day: date, lang: str) -> Counter[tuple[date, str, str,
                                                                             str]]:
        asked.append((until, day, lang))
        return Counter({(day + timedelta(days=2), "newsletter address", "newsletter-2y",
                         "AVG art. 5(1)(e)"): 4})

    registry.register_plan_source("newsletter", newsletter_plan)
    try:
        rows = plan.plan(days=5, today=today, lang="nl")
    finally:
        registry.unregister_plan_source("newsletter")
    assert asked == [(today + timedelta(days=5), today, "nl")]
    assert plan.PlanRow(today + timedelta(days=2), "", "newsletter address", "newsletter-2y",
                        "AVG art. 5(1)(e)", 4) in rows
    assert "newsletter" not in registry.plan_sources()
    assert "incidents" in registry.plan_sources()   # the incident register's own
    with pytest.raises(ValueError, match="incidents.*already registered"):
        registry.register_plan_source("incidents", newsletter_plan)


#: Capability apps retention may still import, and why (#14 item 4 asks for none in prune).
CAPABILITY_APPS = ("access", "callbacks", "disclosure", "guard", "incidents", "jobs",
                   "public", "requests")
ALLOWED = {
    # management/commands/retention.py
    ("retention.py", "privacydesk.jobs"): "a sweep from cron is recorded as the day's "
                                          "periodic run",
}


def test_retention_imports_no_capability_app_but_the_listed_ones():
    found: set[tuple[str, str]] = set()
    package = Path(import_module("privacydesk.retention").__file__ or "").parent
    for path in package.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = ([node.module or ""] if isinstance(node, ast.ImportFrom)
                     else [a.name for a in node.names] if isinstance(node, ast.Import)
                     else [node.args[0].value] if isinstance(node, ast.Call)
                     and getattr(node.func, "id", getattr(node.func, "attr", "")) in
                     ("import_module", "import_string") and node.args
                     and isinstance(node.args[0], ast.Constant) else [])
            for name in names:
                top = ".".join(str(name).split(".")[:2])
                if top.removeprefix("privacydesk.") in CAPABILITY_APPS:
                    found.add((path.name, top))
    assert found <= set(ALLOWED), found - set(ALLOWED)
