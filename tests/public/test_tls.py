"""Sec2: `privacydesk serve --tls` serves HTTPS with the security headers and cookie flags the
promise needs, plain HTTP is redirected to HTTPS, and testssl.sh finds no weak protocol or
cipher. Each test runs the real gunicorn with the self-signed local certificate."""

from __future__ import annotations

import http.client
import json
import re
import shutil
import ssl
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest


def _https_get(port: int, path: str) -> http.client.HTTPResponse:
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE  # the self-signed local certificate
    conn = http.client.HTTPSConnection("127.0.0.1", port, context=context, timeout=30)
    conn.request("GET", path, headers={"Accept": "text/html"})
    response = conn.getresponse()
    response.read()
    conn.close()
    return response


@pytest.fixture(scope="module")
def tls_server(tmp_path_factory: pytest.TempPathFactory, realserver: Any) -> Any:
    with realserver.running(tmp_path_factory.mktemp("tls") / "data", "--tls") as server:
        yield server


@pytest.mark.slow
@pytest.mark.live
@pytest.mark.parametrize("path", ["/", "/en/contact/", "/nl/request/", "/en/concern/"])
def test_https_pages_send_hsts_csp_and_the_other_security_headers(tls_server: Any,
                                                                  path: str) -> None:
    response = _https_get(tls_server.port, path)
    assert response.status == 200
    hsts = response.getheader("Strict-Transport-Security", "")
    assert int(re.search(r"max-age=(\d+)", hsts).group(1)) >= 31536000  # type: ignore[union-attr]
    assert "includeSubDomains" in hsts
    csp = response.getheader("Content-Security-Policy", "")
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";") if d.strip())
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'" and "unsafe" not in csp  # strict: no inline
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'" and directives["base-uri"] == "'none'"
    assert response.getheader("X-Content-Type-Options") == "nosniff"
    assert response.getheader("Referrer-Policy") == "same-origin"
    assert response.getheader("X-Frame-Options") == "DENY"


@pytest.mark.slow
@pytest.mark.live
def test_form_cookies_are_secure_httponly_and_same_site(tls_server: Any) -> None:
    response = _https_get(tls_server.port, "/nl/contact/")
    cookie = response.getheader("Set-Cookie", "")
    assert cookie.startswith("csrftoken=")
    flags = {part.strip().split("=")[0].lower() for part in cookie.split(";")}
    assert {"secure", "httponly", "samesite"} <= flags
    assert "SameSite=Lax" in cookie


@pytest.mark.slow
@pytest.mark.live
def test_the_self_signed_certificate_says_so(tls_server: Any) -> None:
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    import socket
    with socket.create_connection(("127.0.0.1", tls_server.port)) as raw, \
            context.wrap_socket(raw) as tls:
        der = tls.getpeercert(binary_form=True)
        assert tls.version() in ("TLSv1.2", "TLSv1.3")
    from cryptography import x509

    from privacydesk.server.tls import LABEL
    assert LABEL in x509.load_der_x509_certificate(der).subject.rfc4514_string()
    assert "SELF-SIGNED" in tls_server.stderr.read_text()


@pytest.mark.slow
@pytest.mark.live
def test_plain_http_is_redirected_to_https(tls_server: Any, realserver: Any,
                                          tmp_path: Path) -> None:
    port = realserver.free_port()
    out = tmp_path / "redirect.out"
    with open(out, "wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "privacydesk.server.redirect", "--port", str(port),
             "--https-port", str(tls_server.port)],
            env=tls_server.env, stdout=log, stderr=log)
        try:
            realserver.wait_for_port(port, process)
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            conn.request("GET", "/en/contact/?from=http",
                         headers={"Host": f"127.0.0.1:{port}", "User-Agent": "probe-ua-http"})
            response = conn.getresponse()
            assert response.status == 301
            location = response.getheader("Location")
            assert location == f"https://127.0.0.1:{tls_server.port}/en/contact/?from=http"
            response.read()
            conn.request("GET", "/", headers={"Host": "evil.example/@attacker"})
            forged = conn.getresponse()
            assert forged.getheader("Location", "").startswith("https://localhost:")
        finally:
            process.terminate()
            process.wait(timeout=10)
    assert _https_get(tls_server.port, "/en/contact/?from=http").status == 200
    assert "probe-ua-http" not in out.read_text()  # W1 holds for the redirector too


@pytest.mark.slow
@pytest.mark.live
def test_testssl_finds_no_weak_protocol_or_cipher(tls_server: Any, tmp_path: Path) -> None:
    testssl = shutil.which("testssl") or shutil.which("testssl.sh")
    assert testssl, "testssl.sh is installed by scripts/bootstrap.sh --system"
    report = tmp_path / "testssl.json"
    subprocess.run([testssl, "--quiet", "--color", "0", "--warnings", "off",
                    "--protocols", "--std", "--ip", "one", "--nodns", "min",
                    "--jsonfile", str(report), f"127.0.0.1:{tls_server.port}"],
                   capture_output=True, timeout=600)
    findings = {f["id"]: f for f in json.loads(report.read_text())}
    for protocol in ("SSLv2", "SSLv3", "TLS1", "TLS1_1"):
        assert findings[protocol]["finding"].startswith("not offered"), protocol
    assert findings["TLS1_2"]["finding"].startswith("offered")
    for weak in ("cipherlist_NULL", "cipherlist_aNULL", "cipherlist_EXPORT",
                 "cipherlist_LOW", "cipherlist_3DES_IDEA", "cipherlist_AVERAGE"):
        assert findings[weak]["finding"] == "not offered", weak
    bad = [f"{f['id']}: {f['finding']}" for f in findings.values()
           if f["severity"] in ("LOW", "MEDIUM", "HIGH", "CRITICAL")]
    assert bad == []
