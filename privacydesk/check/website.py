"""W1–W3: no visit data, offenders registered and expiring, the site names the controller.

W1 reads the RUNNING configuration (gunicorn options of privacydesk.server.serve, Django's
LOGGING and the live loggers) and introspects every table of the database for a column that
looks like a client address or browser string; only the guard's offender register may hold
an address.
"""

from __future__ import annotations

import re
from datetime import timedelta

from django.conf import settings
from django.db import connection
from django.utils import timezone

from privacydesk.check import served
from privacydesk.check.common import plural
from privacydesk.check.identity import missing_on
from privacydesk.check.registry import CheckResult, check, verdict
from privacydesk.check.runner import need_app
from privacydesk.policy.active import get_policy

# W1: column names that would hold a visitor's address, browser or visit time.
VISIT_COLUMN = re.compile(r"(^|_)(ip|ipv4|ipv6|ip_?addr(ess)?|remote_?addr|client_?addr|"
                          r"user_?agent|useragent|http_user_agent|referr?er|visited_at)$",
                          re.IGNORECASE)
# The one table allowed to hold an address (W2), whose column is called "address".
OFFENDER_TABLE = "guard_offender"
REQUEST_LOGGERS = ("django.request", "django.server")
GUARD_MIDDLEWARE = "privacydesk.guard.middleware.GuardMiddleware"


def _config_failures() -> list[str]:
    from privacydesk.server import serve

    failures = []
    options = serve.gunicorn_options(["127.0.0.1:0"], 1)
    if options.get("accesslog"):
        failures.append("gunicorn is configured with an access log")
    if options.get("logger_class") != "privacydesk.server.serve.PrivateLogger":
        failures.append("gunicorn does not use the address-scrubbing PrivateLogger")
    if getattr(settings, "DEBUG", False):
        failures.append("DEBUG is on: error pages echo request metadata")
    config = getattr(settings, "LOGGING", {}) or {}
    handlers = config.get("handlers", {})
    for name, spec in handlers.items():
        if "filename" in spec or "File" in str(spec.get("class", "")):
            failures.append(f"LOGGING handler {name!r} writes to a file")
    for logger_name in REQUEST_LOGGERS:
        spec = config.get("loggers", {}).get(logger_name)
        if spec is None or spec.get("propagate", True):
            failures.append(f"LOGGING does not silence {logger_name}")
            continue
        for handler in spec.get("handlers", []):
            if handlers.get(handler, {}).get("class") != "logging.NullHandler":
                failures.append(f"{logger_name} logs to handler {handler!r}")
    return failures


def _column_failures() -> list[str]:
    failures = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            if table == OFFENDER_TABLE:
                continue
            for column in connection.introspection.get_table_description(cursor, table):
                if VISIT_COLUMN.search(column.name):
                    failures.append(f"table {table} has a column {column.name!r} that looks "
                                    "like visit data")
    return failures


@check("W1", "No general visit data: no IP, no time, no browser data")
def no_visit_data() -> CheckResult:
    # Said plainly in the summary: this reads configuration and the schema, it does not
    # watch traffic (a proxy in front of the site is the deployment's to configure, W1).
    return verdict("W1", _config_failures() + _column_failures(),
                   "configuration and database schema read (no traffic observed): no access "
                   "log in gunicorn or Django, request loggers silenced, no address or "
                   "browser column outside the offender register",
                   "visit data could be recorded")


@check("W2", "Only addresses that repeatedly try to break in are registered")
def offenders() -> CheckResult:
    need_app("guard", "the break-in guard (privacydesk.guard)")
    from privacydesk.guard.models import Offender

    failures = []
    if GUARD_MIDDLEWARE not in settings.MIDDLEWARE:
        failures.append("the guard middleware is not in MIDDLEWARE")
    now = timezone.now()
    days = get_policy().guard.registration_days
    # A registration lives registration_days after the last offence (a day of slack for
    # the clock); longer means it was extended by hand.
    too_long = Offender.objects.filter(
        expires_at__gt=timezone.now() + timedelta(days=days + 1)).count()
    if too_long:
        failures.append(f"{plural(too_long, 'registration')} expire later than "
                        f"{days} days from now")
    # The prune runs with the daily sweep: a registration over a day past expiry (ban
    # over) means it is not running.
    stale = (Offender.objects.filter(expires_at__lt=now - timedelta(days=1))
             .exclude(ban_until__gt=now).count())
    if stale:
        failures.append(f"{plural(stale, 'registration')} past expiry still stored")
    no_evidence = sum(1 for evidence in Offender.objects.values_list("evidence", flat=True)
                      .iterator() if not (isinstance(evidence, dict) and evidence.get("rules")))
    if no_evidence:
        failures.append(f"{plural(no_evidence, 'registration')} without evidence")
    total = Offender.objects.count()
    return verdict("W2", failures, f"guard active; {plural(total, 'registered offender')}, "
                   f"each with evidence and expiring within {days} days",
                   "the offender register breaks its rules", examined=total,
                   idle_summary="nothing to check yet: guard active, no offender registered")


#: W3: every public page says whose site it is and how to reach them.
SITE_OWNER = ("name", "phone", "email")


@check("W3", "The website belongs to the controller")
def site_controller() -> CheckResult:
    """Every public page, fetched in every language through the site's own request path
    (check/served.py), shows the policy's controller name, phone and e-mail."""
    fetched = list(served.pages())
    failures = missing_on(fetched, SITE_OWNER)
    name = get_policy().controller.name
    return verdict("W3", failures, f"all {len(fetched)} public pages, fetched as served, name "
                   f"{name!r} with its phone and e-mail",
                   "the website does not name its controller")
