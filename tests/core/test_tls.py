"""Sec2: the local self-signed certificate is labelled as such and reused."""

from __future__ import annotations

import stat
from pathlib import Path

from cryptography import x509

from privacydesk.server.tls import LABEL, self_signed


def test_self_signed_pair_is_labelled_private_and_reused(tmp_path: Path) -> None:
    cert_path, key_path = self_signed(tmp_path)
    cert = x509.load_pem_x509_certificate(Path(cert_path).read_bytes())
    assert LABEL in cert.subject.rfc4514_string()
    assert stat.S_IMODE(Path(key_path).stat().st_mode) == 0o600
    first = Path(cert_path).read_bytes()
    assert self_signed(tmp_path) == (cert_path, key_path)
    assert Path(cert_path).read_bytes() == first  # reused, not regenerated
