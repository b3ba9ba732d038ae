"""A real OpenSSH sshd on a loopback port, trusting privacydesk's CA (for the live tests).

It runs as the current user with its own config, host key, TrustedUserCAKeys (the CA's
public key), AuthorizedPrincipalsFile (per login user) and RevokedKeys (a KRL file), and
only public-key/certificate authentication. Missing sshd is a failure, never a skip:
scripts/bootstrap.sh --system installs Debian's openssh-server.
"""

from __future__ import annotations

import getpass
import os
import shutil
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

SSHD = "/usr/sbin/sshd"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Sshd:
    folder: Path
    port: int
    process: subprocess.Popen[bytes]
    krl: Path
    principals: Path
    known_hosts: Path
    user: str

    def ssh(self, key: Path, certificate: Path, login: str | None = None,
            command: str = "true") -> subprocess.CompletedProcess[str]:
        """Log in with `key` + `certificate` and run `command`; only the certificate can
        work (no agent, no other identities, no password)."""
        return subprocess.run(
            ["ssh", "-F", "/dev/null", "-i", str(key), "-o", f"CertificateFile={certificate}",
             "-o", "IdentitiesOnly=yes", "-o", "IdentityAgent=none", "-o", "BatchMode=yes",
             "-o", "PreferredAuthentications=publickey", "-o", "StrictHostKeyChecking=yes",
             "-o", f"UserKnownHostsFile={self.known_hosts}", "-o", "ConnectTimeout=10",
             "-p", str(self.port), f"{login or self.user}@127.0.0.1", command],
            capture_output=True, text=True, timeout=30, check=False)


def start_sshd(folder: Path, ca_public_key: str, principals: list[str]) -> Sshd:
    """Start sshd in the foreground (killed by `stop`); the login user is the current one,
    who may log in with a certificate naming one of `principals`."""
    if not Path(SSHD).exists() or shutil.which("ssh") is None:
        pytest.fail(f"{SSHD} (or ssh) is missing: install Debian's openssh-server and "
                    "openssh-client (bash scripts/bootstrap.sh --system, as root)")
    Path("/run/sshd").mkdir(mode=0o755, exist_ok=True)  # its privilege-separation folder
    folder.mkdir(parents=True, exist_ok=True)
    host_key = folder / "host_ed25519"
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(host_key)],
                   check=True)
    (folder / "ca.pub").write_text(ca_public_key + "\n")
    user = getpass.getuser()
    allowed = folder / "principals"
    allowed.mkdir()
    (allowed / user).write_text("".join(p + "\n" for p in principals))
    krl = folder / "revoked.krl"
    port = _free_port()
    config = folder / "sshd_config"
    config.write_text(f"""
Port {port}
ListenAddress 127.0.0.1
HostKey {host_key}
PidFile {folder / "sshd.pid"}
TrustedUserCAKeys {folder / "ca.pub"}
AuthorizedPrincipalsFile {allowed}/%u
AuthorizedKeysFile none
RevokedKeys {krl}
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
PermitRootLogin prohibit-password
UsePAM no
StrictModes no
LogLevel VERBOSE
""")
    known = folder / "known_hosts"
    known.write_text(f"[127.0.0.1]:{port} " + " ".join(
        host_key.with_suffix(".pub").read_text().split()[:2]) + "\n")
    log = open(folder / "sshd.log", "wb")  # noqa: SIM115 - lives as long as the server
    process = subprocess.Popen([SSHD, "-D", "-e", "-f", str(config)], stdout=log,
                               stderr=subprocess.STDOUT, env={**os.environ})
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"sshd exited: {(folder / 'sshd.log').read_text()[-2000:]}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.05)
    else:
        process.kill()
        pytest.fail("sshd did not listen within 10 s")
    return Sshd(folder, port, process, krl, allowed, known, user)


def stop(server: Sshd) -> None:
    server.process.terminate()
    try:
        server.process.wait(timeout=5)
    except subprocess.TimeoutExpired:
        server.process.kill()
        server.process.wait(timeout=5)


def log_text(server: Sshd) -> str:
    return (server.folder / "sshd.log").read_text(errors="replace")
