"""`privacydesk serve`: the website and back office under gunicorn, no access log (W1)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import CommandParser

from privacydesk.console.command import PrivacydeskCommand


def _secure_cookies() -> None:
    """What PRIVACYDESK_SECURE_COOKIES=true gives (settings.py, Sec2), for `--tls`: the
    settings were read before the command ran, so they are set here as well."""
    from django.conf import settings

    settings.SECURE = True
    settings.SESSION_COOKIE_SECURE = True
    settings.CSRF_COOKIE_SECURE = True
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True


class Command(PrivacydeskCommand):
    help = "Serve the website and back office with gunicorn. No access log (W1)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1", help="(default: 127.0.0.1)")
        parser.add_argument("--port", default=8000, type=int, help="(default: 8000)")
        parser.add_argument("--workers", default=2, type=int, help="(default: 2)")
        parser.add_argument("--tls", action="store_true",
                            help="Serve HTTPS (see --cert/--key).")
        parser.add_argument("--cert", metavar="FILE", help="TLS certificate (PEM).")
        parser.add_argument("--key", dest="keyfile", metavar="FILE", help="TLS key (PEM).")
        parser.add_argument(
            "--redirect-port", type=int,
            help="With --tls: also answer plain HTTP on this port with a redirect to HTTPS.")

    def handle(self, *args: Any, host: str, port: int, workers: int, tls: bool,
               cert: str | None, keyfile: str | None, redirect_port: int | None,
               **_: Any) -> None:
        from privacydesk.jobs.worker import start_beside_server
        from privacydesk.server import public_url
        from privacydesk.server import serve as serving

        if tls:
            # The environment too: the background worker and its settings follow it.
            os.environ["PRIVACYDESK_SECURE_COOKIES"] = "true"
            _secure_cookies()
            if not (cert and keyfile):
                from privacydesk.server import tls as tlsmod

                cert, keyfile = tlsmod.self_signed(
                    Path(os.environ.get("PRIVACYDESK_DATA_DIR", "var")))
                self.echo(f"Using a SELF-SIGNED certificate for local use only: {cert}",
                          err=True)
        scheme = "https" if tls else "http"
        self.echo(f"privacydesk on {scheme}://{host}:{port}/ (no access log; Ctrl-C stops)",
                  err=True)
        # E-mail links go to the address served here unless the operator set one (#15).
        self.echo(f"links in e-mails use {public_url.adopt(scheme, host, port)}/", err=True)
        redirector = None
        if tls and redirect_port:
            redirector = subprocess.Popen([  # noqa: S603 - our own module, fixed arguments
                sys.executable, "-m", "privacydesk.server.redirect", "--host", host,
                "--port", str(redirect_port), "--https-port", str(port)])
            self.echo(f"plain HTTP on port {redirect_port} redirects to HTTPS", err=True)
        # The embedded default: the background jobs run in one worker process beside
        # gunicorn, never in a web worker's thread (#14.4).
        background = start_beside_server()
        if background is not None:
            self.echo("background worker started (PRIVACYDESK_SCHEDULER=embedded)", err=True)
        try:
            serving.run(host, port, workers, cert if tls else None, keyfile if tls else None)
        finally:
            for child in (redirector, background):
                if child is not None:
                    child.terminate()
