"""The plain-HTTP listener that sends every request to HTTPS (Sec2), logging nothing (W1).

`privacydesk serve --tls` serves HTTPS only; run this next to it on port 80 (or let the
proxy in deploy/ do the same). Every request gets a 301 to the same host and path on the
HTTPS port; the body is empty and nothing about the request is kept.

    python -m privacydesk.server.redirect --port 80 --https-port 443
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import quote

from privacydesk.server.serve import PrivacydeskApplication, gunicorn_options

StartResponse = Callable[[str, list[tuple[str, str]]], Any]


def https_location(environ: dict[str, Any], https_port: int) -> str:
    """Return the HTTPS URL for the request in `environ` (host without its HTTP port)."""
    host = str(environ.get("HTTP_HOST") or environ.get("SERVER_NAME") or "localhost")
    if host.startswith("["):  # IPv6 literal, maybe with a port
        name = host[: host.index("]") + 1]
    else:
        name = host.rsplit(":", 1)[0]
    if not all(ch.isalnum() or ch in ".-[]:" for ch in name):
        name = "localhost"  # a forged Host header cannot steer the redirect elsewhere
    port = "" if https_port == 443 else f":{https_port}"
    path = quote(str(environ.get("PATH_INFO") or "/"), safe="/%:@&=+$,;~!*'()-._")
    query = str(environ.get("QUERY_STRING") or "")
    return f"https://{name}{port}{path}" + (f"?{query}" if query else "")


def make_app(https_port: int) -> Callable[[dict[str, Any], StartResponse], Iterable[bytes]]:
    """Return the WSGI application that redirects everything to HTTPS on `https_port`."""

    def app(environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        start_response("301 Moved Permanently", [
            ("Location", https_location(environ, https_port)),
            ("Content-Length", "0"),
            ("Cache-Control", "max-age=3600"),
        ])
        return [b""]

    return app


class RedirectApplication(PrivacydeskApplication):
    """gunicorn with privacydesk's private logger, serving only the redirect."""

    def __init__(self, options: dict[str, Any], https_port: int) -> None:
        self.https_port = https_port
        super().__init__(options)

    def load(self) -> Any:
        return make_app(self.https_port)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else "")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8080)
    parser.add_argument("--https-port", type=int, default=8443)
    args = parser.parse_args(argv)
    RedirectApplication(gunicorn_options([f"{args.host}:{args.port}"], 1),
                        args.https_port).run()


if __name__ == "__main__":
    main()
