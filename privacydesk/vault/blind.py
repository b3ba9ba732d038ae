"""Blind indexes: find a person by e-mail (or phone, …) without decrypting or scanning.

`blind_index(value, kind=...)` is HMAC-SHA256 of the normalised value under a key derived
per kind from the keyring's index key, as 64 hex characters. Equal values give equal
indexes; the index reveals nothing without the key, and an e-mail index cannot be matched
against a phone index. The index key never rotates with the encryption keys (see keyring).
This is on a hot path: the keyed HMAC state per kind is prepared once and copied per call.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Callable

from privacydesk.vault import VaultError, keyring

_PHONE_NOISE = re.compile(r"[\s().\-/]")


def _normalise_text(value: str) -> str:
    return " ".join(value.split()).casefold()


NORMALISERS: dict[str, Callable[[str], str]] = {
    "email": lambda v: v.strip().casefold(),
    "phone": lambda v: _PHONE_NOISE.sub("", v),
    "iban": lambda v: "".join(v.split()).upper(),
}


def normalise(value: str, kind: str) -> str:
    """Return the form of `value` that is indexed: e-mail stripped and case-folded, phone
    without spaces and separators, IBAN without spaces in upper case, anything else with
    collapsed whitespace and case-folded."""
    return NORMALISERS.get(kind, _normalise_text)(value)


def blind_index(value: str, *, kind: str = "email") -> str:
    """Return the 64-hex-character blind index of `value` for this `kind`."""
    ring = keyring.get()
    base = ring._index_macs.get(kind)
    if base is None:
        if not kind or not kind.isidentifier():
            raise VaultError(f"blind index kind {kind!r} must be a simple name like 'email'")
        kind_key = hmac.digest(ring.index_key, b"kind\x1f" + kind.encode(), "sha256")
        base = ring._index_macs[kind] = hmac.new(kind_key, digestmod=hashlib.sha256)
    mac = base.copy()
    mac.update(normalise(value, kind).encode("utf-8"))
    return mac.hexdigest()
