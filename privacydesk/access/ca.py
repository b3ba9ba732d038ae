"""privacydesk's SSH certificate authority: the real ssh-keygen signs and revokes (A2).

The CA private key is `settings.PRIVACYDESK_ACCESS_CA_KEY` when set, else
`<data dir>/access/ca_ed25519`, generated on first use with mode 0600 (its folder 0700).
Clients trust `ca_public_key()` through sshd's TrustedUserCAKeys and read the revocation
list written by `write_krl()` through RevokedKeys.

Contract of `sign()`: one principal, an explicit UTC window (-V from:to, whole seconds), the
grant id as key id (-I) and the serial (-z); port, agent and X11 forwarding are removed;
`force_command` (optional) pins the one command the action needs.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings

from privacydesk.access import keys

_TIMEOUT = 20
NO_FORWARDING = ("no-port-forwarding", "no-agent-forwarding", "no-x11-forwarding")


class CaError(RuntimeError):
    """ssh-keygen failed, or the CA key is missing or unsafe."""


def _run(args: list[str]) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(args, capture_output=True, text=True, timeout=_TIMEOUT, check=False)
    if done.returncode != 0:
        raise CaError(f"{args[0]} {args[1]} failed: {done.stderr.strip()[:300]}")
    return done


def ca_key_path() -> Path:
    configured = settings.PRIVACYDESK_ACCESS_CA_KEY
    return Path(configured) if configured else Path(settings.DATA_DIR) / "access" / "ca_ed25519"


def ensure_ca() -> Path:
    """Return the CA private key's path, generating the key (0600) if there is none yet.
    Two processes racing both generate; os.link makes exactly one of the keys the CA."""
    path = ca_key_path()
    if path.exists():
        if path.stat().st_mode & 0o077:
            raise CaError(f"the CA key {path} is readable by others; chmod 600 it")
        return path
    if settings.PRIVACYDESK_ACCESS_CA_KEY:
        raise CaError(f"the configured CA key {path} does not exist")
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=path.parent, prefix=".ca-") as tmp:
        fresh = Path(tmp) / "ca"
        _run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "privacydesk-access-ca",
              "-f", str(fresh)])
        os.chmod(fresh, 0o600)
        try:
            os.link(fresh, path)
        except FileExistsError:
            return path  # another process made the CA first; use theirs
        pub = path.with_name(path.name + ".pub")
        pub.unlink(missing_ok=True)
        os.link(fresh.with_suffix(".pub"), pub)
    return path


def ca_public_key() -> str:
    """The CA's public key line, for the clients' TrustedUserCAKeys."""
    path = ensure_ca()
    pub = path.with_name(path.name + ".pub")
    if not pub.exists():  # a configured key without its .pub: derive it
        return _run(["ssh-keygen", "-y", "-f", str(path)]).stdout.strip()
    return pub.read_text(encoding="ascii").strip()


def ca_fingerprint() -> str:
    with tempfile.TemporaryDirectory(prefix="privacydesk-ca-") as tmp:
        pub = Path(tmp) / "ca.pub"
        pub.write_text(ca_public_key() + "\n", encoding="ascii")
        return keys.fingerprint(pub)[1]


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%d%H%M%SZ")


def sign(public_key: str, *, key_id: str, serial: int, principal: str,
         valid_after: datetime, valid_before: datetime, force_command: str = "") -> str:
    """Sign `public_key` ("type base64") and return the certificate line."""
    options = [arg for opt in NO_FORWARDING for arg in ("-O", opt)]
    if force_command:
        options += ["-O", f"force-command={force_command}"]
    with tempfile.TemporaryDirectory(prefix="privacydesk-sign-") as tmp:
        pub = Path(tmp) / "key.pub"
        pub.write_text(public_key + "\n", encoding="ascii")
        _run(["ssh-keygen", "-q", "-s", str(ensure_ca()), "-I", key_id, "-n", principal,
              "-z", str(serial), "-V", f"{_stamp(valid_after)}:{_stamp(valid_before)}",
              *options, str(pub)])
        return (Path(tmp) / "key-cert.pub").read_text(encoding="ascii").strip()


def write_krl(serials: list[int], output: Path) -> Path:
    """Write a KRL revoking `serials` of this CA to `output` (replaced atomically, so an
    sshd reading it never sees half a file). An empty list writes an empty, valid KRL."""
    output = Path(output)
    with tempfile.TemporaryDirectory(prefix="privacydesk-krl-") as tmp:
        spec = Path(tmp) / "spec"
        spec.write_text("".join(f"serial: {s}\n" for s in sorted(set(serials))),
                        encoding="ascii")
        pub = Path(tmp) / "ca.pub"
        pub.write_text(ca_public_key() + "\n", encoding="ascii")
        built = Path(tmp) / "krl"
        _run(["ssh-keygen", "-q", "-k", "-f", str(built), "-s", str(pub), str(spec)])
        staged = output.with_name(f".{output.name}.{os.getpid()}.tmp")
        staged.write_bytes(built.read_bytes())
        os.chmod(staged, 0o644)
        staged.replace(output)
    return output
