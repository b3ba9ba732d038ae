"""Staff SSH public keys: what privacydesk accepts before it signs one (A2).

Accepted: ed25519, ECDSA (nistp256/384/521) and RSA of at least 3072 bits — the key types
OpenSSH itself recommends. Certificates, option prefixes and anything ssh-keygen cannot read
are refused with RuleViolation("public_key", "A2", ...). The comment is dropped: it is often
an e-mail address and the certificate does not need it.
"""

from __future__ import annotations

import re
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from privacydesk.policy.errors import RuleViolation

MIN_RSA_BITS = 3072
ALLOWED_TYPES = ("ssh-ed25519", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384",
                 "ecdsa-sha2-nistp521", "ssh-rsa")
_LINE = re.compile(r"^(?P<type>[a-z0-9@.-]+) (?P<blob>[A-Za-z0-9+/]+={0,3})(?: .*)?$")
_LISTING = re.compile(r"^(?P<bits>\d+) (?P<fp>SHA256:[A-Za-z0-9+/=]+) .*\((?P<kind>[A-Z0-9-]+)\)$")


@dataclass(frozen=True)
class PublicKey:
    """A validated key: the line to sign ("type base64"), its type, size and fingerprint."""

    line: str
    key_type: str
    bits: int
    fingerprint: str


def _refuse(message: str) -> RuleViolation:
    return RuleViolation("public_key", "A2", message)


def fingerprint(path: Path) -> tuple[int, str]:
    """(bits, SHA256 fingerprint) of a key or certificate file, read by ssh-keygen -l."""
    done = subprocess.run(["ssh-keygen", "-l", "-f", str(path)], capture_output=True,
                          text=True, timeout=10, check=False)
    found = _LISTING.match(done.stdout.strip()) if done.returncode == 0 else None
    if found is None:
        raise _refuse("ssh-keygen cannot read this public key")
    return int(found["bits"]), found["fp"]


def parse_public_key(text: str) -> PublicKey:
    """Validate one OpenSSH public key line; RuleViolation("public_key", "A2") otherwise."""
    lines = [ln.strip() for ln in (text or "").strip().splitlines() if ln.strip()]
    if len(lines) != 1:
        raise _refuse("paste exactly one public key line (the contents of your .pub file)")
    found = _LINE.match(lines[0])
    if found is None:
        raise _refuse("not an OpenSSH public key line (type, base64 key, optional comment)")
    key_type = found["type"]
    if "-cert-" in key_type:
        raise _refuse("this is a certificate; upload the public key itself")
    if key_type not in ALLOWED_TYPES:
        raise _refuse(f"key type {key_type!r} is not accepted; use ed25519, ECDSA or RSA "
                      f"of at least {MIN_RSA_BITS} bits")
    line = f"{key_type} {found['blob']}"
    with tempfile.TemporaryDirectory(prefix="privacydesk-key-") as tmp:
        path = Path(tmp) / "key.pub"
        path.write_text(line + "\n", encoding="ascii")
        bits, fp = fingerprint(path)
    if key_type == "ssh-rsa" and bits < MIN_RSA_BITS:
        raise _refuse(f"an RSA key must have at least {MIN_RSA_BITS} bits; this one has {bits}")
    return PublicKey(line=line, key_type=key_type, bits=bits, fingerprint=fp)
