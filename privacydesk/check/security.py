"""Sec1–Sec5: the audit chain, keys, MFA, TLS settings, defence in depth, the staff
protocol and the incident register, checked as they are right now."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db.models import F, Q
from django.utils import timezone

from privacydesk.check.common import job_stopped, plural
from privacydesk.check.registry import (
    WARN,
    CheckResult,
    check,
    not_verifiable,
    result,
    verdict,
)
from privacydesk.check.runner import need_app
from privacydesk.policy import clock
from privacydesk.policy.active import get_policy

HSTS_MIN_SECONDS = 180 * 24 * 3600  # a reliable HSTS policy lasts at least half a year


def _staff():  # type: ignore[no-untyped-def]
    need_app("staff", "the staff package (privacydesk.staff)")
    from privacydesk.staff.models import StaffUser

    return StaffUser


@check("Sec1", "Measures against misuse, loss and unauthorised access or change")
def chain_keys_mfa() -> CheckResult:
    from privacydesk.vault import audit, keyring
    from privacydesk.vault.models import DataKey
    from privacydesk.vault.rotation import sealed_models

    failures = []
    report = audit.verify()
    if not report.ok:
        failures.append(f"the audit chain is broken at entry #{report.first_broken_seq} "
                        f"after {report.checked} good entries: {report.reason}")
    ring = keyring.get()
    stored = dict(DataKey.objects.values_list("id", "kek_id"))
    # The database needs only the current KEK once `keys rotate` re-wrapped every data key.
    for kek_id in sorted(set(stored.values()) - set(ring.keys))[:5]:
        n = sum(1 for k in stored.values() if k == kek_id)
        failures.append(f"{plural(n, 'data key')} wrapped by key {kek_id!r}, which the "
                        "keyring does not hold")
    for model in sealed_models():
        # An empty key id marks a secret that was cleared on purpose (nothing sealed left).
        unknown = (model._default_manager.exclude(key_id="").exclude(key_id__in=list(stored))
                   .order_by().values_list("key_id", flat=True).distinct())
        for key_id in unknown[:5]:
            n = model._default_manager.filter(key_id=key_id).count()
            failures.append(f"{model._meta.label}: {plural(n, 'row')} sealed under key "
                            f"{key_id!r}, which no stored data key has")
    staff = _staff()
    active = staff.objects.filter(is_active=True, mfa_enabled=False)
    used = active.filter(last_login__isnull=False).values_list("pk", flat=True)
    failures += [f"staff account #{pk} signs in without MFA" for pk in used[:25]]
    info = [f"audit chain: {plural(report.checked, 'entry')} verified",
            # A wipe, truncation or rollback shows only against an anchor (vault/anchor.py).
            f"audit chain compared with {report.anchored}" if report.anchored else
            "audit chain: no anchor outside the database yet (`privacydesk audit verify` "
            "writes one)",
            f"{plural(len(ring.keys), 'key')} in the keyring, "
            f"{plural(len(stored), 'data key')} stored"]
    pending = active.filter(last_login__isnull=True).count()
    if pending:
        info.append(f"{plural(pending, 'new staff account')} will enrol MFA at first sign-in")
    backup_failures, backup_info = _backup_state()
    failures += backup_failures
    # A wipe shows only against a recent anchor: the ten-minute anchor job must run.
    failures += job_stopped("audit-anchor")
    info.append(backup_info)
    return verdict("Sec1", failures, "audit chain intact, every sealed row under a known key, "
                   "every active staff member with MFA, a recent backup",
                   "security measures broken", info)


def _backup_state() -> tuple[list[str], str]:
    """Sec1 / Art. 32(1)(c): availability is restorable only from a recent backup. The
    newest backup whose file is still in the backup folder must be at most the policy's
    `backups.interval_days` calendar days old (policy time zone). Returns (failures, the
    info line naming the newest backup's day)."""
    from privacydesk.retention import journal
    from privacydesk.retention.models import BackupRecord

    interval = get_policy().backups.interval_days
    folder = journal.backup_dir()
    newest = None
    for record in (BackupRecord.objects.filter(deleted_at__isnull=True)
                   .order_by("-taken_at").iterator()):
        # A record whose file is gone restores nothing: it is no backup.
        if (folder / record.file_name).is_file():
            newest = record
            break
    if newest is None:
        return [f"no backup on disk; the policy asks for one at least every "
                f"{plural(interval, 'day')}"], "latest backup: none"
    day = clock.day_of(newest.taken_at)
    age = (clock.today() - day).days
    failures = [f"the latest backup (generation {newest.generation}, {day.isoformat()}) is "
                f"{plural(age, 'day')} old; the policy asks for one at least every "
                f"{plural(interval, 'day')}"] if age > interval else []
    return failures, f"latest backup: {day.isoformat()} (at most {plural(interval, 'day')} old)"


@check("Sec2", "A reliable TLS certificate: HTTPS only, HSTS, secure cookies")
def tls_settings() -> CheckResult:
    production = getattr(settings, "PRIVACYDESK_ENV", "") == "production"
    if not production and not getattr(settings, "SECURE", False):
        return not_verifiable("Sec2", "not a production configuration "
                              f"(PRIVACYDESK_ENV={getattr(settings, 'PRIVACYDESK_ENV', '')}); "
                              "TLS settings are checked where the site is served")
    failures = []
    for name in ("SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE"):
        if not getattr(settings, name, False):
            failures.append(f"{name} is off: cookies may travel without TLS")
    hsts = getattr(settings, "SECURE_HSTS_SECONDS", 0) or 0
    if hsts < HSTS_MIN_SECONDS:
        failures.append(f"SECURE_HSTS_SECONDS is {hsts}; at least {HSTS_MIN_SECONDS} needed")
    if "django.middleware.security.SecurityMiddleware" not in settings.MIDDLEWARE:
        failures.append("SecurityMiddleware (HSTS header) is not installed")
    return verdict("Sec2", failures, f"secure cookies, HSTS {hsts} s",
                   "TLS settings are unsound",
                   ["the certificate itself is checked by tests/public/test_tls.py and "
                    "testssl.sh against the served site"])


@check("Sec3", "Security layers: least privilege, rate limits, security headers")
def defence_in_depth() -> CheckResult:
    failures = []
    needed = {
        "privacydesk.guard.middleware.GuardMiddleware": "rate limits / break-in guard",
        "csp.middleware.CSPMiddleware": "Content-Security-Policy",
        "django.middleware.clickjacking.XFrameOptionsMiddleware": "frame protection",
        "privacydesk.staff.middleware.StaffLoginRequiredMiddleware": "deny-by-default routes",
        "privacydesk.staff.middleware.SecondFactorAndProtocolMiddleware":
            "deny-by-default routes (MFA, protocol)",
    }
    failures += [f"{what} missing ({path})" for path, what in needed.items()
                 if path not in settings.MIDDLEWARE]
    if not getattr(settings, "SECURE_CONTENT_TYPE_NOSNIFF", False):
        failures.append("X-Content-Type-Options nosniff is off")
    if getattr(settings, "X_FRAME_OPTIONS", "") != "DENY":
        failures.append("X-Frame-Options is not DENY")
    where = _served_header_failures(failures)
    staff = _staff()
    roles = list(get_policy().staff_roles)
    active = staff.objects.filter(is_active=True)
    unknown = active.exclude(staff_role="").exclude(staff_role__in=roles).count()
    if unknown:
        failures.append(f"{plural(unknown, 'staff account')} with a role the policy lacks")
    supers = active.filter(Q(is_superuser=True) | Q(is_staff=True)).count()
    if supers:
        failures.append(f"{plural(supers, 'account')} with Django superuser/admin rights "
                        "(outside the policy's staff roles)")
    from privacydesk.staff.models import ApiToken

    orphan_tokens = (ApiToken.objects.filter(revoked_at__isnull=True, user__is_active=False)
                     .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=timezone.now()))
                     .count())
    if orphan_tokens:
        failures.append(f"{plural(orphan_tokens, 'API token')} still usable for inactive "
                        "accounts")
    # Said plainly: the guard and the routes are only read from the settings; the headers
    # are also seen on a served page.
    return verdict("Sec3", failures, "configuration read (settings) for the guard and "
                   "deny-by-default routes; CSP, frame and nosniff headers configured and seen "
                   f"on the served {where}; staff accounts: only policy roles, no superusers, "
                   "no live token of an inactive account", "security layers missing")


#: Sec3: what a served page must tell the browser (header, required value or None = any).
SERVED_HEADERS = (("Content-Security-Policy", None), ("X-Frame-Options", "DENY"),
                  ("X-Content-Type-Options", "nosniff"))


def _served_header_failures(failures: list[str]) -> str:
    """Append to `failures` each security header the served statement page lacks (a view
    exempted from CSP, a prefix excluded, a middleware that strips a header); return the
    page's name. The settings alone cannot show this."""
    from privacydesk.check import served

    where, headers, problem = served.page_headers()
    if problem:
        failures.append(f"{where} {problem}")
    for header, wanted in SERVED_HEADERS:
        value = headers.get(header, "")
        if not problem and (not value or wanted and value.lower() != wanted.lower()):
            failures.append(f"{where} is served without {header}"
                            + (f": {wanted}" if wanted else ""))
    return where


@check("Sec4", "Staff work by the current protocol")
def protocol_accepted() -> CheckResult:
    from privacydesk.staff import protocol

    staff = _staff()
    failures = []
    if protocol.texts_digest() != protocol.PROTOCOL_DIGEST:
        failures.append("the protocol texts changed without a new protocol version")
    active = staff.objects.filter(is_active=True).exclude(staff_role="")
    behind = (active.filter(last_login__isnull=False)
              .exclude(protocol_version_accepted=protocol.PROTOCOL_VERSION))
    failures += [f"staff account #{pk} has not accepted protocol {protocol.PROTOCOL_VERSION}"
                 for pk in behind.values_list("pk", flat=True)[:25]]
    pending = active.filter(last_login__isnull=True).count()
    info = [f"{plural(pending, 'new account')} will accept at first sign-in"] if pending else []
    return verdict("Sec4", failures, f"{plural(active.count(), 'active staff account')} "
                   f"on protocol {protocol.PROTOCOL_VERSION}",
                   "staff without the current protocol", info, examined=active.count(),
                   idle_summary="nothing to check yet: no active staff account; the "
                   f"protocol texts match version {protocol.PROTOCOL_VERSION}")


@check("Sec5", "Concerns and misuse reported; breaches within 72 hours to the authority")
def incidents() -> CheckResult:
    need_app("incidents", "the incident register (privacydesk.incidents)")
    from privacydesk.incidents.models import Incident, IncidentKind, IncidentStatus
    from privacydesk.incidents.services import AUTHORITY_NOTIFICATION

    now = timezone.now()
    breaches = Incident.objects.filter(kind=IncidentKind.BREACH)
    failures = []
    n = breaches.filter(authority_deadline__isnull=True).count()
    if n:
        failures.append(f"{plural(n, 'breach')} without an authority deadline")
    n = (breaches.filter(authority_deadline__isnull=False)
         .exclude(authority_deadline=F("received_at") + AUTHORITY_NOTIFICATION).count())
    if n:
        failures.append(f"{plural(n, 'breach')} with a deadline other than 72 hours after "
                        "receipt")
    overdue = (breaches.filter(reported_at__isnull=True, authority_deadline__lt=now)
               .values_list("pk", flat=True))
    failures += [f"breach #{pk} not reported to the authority within 72 hours"
                 for pk in overdue[:25]]
    late = breaches.filter(reported_at__gt=F("authority_deadline")).count()
    untouched = (Incident.objects.filter(status=IncidentStatus.NEW,
                                         received_at__lt=now - timedelta(days=7)).count())
    info = [f"{plural(Incident.objects.count(), 'incident')}, "
            f"{plural(breaches.count(), 'breach')}"]
    if late:
        info.append(f"{plural(late, 'breach')} reported after the 72 hours (Art. 33(1) "
                    "asks for the reasons of the delay)")
    if not failures and untouched:
        return result("Sec5", WARN, f"{plural(untouched, 'concern')} untouched for over a "
                      "week", info)
    return verdict("Sec5", failures, "every breach carries its 72-hour deadline, none "
                   "overdue", "breaches overdue or undated", info,
                   examined=Incident.objects.count(),
                   idle_summary="nothing to check yet: no concerns or breaches on record")
