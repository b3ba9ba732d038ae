"""The public address the links in e-mails point to, when the operator did not set one.

`PRIVACYDESK_PUBLIC_URL` defaults to http://127.0.0.1:8000. A demo or a local server on
another port (`demo --serve --port 8123`, `serve --port 9000 --tls`) would otherwise mail
confirmation and download links to a port nobody serves (issue #15). `serve` and `demo`
call `adopt` before they start: a value the operator set always wins.
"""

from __future__ import annotations

import os

NAME = "PRIVACYDESK_PUBLIC_URL"
# A server bound to every interface is reached on this machine through loopback.
_ANY = {"0.0.0.0": "127.0.0.1", "::": "[::1]", "": "127.0.0.1"}  # noqa: S104 - a mapping


def served_url(scheme: str, host: str, port: int) -> str:
    """The address a browser on this machine uses for a server bound to `host`:`port`."""
    name = _ANY.get(host, host)
    if ":" in name and not name.startswith("["):
        name = f"[{name}]"  # an IPv6 literal in a URL
    return f"{scheme}://{name}:{port}"


def adopt(scheme: str, host: str, port: int) -> str:
    """Use the served address for e-mail links unless `PRIVACYDESK_PUBLIC_URL` is set in
    the environment; return the public address now in force. Sets the environment too, so
    the background worker started beside the server mails the same links."""
    from django.conf import settings

    chosen = os.environ.get(NAME, "").strip()
    if not chosen:
        chosen = served_url(scheme, host, port)
        os.environ[NAME] = chosen
        settings.PRIVACYDESK_PUBLIC_URL = chosen
    return chosen
