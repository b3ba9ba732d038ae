"""A real Dovecot for the IMAP connector's tests, and sockets that misbehave.

Dovecot runs from a config file in a temporary folder (the approach of
tests/requests/conftest.py, copied: that conftest needs Django): plaintext login on
127.0.0.1, a passwd-file, Maildir in the folder, a free port, and imaps on a second port
with a self-signed certificate made at start; stopped by the PID the fixture started. Every
test gets a mailbox of its own (one of the users of the passwd-file), so tests never see
each other's messages.
"""

from __future__ import annotations

import imaplib
import pwd
import shutil
import socket
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import count
from pathlib import Path

import pytest

from tests.systems.servers import shared

_MAILBOXES = 200

_CONF = """\
protocols = imap
listen = 127.0.0.1
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
ssl = yes
ssl_cert = <{root}/cert.pem
ssl_key = <{root}/key.pem
disable_plaintext_auth = no
auth_mechanisms = plain login
auth_failure_delay = 0
default_internal_user = dovecot
default_login_user = dovenull
first_valid_uid = 1
mail_location = maildir:{root}/mail/%u
passdb {{
  driver = passwd-file
  args = {root}/passwd
}}
userdb {{
  driver = passwd-file
  args = {root}/passwd
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {tls_port}
  }}
}}
service anvil {{
  chroot =
}}
"""

#: A full-text index as docs/connectors/imap.md recommends for a mailbox searched by
#: privacydesk: Xapian (dovecot-fts-xapian), every message indexed on arrival, n-grams of 3 to
#: 20 characters so a substring ("5678" of "0612345678", "jansen" of "carla.jansen@…")
#: is found as the server finds it without an index.
FTS_CONF = """\
mail_plugins = $mail_plugins fts fts_xapian
plugin {
  fts = xapian
  fts_xapian = partial=3 full=20
  fts_autoindex = yes
  fts_enforced = yes
}
service indexer-worker {
  vsz_limit = 2G
}
"""

#: For a Maildir only Dovecot writes to (delivery through its LDA or LMTP, as a mail server
#: with search runs): Dovecot trusts its own index instead of reading the folder's
#: directory again before opening, flagging or expunging a message (docs/connectors/imap.md).
MAILDIR_CONF = "maildir_very_dirty_syncs = yes\n"


def crlf(raw: bytes) -> bytes:
    """`raw` with CRLF line ends, as a mail server stores and serves it."""
    return raw.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Mailbox:
    """One user's mailbox on the running Dovecot."""

    user: str
    password: str
    port: int
    tls_port: int

    @property
    def url(self) -> str:
        return f"imap://{self.user}:{self.password}@127.0.0.1:{self.port}/"

    @property
    def tls_url(self) -> str:
        return f"imaps://{self.user}:{self.password}@127.0.0.1:{self.tls_port}/"

    def login(self) -> imaplib.IMAP4:
        conn = imaplib.IMAP4("127.0.0.1", self.port, timeout=10)
        conn.login(self.user, self.password)
        return conn

    def create(self, *folders: str) -> None:
        conn = self.login()
        for folder in folders:
            assert conn.create(f'"{folder}"')[0] == "OK", folder
        conn.logout()

    def append(self, folder: str, *raws: bytes, flags: str = "") -> None:
        """Deliver each of `raws` (CRLF line ends) into `folder`, as a mail program would."""
        conn = self.login()
        for raw in raws:
            status, _ = conn.append(f'"{folder}"', flags, None, raw)  # type: ignore[arg-type]
            assert status == "OK"
        conn.logout()

    def messages(self, folder: str) -> list[bytes]:
        """Every message of `folder`, as stored (without marking anything read)."""
        conn = self.login()
        conn.select(f'"{folder}"', readonly=True)
        _, data = conn.uid("FETCH", "1:*", "(BODY.PEEK[])")
        conn.logout()
        return [bytes(d[1]) for d in data if isinstance(d, tuple)]

    def flags(self, folder: str) -> list[str]:
        conn = self.login()
        conn.select(f'"{folder}"', readonly=True)
        _, data = conn.uid("FETCH", "1:*", "(FLAGS)")
        conn.logout()
        return [d.decode() for d in data if isinstance(d, bytes)]


class Dovecot:
    """A running Dovecot; `mailbox()` hands out a fresh user's empty mailbox."""

    password = "mailbox-secret-7Qx"

    def __init__(self, root: Path, *, fts: bool = False, settings: str = "") -> None:
        """Start Dovecot in `root`; `fts`: with the full-text index (FTS_CONF); `settings`:
        more lines for its configuration (the bench's MAILDIR_CONF)."""
        self.root, self.port, self.fts = root, free_port(), fts
        self._users = count(1)
        internal = pwd.getpwnam("dovecot")  # the Debian package's unprivileged user
        self._uid, self._gid = internal.pw_uid, internal.pw_gid
        for sub in ("run", "state", "mail"):
            (root / sub).mkdir(parents=True)
        root.chmod(0o755)
        # Every mailbox a session may need, written before Dovecot starts: it reads the file
        # again only when its mtime changes (one-second steps), too coarse for fast tests.
        (root / "passwd").write_text("".join(
            f"box{n}:{{PLAIN}}{self.password}:{self._uid}:{self._gid}::{root}/mail/box{n}::\n"
            for n in range(1, _MAILBOXES + 1)))
        shutil.chown(root / "mail", self._uid, self._gid)
        # A certificate of its own for imaps:// (tests trust it through SSL_CERT_FILE).
        self.tls_port, self.certificate = free_port(), root / "cert.pem"
        subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
                        "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", str(root / "key.pem"),
                        "-out", str(self.certificate), "-subj", "/CN=127.0.0.1", "-addext",
                        "subjectAltName=IP:127.0.0.1", "-days", "2"],
                       check=True, capture_output=True)
        (root / "dovecot.conf").write_text(
            _CONF.format(root=root, port=self.port, tls_port=self.tls_port)
            + (FTS_CONF if fts else "") + settings)
        self.process = subprocess.Popen(["dovecot", "-F", "-c", str(root / "dovecot.conf")])
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.05)
        self.stop()
        raise RuntimeError("dovecot did not start: " + (root / "dovecot.log").read_text())

    def mailbox(self, *folders: str) -> Mailbox:
        """A new, empty mailbox with INBOX and `folders`."""
        number = next(self._users)
        assert number <= _MAILBOXES, "raise _MAILBOXES in tests/systems/servers/imap.py"
        box = Mailbox(f"box{number}", self.password, self.port, self.tls_port)
        box.create(*folders)
        return box

    def index(self, user: str) -> None:
        """Build the full-text index of every folder of `user` now (doveadm index), as an
        administrator does once for mail that was there before the index was configured."""
        assert self.fts, "this Dovecot runs without a full-text index"
        subprocess.run(["doveadm", "-c", str(self.root / "dovecot.conf"), "index", "-u", user,
                        "*"], check=True, capture_output=True)

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)


def _running(*, fts: bool, settings: str = "") -> Iterator[Dovecot]:
    # Not under pytest's 0700 temp folder: Dovecot's unprivileged processes must reach it.
    root = Path(tempfile.mkdtemp(prefix="privacydesk-imap-"))
    server = Dovecot(root, fts=fts, settings=settings)
    yield server
    server.stop()
    shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="session")
def dovecot_server() -> Iterator[Dovecot]:
    """One Dovecot for the session (it starts in well under a second), searching without
    a full-text index: it reads every message for SEARCH TEXT."""
    yield from shared("dovecot", lambda: _running(fts=False))


@pytest.fixture(scope="session")
def indexed_dovecot_server() -> Iterator[Dovecot]:
    """One Dovecot for the session configured as docs/connectors/imap.md recommends (and
    the bench measures): SEARCH TEXT answered by its Xapian index (FTS_CONF), Maildir
    trusted to its own index (MAILDIR_CONF)."""
    yield from shared("indexed-dovecot", lambda: _running(fts=True, settings=MAILDIR_CONF))


def _serve(answer: bytes | None) -> Iterator[int]:
    """A listening socket on a free port that accepts and then answers `answer` (or nothing)
    and keeps the connection open; closed when the fixture ends."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    held: list[socket.socket] = []
    stop = threading.Event()

    def loop() -> None:
        listener.settimeout(0.1)
        while not stop.is_set():
            try:
                client, _ = listener.accept()
            except OSError:
                continue
            held.append(client)
            if answer is not None:
                client.sendall(answer)

    thread = threading.Thread(target=loop, daemon=True)
    thread.start()
    yield int(listener.getsockname()[1])
    stop.set()
    thread.join(timeout=5)
    for client in held:
        client.close()
    listener.close()


@pytest.fixture
def silent_port() -> Iterator[int]:
    """A server that accepts connections and never says a word (a hung IMAP server)."""
    yield from _serve(None)


@pytest.fixture
def nonsense_port() -> Iterator[int]:
    """A server that answers like a web server, not an IMAP server."""
    yield from _serve(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")
