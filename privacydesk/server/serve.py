"""Run privacydesk under gunicorn without any visitor logging (promise W1).

gunicorn writes an access line per request when `accesslog` is set, and its workers log
"Invalid request from ip=…" for malformed requests. `PrivateLogger` turns the first off for
good and scrubs client addresses out of every error-log line, so no configuration mistake
can bring an address to disk.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from gunicorn.app.base import BaseApplication
from gunicorn.glogging import Logger

# An IPv4 address, or anything with two or more colons between hex groups (IPv6).
_ADDRESS = re.compile(
    r"\b(?:\d{1,3}\.){3}\d{1,3}\b|(?<![\w:])(?:[0-9A-Fa-f]{0,4}:){2,7}[0-9A-Fa-f]{0,4}(?![\w:])"
)


def _replace(match: re.Match[str]) -> str:
    found = match.group(0)
    # A clock time like 12:30:01 has colons too; an IPv6 address has "::" or seven colons.
    if "." in found or "::" in found or found.count(":") == 7:
        return "[address]"
    return found


def scrub(text: str) -> str:
    """Return `text` with every IPv4/IPv6 address replaced by `[address]`."""
    return _ADDRESS.sub(_replace, text)


def _scrubbing(level: str) -> Callable[..., None]:
    """gunicorn's logging method `level`, the message scrubbed first."""

    def method(self: Logger, msg: Any, *args: Any, **kwargs: Any) -> None:
        getattr(Logger, level)(self, scrub(str(msg)), *args, **kwargs)

    return method


class PrivateLogger(Logger):
    """gunicorn logger that never writes an access log and never names a client (W1)."""

    def access(self, resp: Any, req: Any, environ: Any, request_time: Any) -> None:
        return None  # W1: no general visit data, ever

    def log(self, lvl: Any, msg: Any, *args: Any, **kwargs: Any) -> None:
        super().log(lvl, scrub(str(msg)), *args, **kwargs)

    error = _scrubbing("error")
    warning = _scrubbing("warning")
    info = _scrubbing("info")
    debug = _scrubbing("debug")
    critical = _scrubbing("critical")
    exception = _scrubbing("exception")


def gunicorn_options(
    bind: list[str], workers: int, certfile: str | None = None, keyfile: str | None = None
) -> dict[str, Any]:
    """Return the gunicorn settings privacydesk always runs with."""
    options: dict[str, Any] = {
        "bind": bind,
        "workers": workers,
        # Threads keep HTTP keep-alive connections open (the sync worker closes each one) and
        # let a slow client not block a whole worker.
        "worker_class": "gthread",
        "threads": 4,
        "keepalive": 5,
        "accesslog": None,  # W1
        "errorlog": "-",
        "loglevel": "warning",
        "logger_class": "privacydesk.server.serve.PrivateLogger",
        "capture_output": False,
        "forwarded_allow_ips": "",
        "proxy_allow_ips": "",
        "timeout": 60,
    }
    if certfile and keyfile:
        # Sec2: TLS 1.2+ (Python's default minimum) with forward-secret AEAD ciphers only;
        # no CBC suites, which testssl.sh rates as obsolete.
        options.update(certfile=certfile, keyfile=keyfile,
                       ciphers="ECDHE+AESGCM:ECDHE+CHACHA20:!aNULL:!eNULL")
    return options


class PrivacydeskApplication(BaseApplication):  # type: ignore[misc]
    """gunicorn application serving privacydesk.project.wsgi with the options above."""

    def __init__(self, options: dict[str, Any]) -> None:
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        from privacydesk.project.wsgi import application

        return application


def run(host: str, port: int, workers: int, certfile: str | None = None,
        keyfile: str | None = None) -> None:
    """Serve until interrupted."""
    PrivacydeskApplication(
        gunicorn_options([f"{host}:{port}"], workers, certfile, keyfile)
    ).run()
