"""Every environment variable privacydesk reads, declared once, typed and validated.

`load_config()` reads the environment, checks every value and returns a frozen `Config`;
any invalid value raises `ConfigError` naming the variable and the rule. The README's
configuration table is printed by `privacydesk config --markdown` from `SETTINGS`, so the
documentation cannot drift from the code.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import SplitResult, urlsplit

from privacydesk.policy.errors import PrivacydeskError

PLACEHOLDER_SECRET = "insecure-development-secret-change-me"


class ConfigError(PrivacydeskError):
    """An environment variable is missing or invalid; the message names it and the rule."""


@dataclass(frozen=True)
class Setting:
    name: str
    kind: str  # "str" | "bool" | "int" | "path" | "url" | "choice" | "list" | "email"
    #          | "seconds" (the systems' timeouts, SYSTEM_PATTERNS)
    default: str
    help: str
    choices: tuple[str, ...] = ()
    secret: bool = False
    minimum: int | None = None  # ints: the smallest value that makes sense
    schemes: tuple[str, ...] = ()  # urls: the schemes accepted (empty: any scheme://host)


SETTINGS: tuple[Setting, ...] = (
    Setting("PRIVACYDESK_ENV", "choice", "development",
            "`development` (placeholder secrets allowed, generated keys) or `production` "
            "(every secret must be set; refuses to start otherwise).",
            choices=("development", "production")),
    Setting("PRIVACYDESK_DATA_DIR", "path", "var",
            "Folder for the SQLite database, the key file, exports and backups."),
    Setting("DATABASE_URL", "url", "",
            "Database URL, e.g. `postgres://user@127.0.0.1:5432/privacydesk`. "
            "Empty: SQLite at `$PRIVACYDESK_DATA_DIR/privacydesk.sqlite3`."),
    Setting("REDIS_URL", "url", "",
            "Redis URL for state shared between web workers (e.g. the break-in guard). "
            "Empty: the database is used."),
    Setting("PRIVACYDESK_SECRET_KEY", "str", PLACEHOLDER_SECRET,
            "Django secret (sessions, signed links). Must be set in production.", secret=True),
    Setting("PRIVACYDESK_POLICY", "path", "",
            "Path of the company's policy TOML. Empty: the embedded InFactor policy."),
    Setting("PRIVACYDESK_KEYS", "str", "",
            "Key-encryption keys (they wrap the data keys that seal fields, and seal "
            "backups) as `id:base64key,id:base64key`; the last is current. "
            "Overrides the key file.", secret=True),
    Setting("PRIVACYDESK_KEY_FILE", "path", "",
            "JSON key file (written by `privacydesk keys generate`). "
            "Empty: `$PRIVACYDESK_DATA_DIR/keys.json`."),
    Setting("PRIVACYDESK_ALLOWED_HOSTS", "list", "127.0.0.1,localhost",
            "Comma-separated host names the site answers to."),
    Setting("PRIVACYDESK_TRUSTED_PROXIES", "list", "",
            "Comma-separated proxy addresses whose X-Forwarded-For is believed."),
    Setting("PRIVACYDESK_SECURE_COOKIES", "bool", "false",
            "Mark cookies Secure and send HSTS (on automatically with `serve --tls` "
            "and in production)."),
    Setting("PRIVACYDESK_SMTP_URL", "url", "",
            "Outgoing mail, e.g. `smtp://127.0.0.1:1025` (`smtps://` or `smtp+starttls://` "
            "for TLS). Empty: mail is written as files to `$PRIVACYDESK_DATA_DIR/outbox`."),
    Setting("PRIVACYDESK_LOG_LEVEL", "choice", "WARNING",
            "Application log level. No level ever logs visitors (promise W1).",
            choices=("DEBUG", "INFO", "WARNING", "ERROR")),
    Setting("PRIVACYDESK_BACKUP_DIR", "path", "",
            "Folder for encrypted backups and the erasure journal. "
            "Empty: `$PRIVACYDESK_DATA_DIR/backups`."),
    Setting("PRIVACYDESK_SCHEDULER", "choice", "embedded",
            "`embedded`: `privacydesk serve` starts one `privacydesk worker` beside the web "
            "server for the background jobs (daily retention sweep, mailbox, request "
            "deadlines, audit anchor); `off`: it does not, run `privacydesk worker` under "
            "systemd (any number share the queue) or the single commands from cron.",
            choices=("embedded", "off")),
    Setting("PRIVACYDESK_PUBLIC_URL", "url", "http://127.0.0.1:8000",
            "The site's public address, for the links in e-mails (request confirmation, "
            "downloads), e.g. `https://privacy.example.nl`. Not set: `serve` and `demo` "
            "use the address they serve (their `--port`)."),
    Setting("PRIVACYDESK_IMAP_URL", "url", "",
            "The controller's mailbox for data-subject requests (Rt5), e.g. "
            "`imaps://requests%40example.nl:password@mail.example.nl/INBOX`. Empty: no "
            "mail intake.", secret=True),
    Setting("PRIVACYDESK_IMAP_MAX_BYTES", "int", "10485760",
            "Messages larger than this are not downloaded; their headers become a triage "
            "item.", minimum=1),
    Setting("PRIVACYDESK_REQUEST_LINK_DAYS", "int", "7",
            "Days a download link of an access or portability export works (once); then "
            "the file is deleted.", minimum=1),
    Setting("PRIVACYDESK_ACCESS_CA_KEY", "path", "",
            "Private key of the CA that signs staff SSH certificates for client servers "
            "(A2). Empty: `$PRIVACYDESK_DATA_DIR/access/ca_ed25519`, generated on first use "
            "(mode 0600)."),
    Setting("PRIVACYDESK_ACCESS_MAX_MINUTES", "int", "240",
            "Longest validity of a server-access certificate, in minutes (A2); never past "
            "the end of the agreement.", minimum=1),
    Setting("PRIVACYDESK_ACCESS_DEFAULT_MINUTES", "int", "60",
            "Validity of a server-access certificate when the request names none "
            "(capped by the maximum).", minimum=1),
    Setting("PRIVACYDESK_AUDIT_ANCHOR_DIR", "path", "",
            "A second, append-only place for the audit chain's anchors (Sec1): a folder the "
            "database administrator cannot write, e.g. another host's mount or a write-once "
            "(`chattr +a`) folder. Every anchor becomes a new read-only file there, never "
            "overwritten; `audit verify` reads the newest. Empty: only the anchor file "
            "`$PRIVACYDESK_DATA_DIR/audit-anchors.jsonl`."),
    Setting("PRIVACYDESK_AUDIT_ANCHOR_EMAIL", "email", "",
            "The privacy officer's address: every anchor of a verification, backup, daily "
            "sweep or restore is mailed there (not the ten-minute ones). Empty: no mail."),
    Setting("PRIVACYDESK_AUDIT_ANCHOR_SYSLOG", "url", "",
            "A syslog collector for every audit anchor, as `udp://host:514` (RFC 5424 over "
            "UDP, facility authpriv). Empty: none.", schemes=("udp",)),
)


#: The variables of each connected system (#16.1), one pair per `[[systems]]` entry whose
#: connector reaches it: `<ID>` is the system's id in capitals (ticketing ->
#: PRIVACYDESK_SYSTEM_TICKETING_URL). The connection lives here, never in the policy file.
#: A variable for an id the policy does not declare is no error at start-up: this module
#: does not read the policy (it is validated on its own, `privacydesk policy check`), such a
#: variable connects nothing, and the web site must not stop over it; `privacydesk check`
#: warns about it by name (line systems-declared: a typo leaves the meant system unconnected).
SYSTEM_PATTERNS: tuple[Setting, ...] = (
    Setting("PRIVACYDESK_SYSTEM_<ID>_URL", "url", "",
            "Connects the declared system `<ID>` (its policy id in capitals): the URL with "
            "its credentials, e.g. `postgresql+psycopg://user:pw@127.0.0.1/crm`, "
            "`imaps://info:pw@mail.example.nl/`, `http://APIKEY@127.0.0.1:3000/` "
            "([systems.md](systems.md)). Empty: the system is shown as not connected.",
            secret=True),
    Setting("PRIVACYDESK_SYSTEM_<ID>_TIMEOUT", "seconds", "10",
            "Seconds each network call to the system `<ID>` may take before it counts as "
            "a timeout (the request shows it, the other systems proceed)."),
)
_SYSTEM_VARIABLE = re.compile(r"PRIVACYDESK_SYSTEM_(?P<id>[A-Z0-9_]+?)_(?P<kind>URL|TIMEOUT)")
_SYSTEM_PREFIX = "PRIVACYDESK_SYSTEM_"


def _system_variables(env: Mapping[str, str]) -> dict[str, Any]:
    """Every PRIVACYDESK_SYSTEM_* variable set, checked: a URL with a scheme and a host (the
    error never repeats the value: it holds credentials), a timeout a positive number of
    seconds; any other name under the prefix is refused (a misspelt suffix would leave the
    system unconnected without a word)."""
    values: dict[str, Any] = {}
    for name in sorted(n for n in env if n.startswith(_SYSTEM_PREFIX)):
        raw = env[name].strip()
        found = _SYSTEM_VARIABLE.fullmatch(name)
        if found is None:
            raise ConfigError(f"{name}: not a variable privacydesk reads; a system's are "
                              f"{_SYSTEM_PREFIX}<ID>_URL and {_SYSTEM_PREFIX}<ID>_TIMEOUT")
        if found["kind"] == "URL":
            url = _host_url(raw) if raw else None
            if raw and (url is None or not url.scheme):
                raise ConfigError(f"{name}: must be a URL like scheme://user:password@host"
                                  ":port/..., with a host (the value is not shown: it may "
                                  "hold a password)")
            values[name] = raw
        else:
            try:
                seconds = float(raw)
            except ValueError:
                seconds = float("nan")
            if not seconds > 0 or seconds == float("inf"):
                raise ConfigError(f"{name}: must be a number of seconds above 0, got {raw!r}")
            values[name] = seconds
    return values


# One address, no display name, no spaces or line breaks (it becomes a mail header).
_EMAIL = re.compile(r"[^@\s,;<>\"]+@[^@\s,;<>\"]+\.[^@\s,;<>\"]+")


def _host_url(raw: str) -> SplitResult | None:
    """`raw` split, when it names a host and its port (if any) is a number; else None."""
    url = urlsplit(raw)
    try:
        url.port  # noqa: B018 - raises ValueError for a port that is no number
    except ValueError:
        return None
    return url if url.hostname else None


def _check_scheme(setting: Setting, raw: str) -> None:
    """A URL of one of `setting.schemes`, with a host and a valid port."""
    url = _host_url(raw)
    if url is None or url.scheme not in setting.schemes:
        shown = " or ".join(f"{s}://host:port" for s in setting.schemes)
        raise ConfigError(f"{setting.name}: must be a URL like {shown}, got {raw!r}")


def _parse(setting: Setting, raw: str) -> Any:
    if setting.kind == "bool":
        low = raw.strip().lower()
        if low in ("1", "true", "yes", "on"):
            return True
        if low in ("0", "false", "no", "off", ""):
            return False
        raise ConfigError(f"{setting.name}: must be true or false, got {raw!r}")
    if setting.kind == "int":
        try:
            number = int(raw)
        except ValueError:
            raise ConfigError(f"{setting.name}: must be a whole number, got {raw!r}")
        if setting.minimum is not None and number < setting.minimum:
            raise ConfigError(f"{setting.name}: must be at least {setting.minimum}, got {number}")
        return number
    if setting.kind == "choice":
        if raw not in setting.choices:
            raise ConfigError(
                f"{setting.name}: must be one of {', '.join(setting.choices)}, got {raw!r}")
        return raw
    if setting.kind == "list":
        return tuple(p.strip() for p in raw.split(",") if p.strip())
    if setting.kind == "url":
        if raw and "://" not in raw:
            raise ConfigError(f"{setting.name}: must be a URL like scheme://host, got {raw!r}")
        if raw and setting.schemes:
            _check_scheme(setting, raw)
        return raw
    if setting.kind == "email":
        if raw and not _EMAIL.fullmatch(raw):
            raise ConfigError(f"{setting.name}: must be one e-mail address like "
                              f"privacy@example.nl, got {raw!r}")
        return raw
    if setting.kind == "path":
        return Path(raw).expanduser() if raw else None
    return raw


@dataclass(frozen=True)
class Config:
    values: Mapping[str, Any] = field(default_factory=dict)

    def __getitem__(self, name: str) -> Any:
        return self.values[name]

    @property
    def production(self) -> bool:
        return bool(self.values["PRIVACYDESK_ENV"] == "production")

    def systems(self) -> dict[str, Any]:
        """The PRIVACYDESK_SYSTEM_* variables set, by name (URLs hold credentials: never
        show them)."""
        return {k: v for k, v in self.values.items() if k.startswith(_SYSTEM_PREFIX)}

    @property
    def data_dir(self) -> Path:
        return Path(self.values["PRIVACYDESK_DATA_DIR"]).resolve()


def load_config(environ: Mapping[str, str] | None = None) -> Config:
    """Return the validated configuration; raise ConfigError naming the first bad variable."""
    env = os.environ if environ is None else environ
    values = {s.name: _parse(s, env.get(s.name, s.default)) for s in SETTINGS}
    values.update(_system_variables(env))
    if values["PRIVACYDESK_ENV"] == "production":
        if values["PRIVACYDESK_SECRET_KEY"] in ("", PLACEHOLDER_SECRET) or len(
            values["PRIVACYDESK_SECRET_KEY"]
        ) < 32:
            raise ConfigError(
                "PRIVACYDESK_SECRET_KEY: production mode refuses the placeholder or a secret "
                "shorter than 32 characters; set a long random value, e.g. "
                "`python3 -c 'import secrets; print(secrets.token_urlsafe(48))'`")
        if not values["PRIVACYDESK_KEYS"] and not values["PRIVACYDESK_KEY_FILE"]:
            raise ConfigError(
                "PRIVACYDESK_KEYS: production mode needs encryption keys from "
                "PRIVACYDESK_KEYS or PRIVACYDESK_KEY_FILE; they are never generated silently")
    return Config(values)


def setting(name: str, environ: Mapping[str, str] | None = None) -> Any:
    """One declared variable's value, parsed and checked as `load_config` does, for code
    that runs without Django's settings (the guard's stores, the benchmarks). KeyError for
    an undeclared name."""
    declared = {s.name: s for s in SETTINGS}[name]
    env = os.environ if environ is None else environ
    return _parse(declared, env.get(name, declared.default))


def markdown_table(settings: tuple[Setting, ...] = SETTINGS + SYSTEM_PATTERNS) -> str:
    """Return the README configuration table (the systems' variables last)."""
    rows = ["| variable | type | default | meaning |", "|---|---|---|---|"]
    for s in settings:
        kind = s.kind if not s.choices else " \\| ".join(s.choices)
        default = "" if s.secret and s.default else s.default
        rows.append(f"| `{s.name}` | {kind} | `{default}` | {s.help} |")
    return "\n".join(rows)

