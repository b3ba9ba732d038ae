"""Django settings, built from the validated environment (privacydesk.project.config).

Nothing here logs a visitor (promise W1): there is no access log, `django.request` and
`django.server` are silenced, and no handler formats a client address.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url

from privacydesk.policy import active as _active_policy
from privacydesk.policy.errors import PolicyError
from privacydesk.project.config import load_config

CONFIG = load_config()
# The privacydesk package (its templates/, locale/ and static/), one level above project/.
BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = CONFIG.data_dir
DATA_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = False  # never: Django's debug pages echo request metadata (W1)
SECRET_KEY = CONFIG["PRIVACYDESK_SECRET_KEY"]
ALLOWED_HOSTS = list(CONFIG["PRIVACYDESK_ALLOWED_HOSTS"]) + ["testserver"]
PRIVACYDESK_ENV = CONFIG["PRIVACYDESK_ENV"]
PRIVACYDESK_POLICY = str(CONFIG["PRIVACYDESK_POLICY"] or "")
PRIVACYDESK_KEYS = CONFIG["PRIVACYDESK_KEYS"]
PRIVACYDESK_KEY_FILE = str(CONFIG["PRIVACYDESK_KEY_FILE"] or DATA_DIR / "keys.json")
PRIVACYDESK_TRUSTED_PROXIES = CONFIG["PRIVACYDESK_TRUSTED_PROXIES"]
REDIS_URL = CONFIG["REDIS_URL"]
# Retention (R1): encrypted backups and the erasure journal live here; the daily sweep is a
# task run by `privacydesk worker`, which `serve` starts unless PRIVACYDESK_SCHEDULER is "off".
PRIVACYDESK_BACKUP_DIR = CONFIG["PRIVACYDESK_BACKUP_DIR"] or DATA_DIR / "backups"
PRIVACYDESK_SCHEDULER = CONFIG["PRIVACYDESK_SCHEDULER"]
# Data-subject requests (Rt1-Rt6): links in e-mails, the request mailbox, download links.
PRIVACYDESK_PUBLIC_URL = CONFIG["PRIVACYDESK_PUBLIC_URL"]
PRIVACYDESK_IMAP_URL = CONFIG["PRIVACYDESK_IMAP_URL"]
PRIVACYDESK_IMAP_MAX_BYTES = CONFIG["PRIVACYDESK_IMAP_MAX_BYTES"]
PRIVACYDESK_REQUEST_LINK_DAYS = CONFIG["PRIVACYDESK_REQUEST_LINK_DAYS"]
# Server access (A1, A2): the SSH certificate authority and the certificates' validity.
PRIVACYDESK_ACCESS_CA_KEY = str(CONFIG["PRIVACYDESK_ACCESS_CA_KEY"] or "")
PRIVACYDESK_ACCESS_MAX_MINUTES = CONFIG["PRIVACYDESK_ACCESS_MAX_MINUTES"]
PRIVACYDESK_ACCESS_DEFAULT_MINUTES = CONFIG["PRIVACYDESK_ACCESS_DEFAULT_MINUTES"]
# Sec1: the audit chain's head is anchored outside the database (vault/anchor.py): in this
# file, and where configured in an append-only folder, the privacy officer's mailbox, syslog.
PRIVACYDESK_AUDIT_ANCHOR_FILE = DATA_DIR / "audit-anchors.jsonl"
PRIVACYDESK_AUDIT_ANCHOR_DIR = CONFIG["PRIVACYDESK_AUDIT_ANCHOR_DIR"]
PRIVACYDESK_AUDIT_ANCHOR_EMAIL = CONFIG["PRIVACYDESK_AUDIT_ANCHOR_EMAIL"]
PRIVACYDESK_AUDIT_ANCHOR_SYSLOG = CONFIG["PRIVACYDESK_AUDIT_ANCHOR_SYSLOG"]

_active_policy.configure(PRIVACYDESK_POLICY or None)


def _policy_time_zone() -> str:
    """The policy's `controller.time_zone`, so Django's dates (templates, forms) and
    `privacydesk.policy.clock` name the same day (#13.1). A defective policy is refused at its
    first use by `get_policy()`; settings must still load for the command that says so."""
    try:
        return _active_policy.get_policy().controller.time_zone
    except (PolicyError, OSError):
        return "Europe/Amsterdam"


INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "ninja",  # the API docs page serves Swagger from here, not from a CDN (W1)
    "privacydesk.vault",
    "privacydesk.staff",
    "privacydesk.register",
    "privacydesk.guard",
    "privacydesk.callbacks",
    "privacydesk.incidents",
    "privacydesk.systems",
    "privacydesk.public",
    "privacydesk.retention",
    "privacydesk.requests",
    "privacydesk.access",
    "privacydesk.disclosure",
    "privacydesk.ropa",  # the Art. 30 record of processing activities (#16.5)
    # Background work (privacydesk/jobs): the django-tasks backport and its database queue;
    # on Django 6 drop "django_tasks" (the framework is built in), keep the rest.
    "django_tasks",
    "django_tasks_db",
    "privacydesk.jobs",
    # Apps only for their management commands (`privacydesk serve`, `check`, `demo`; #14.4).
    "privacydesk.server",
    "privacydesk.check",
    "privacydesk.demo",
]
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "privacydesk.api.middleware.JsonErrorsMiddleware",  # JSON under /api/, even 404/405/500
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "privacydesk.guard.middleware.GuardMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "privacydesk.staff.language.StaffLanguageMiddleware",  # issue #15: the staff member's language
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "privacydesk.staff.middleware.StaffLoginRequiredMiddleware",  # Django's, our refusals
    "privacydesk.staff.middleware.SecondFactorAndProtocolMiddleware",  # MFA, protocol (Sec4)
    "privacydesk.project.diagnostics.ErrorReportMiddleware",
]

ROOT_URLCONF = "privacydesk.project.urls"
WSGI_APPLICATION = "privacydesk.project.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "privacydesk.project.context.controller",
            ],
        },
    },
]

if CONFIG["DATABASE_URL"]:
    DATABASES = {"default": dj_database_url.parse(CONFIG["DATABASE_URL"], conn_max_age=60)}
    # Test runs may overlap on one server (several engineers, a benchmark): each process gets
    # its own test database instead of dropping another run's.
    DATABASES["default"]["TEST"] = {"NAME": f"test_{DATABASES['default']['NAME']}_{os.getpid()}"}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(DATA_DIR / "privacydesk.sqlite3"),
            "CONN_MAX_AGE": 600,  # reopening SQLite (and its PRAGMAs) per request costs ms
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                "PRAGMA busy_timeout=5000;",
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "staff.StaffUser"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
CSRF_FAILURE_VIEW = "privacydesk.guard.views.csrf_failure"
LOGIN_URL = "/staff/login/"
LOGIN_REDIRECT_URL = "/staff/"

LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", "Nederlands"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = _policy_time_zone()
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)  # collectstatic target for a proxy; whitenoise wants it
STATICFILES_DIRS = [BASE_DIR / "static"]
# whitenoise serves /static/ from the packages themselves (no collectstatic step) and, like
# everything here, keeps no request log (W1).
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = False
WHITENOISE_MAX_AGE = 3600

SECURE = bool(CONFIG["PRIVACYDESK_SECURE_COOKIES"]) or CONFIG.production
SESSION_COOKIE_SECURE = SECURE
CSRF_COOKIE_SECURE = SECURE
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 8 * 3600
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_HSTS_SECONDS = 31536000 if SECURE else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'none'"],
        "object-src": ["'none'"],
    }
}

if CONFIG["PRIVACYDESK_SMTP_URL"]:
    from urllib.parse import urlparse

    _smtp = urlparse(CONFIG["PRIVACYDESK_SMTP_URL"])
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = _smtp.hostname or "127.0.0.1"
    EMAIL_PORT = _smtp.port or 25
    EMAIL_HOST_USER = _smtp.username or ""
    EMAIL_HOST_PASSWORD = _smtp.password or ""
    EMAIL_USE_TLS = _smtp.scheme == "smtp+starttls"
    EMAIL_USE_SSL = _smtp.scheme == "smtps"
else:
    # No SMTP configured (development, the demo): mail goes to files in the data folder, the
    # outbox, so confirmation links can be followed — and never to stdout, where a process
    # supervisor would keep names and addresses in its logs.
    EMAIL_BACKEND = "privacydesk.project.outbox.OutboxBackend"
    EMAIL_FILE_PATH = str(DATA_DIR / "outbox")
DEFAULT_FROM_EMAIL = "privacydesk@localhost"

# W1: no request logging anywhere. django.request would log 4xx/5xx with the path and
# django.server is runserver's access log; both go to the null handler. The only handler
# left writes the application's own messages, which never carry a client address.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(levelname)s %(name)s %(message)s"}},
    "handlers": {
        "null": {"class": "logging.NullHandler"},
        "stderr": {"class": "logging.StreamHandler", "formatter": "plain"},
    },
    "loggers": {
        "django.request": {"handlers": ["null"], "propagate": False},
        "django.server": {"handlers": ["null"], "propagate": False},
        "django.security": {"handlers": ["null"], "propagate": False},
        "privacydesk": {"handlers": ["stderr"], "level": CONFIG["PRIVACYDESK_LOG_LEVEL"]},
    },
}

NINJA_PAGINATION_PER_PAGE = 50
