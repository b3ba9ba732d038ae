"""A real OpenLDAP slapd for the LDAP connector's tests, and sockets that misbehave.

slapd runs in the foreground from a slapd.conf in a temporary folder (mdb backend, the
Debian schemas, a rootdn with a password that needs URL-encoding), on a free loopback port;
it answers within a fraction of a second and is stopped by the PID the fixture started. The
package's own slapd service is never touched. Every test gets a subtree of its own
(`ou=t<hex>,dc=infactor,dc=test`), which its connection URL names as the base DN, so tests
never see each other's people.

Missing slapd is a failure, never a skip: scripts/bootstrap.sh installs Debian's slapd.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import pytest
from ldap3 import NONE, Connection, Server

SLAPD = "/usr/sbin/slapd"
SUFFIX = "dc=infactor,dc=test"
ADMIN = f"cn=admin,{SUFFIX}"
NOSCHEMA = f"cn=noschema,{SUFFIX}"
#: Needs percent-encoding in a URL (@ and /): the connector must decode it.
PASSWORD = "Geh31m@slapd/pw"

_TLS = """\
TLSCertificateFile {root}/server.crt
TLSCertificateKeyFile {root}/server.key
"""

_CONF = """\
{tls}include /etc/ldap/schema/core.schema
include /etc/ldap/schema/cosine.schema
include /etc/ldap/schema/inetorgperson.schema
include /etc/ldap/schema/nis.schema
modulepath /usr/lib/ldap
moduleload back_mdb
# A service account that may write but not read the schema (cn=noschema): what a directory
# with tight ACLs gives privacydesk. The rootdn passes every ACL.
access to dn.base="cn=Subschema" by dn.exact="{noschema}" none by * read
access to attrs=userPassword by anonymous auth by * none
access to * by dn.exact="{noschema}" write by * read
pidfile {root}/slapd.pid
argsfile {root}/slapd.args
database mdb
maxsize 33554432
# A test directory needs no durability: without fsync every write is fast.
dbnosync
suffix "{suffix}"
rootdn "{admin}"
rootpw {password}
directory {root}/db
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Tree:
    """One test's subtree: `base` its DN, `url` the connection URL with it as the base DN."""

    server: Slapd
    base: str

    @property
    def url(self) -> str:
        return self.server.url(self.base)

    def admin(self) -> Connection:
        """A bound connection as the rootdn (to seed and to look behind the connector)."""
        # get_info=NONE: reading the schema at every bind would cost a tenth of a second.
        connection = Connection(Server("127.0.0.1", port=self.server.port, get_info=NONE),
                                ADMIN, PASSWORD, raise_exceptions=True, receive_timeout=10)
        connection.open()
        connection.bind()
        return connection

    def add(self, rdn: str, classes: list[str], attributes: dict[str, object]) -> str:
        """Add the entry `rdn` + this tree's base; return its DN."""
        dn = f"{rdn},{self.base}"
        with self.admin() as connection:
            connection.add(dn, classes, attributes)
        return dn

    def entry(self, dn: str) -> dict[str, list[str]] | None:
        """Every user attribute of the entry at `dn` (names lower-case, values sorted), or
        None when there is no such entry."""
        with self.admin() as connection:
            try:
                connection.search(dn, "(objectClass=*)", "BASE", attributes=["*"])
            except Exception:  # noqa: BLE001 - noSuchObject: the entry is gone
                return None
            if not connection.response:
                return None
            raw = connection.response[0]["raw_attributes"]
            return {k.lower(): sorted(v.decode("utf-8", "replace") for v in vs)
                    for k, vs in raw.items()}

    def dns(self, below: str) -> list[str]:
        """The DNs one level below `below` (an RDN relative to the tree, e.g. "ou=former")."""
        with self.admin() as connection:
            connection.search(f"{below},{self.base}", "(objectClass=*)", "LEVEL",
                              attributes=["1.1"])
            return sorted(item["dn"] for item in connection.response)


class Slapd:
    """A running slapd; `tree()` makes a fresh subtree."""

    def __init__(self, root: Path, *, tls: bool = False) -> None:
        """Start slapd in `root`; with `tls` also an ldaps:// listener (`tls_port`) with a
        self-signed certificate for 127.0.0.1 (`certificate`)."""
        if not Path(SLAPD).exists():
            pytest.fail(f"{SLAPD} is missing: install Debian's slapd "
                        "(bash scripts/bootstrap.sh --system, as root)")
        self.root = root
        (root / "db").mkdir(parents=True)
        self.certificate = root / "server.crt"
        if tls:
            subprocess.run(
                ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                 "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2", "-subj",
                 "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1", "-keyout",
                 str(root / "server.key"), "-out", str(self.certificate)],
                check=True, capture_output=True)
        (root / "slapd.conf").write_text(_CONF.format(
            root=root, suffix=SUFFIX, admin=ADMIN, password=PASSWORD, noschema=NOSCHEMA,
            tls=_TLS.format(root=root) if tls else ""))
        self.port = free_port()
        self.tls_port = free_port() if tls else 0
        listeners = f"ldap://127.0.0.1:{self.port}/"
        if tls:
            listeners += f" ldaps://127.0.0.1:{self.tls_port}/"
        self._log = open(root / "slapd.log", "wb")  # noqa: SIM115 - lives as long as slapd
        # -d 0: stay in the foreground (so the PID is slapd's own) and log nothing.
        self.process = subprocess.Popen(
            [SLAPD, "-h", listeners, "-f", str(root / "slapd.conf"), "-d", "0"],
            stdout=self._log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 10
        while True:
            if self.process.poll() is not None:
                pytest.fail("slapd exited: " + (root / "slapd.log").read_text()[-2000:])
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    self.stop()
                    pytest.fail("slapd did not listen within 10 s")
                time.sleep(0.02)
        connection = Connection(Server("127.0.0.1", port=self.port, get_info=NONE), ADMIN,
                                PASSWORD, raise_exceptions=True, auto_bind=True)
        connection.add(SUFFIX, ["dcObject", "organization"], {"o": "InFactor"})
        connection.add(NOSCHEMA, ["organizationalRole", "simpleSecurityObject"],
                       {"userPassword": PASSWORD})
        connection.unbind()

    def url(self, base: str = SUFFIX, password: str = PASSWORD, *, tls: bool = False,
            user: str = ADMIN) -> str:
        scheme, port = ("ldaps", self.tls_port) if tls else ("ldap", self.port)
        return (f"{scheme}://{quote(user, safe='=,')}:{quote(password, safe='')}"
                f"@127.0.0.1:{port}/{base}")

    def tree(self) -> Tree:
        tree = Tree(self, f"ou=t{uuid.uuid4().hex[:12]},{SUFFIX}")
        with tree.admin() as connection:
            connection.add(tree.base, ["organizationalUnit"])
        return tree

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=5)
        self._log.close()


def _running(tls: bool) -> Iterator[Slapd]:
    root = Path(tempfile.mkdtemp(prefix="privacydesk-slapd-"))
    server = Slapd(root, tls=tls)
    try:
        yield server
    finally:
        server.stop()
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="module")
def slapd_server() -> Iterator[Slapd]:
    yield from _running(tls=False)


@pytest.fixture(scope="module")
def slapd_tls_server() -> Iterator[Slapd]:
    """slapd with an ldaps:// listener as well (a self-signed certificate)."""
    yield from _running(tls=True)


def _serve(answer: bytes | None) -> Iterator[int]:
    """A port whose listener accepts, reads, then answers `answer` (None: never answers) and
    keeps the connection open; closed when the fixture ends."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    stop = threading.Event()
    held: list[socket.socket] = []

    def loop() -> None:
        listener.settimeout(0.1)
        while not stop.is_set():
            try:
                client, _ = listener.accept()
            except OSError:
                continue
            held.append(client)
            if answer is not None:
                client.settimeout(1)
                try:
                    client.recv(4096)
                    client.sendall(answer)
                except OSError:
                    pass

    thread = threading.Thread(target=loop, daemon=True)
    thread.start()
    try:
        yield int(listener.getsockname()[1])
    finally:
        stop.set()
        thread.join(timeout=2)
        for client in held:
            client.close()
        listener.close()


@pytest.fixture
def silent_port() -> Iterator[int]:
    """A server that accepts the connection and never says a word."""
    yield from _serve(None)


@pytest.fixture
def http_port() -> Iterator[int]:
    """A web server where the directory should be: it answers the bind with HTTP."""
    yield from _serve(b"HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain\r\n"
                      b"Content-Length: 11\r\n\r\nBad Request" + b"\r\n" * 2000)
