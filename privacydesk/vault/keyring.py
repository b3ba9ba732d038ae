"""The keyring: key-encryption keys (KEKs) by id, the current KEK, the blind-index and
audit keys.

Envelope encryption (vault/datakeys.py): sealed fields are encrypted with data keys kept in
the database; the keys here only wrap (encrypt) those data keys, and seal files (backups,
report deliveries) directly. `KeyEncryptionKeys` is the whole interface the vault needs from
a KEK store, so a KMS or Vault's transit engine can replace this file-or-variable ring later.

Keys come from `settings.PRIVACYDESK_KEYS` ("id:base64key,id:base64key", the last is
current) or else from the JSON key file `settings.PRIVACYDESK_KEY_FILE`:

    {"version": 1, "current": "k20261125a1b2",
     "keys": [{"id": "k20261125a1b2", "key": "<base64 of 32 bytes>", "created": "..."}],
     "index_secret": "<base64>", "audit_secret": "<base64>"}

Old KEKs stay in the ring for as long as files sealed under them (backups) are kept;
once `keys rotate` has re-wrapped the data keys, the database no longer needs them.
The blind-index key and the audit-chain key never change when the encryption key rotates:
they come from `index_secret` / `audit_secret` (file), from the reserved ids `index:` /
`audit:` (variable), or else are derived by HKDF from the FIRST encryption key — which is
why the first key must stay listed for as long as indexes and the chain are in use.

In development a missing key file is created on first use (0600). In production a missing
key is an error: keys are never generated silently.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
import secrets
import tempfile
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.signals import setting_changed

from privacydesk.vault import VaultError

KEY_BYTES = 32  # AES-256
RESERVED_IDS = ("index", "audit")
_KEY_SETTINGS = {"PRIVACYDESK_KEYS", "PRIVACYDESK_KEY_FILE", "PRIVACYDESK_ENV"}


class KeyEncryptionKeys(Protocol):
    """What the vault needs from a KEK store (this file-or-variable ring, later a KMS)."""

    current_id: str

    def wrap(self, key: bytes, *, aad: bytes) -> tuple[str, bytes]:
        """Encrypt a data key under the current KEK: (KEK id, wrapped bytes)."""

    def unwrap(self, kek_id: str, wrapped: bytes, *, aad: bytes) -> bytes:
        """Return the data key wrapped by `wrap`; KeyError for an unknown KEK id,
        cryptography's InvalidTag if the bytes or the AAD do not authenticate."""


@dataclass
class Keyring:
    """Every key this process may use. `keys` maps key id -> 32 raw bytes."""

    current_id: str
    keys: dict[str, bytes]
    index_key: bytes
    audit_key: bytes
    source: str  # "env" | "file"
    _aeads: dict[str, AESGCM] = field(default_factory=dict, repr=False)
    _index_macs: dict[str, Any] = field(default_factory=dict, repr=False)

    def aead(self, key_id: str) -> AESGCM:
        """Return the AES-GCM cipher for `key_id`; KeyError if the ring does not hold it."""
        cipher = self._aeads.get(key_id)
        if cipher is None:
            cipher = self._aeads[key_id] = AESGCM(self.keys[key_id])
        return cipher

    def wrap(self, key: bytes, *, aad: bytes) -> tuple[str, bytes]:
        """Encrypt a data key under the current KEK (AES-GCM, fresh nonce, `aad` bound)."""
        nonce = os.urandom(12)
        return self.current_id, nonce + self.aead(self.current_id).encrypt(nonce, key, aad)

    def unwrap(self, kek_id: str, wrapped: bytes, *, aad: bytes) -> bytes:
        """Return the data key `wrap` encrypted; KeyError / InvalidTag as in the protocol."""
        return self.aead(kek_id).decrypt(wrapped[:12], wrapped[12:], aad)

    def __repr__(self) -> str:  # never show key material
        return f"Keyring(current={self.current_id!r}, ids={list(self.keys)}, source={self.source})"


def _derive(master: bytes, purpose: str) -> bytes:
    hkdf = HKDF(algorithm=hashes.SHA256(), length=KEY_BYTES, salt=None,
                info=f"privacydesk/v1/{purpose}".encode())
    return hkdf.derive(master)


def _ring(current: str, keys: dict[str, bytes], source: str, index: bytes | None,
          audit: bytes | None) -> Keyring:
    """The ring; an index or audit key not given is derived from the FIRST key (HKDF)."""
    first = next(iter(keys.values()))
    return Keyring(current_id=current, keys=keys, source=source,
                   index_key=index or _derive(first, "blind-index"),
                   audit_key=audit or _derive(first, "audit-chain"))


def _decode_key(key_id: str, text: str, where: str) -> bytes:
    try:
        raw = base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError):
        raise VaultError(f"{where}: key {key_id!r} is not valid base64")
    if len(raw) != KEY_BYTES:
        raise VaultError(f"{where}: key {key_id!r} must be {KEY_BYTES} bytes (AES-256), "
                         f"got {len(raw)}")
    return raw


def _valid_id(key_id: str, where: str) -> str:
    if not key_id or len(key_id) > 40 or not key_id.replace("-", "").replace("_", "").isalnum():
        raise VaultError(f"{where}: key id {key_id!r} must be 1-40 letters, digits, - or _")
    return key_id


def parse_env_keys(value: str) -> Keyring:
    """Return the ring described by PRIVACYDESK_KEYS; VaultError names the bad entry."""
    where = "PRIVACYDESK_KEYS"
    keys: dict[str, bytes] = {}
    reserved: dict[str, bytes] = {}
    for entry in (part.strip() for part in value.split(",")):
        if not entry:
            continue
        key_id, sep, text = entry.partition(":")
        if not sep:
            raise VaultError(f"{where}: entry {key_id[:8]!r}… must look like id:base64key")
        key_id = _valid_id(key_id.strip(), where)
        target = reserved if key_id in RESERVED_IDS else keys
        if key_id in target:
            raise VaultError(f"{where}: key id {key_id!r} appears twice")
        target[key_id] = _decode_key(key_id, text, where)
    if not keys:
        raise VaultError(f"{where}: holds no encryption key")
    return _ring(list(keys)[-1], keys, "env", reserved.get("index"), reserved.get("audit"))


def parse_key_file(path: Path) -> Keyring:
    """Return the ring stored in the JSON key file at `path`."""
    where = str(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        entries = data["keys"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise VaultError(f"{where}: not a readable privacydesk key file ({type(exc).__name__})")
    keys: dict[str, bytes] = {}
    for entry in entries:
        key_id = _valid_id(str(entry.get("id", "")), where)
        keys[key_id] = _decode_key(key_id, str(entry.get("key", "")), where)
    if not keys:
        raise VaultError(f"{where}: holds no encryption key")
    current = data.get("current") or list(keys)[-1]
    if current not in keys:
        raise VaultError(f"{where}: current key {current!r} is not among the keys")
    index, audit = data.get("index_secret"), data.get("audit_secret")
    return _ring(current, keys, "file", index and _decode_key("index_secret", index, where),
                 audit and _decode_key("audit_secret", audit, where))


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def _write_private(path: Path, data: dict[str, Any], *, replace: bool) -> bool:
    """Write `data` as JSON with mode 0600, atomically. Return False if `path` appeared
    meanwhile and `replace` is False (another process created it first)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(data, indent=2) + "\n"
    fd, tmp = tempfile.mkstemp(prefix=".keys-", dir=path.parent)  # mkstemp: mode 0600
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        if replace:
            os.replace(tmp, path)
            return True
        try:
            os.link(tmp, path)  # fails if the file exists: never clobber keys
        except FileExistsError:
            return False
        except OSError:  # no hard links on this file system: exclusive create instead
            try:
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            except FileExistsError:
                return False
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(text)
        return True
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def _new_entry(taken: set[str]) -> dict[str, str]:
    """A new AES-256 key of the key file, under an id not in `taken`."""
    while True:
        # The UTC date is only a readable part of a unique label, never a deadline (#13.1).
        key_id = f"k{datetime.now(UTC):%Y%m%d}{secrets.token_hex(2)}"
        if key_id not in taken:
            return {"id": key_id, "key": _b64(AESGCM.generate_key(bit_length=256)),
                    "created": datetime.now(UTC).isoformat(timespec="seconds")}


def _new_file_data() -> dict[str, Any]:
    entry = _new_entry(set())
    return {
        "version": 1,
        "current": entry["id"],
        "keys": [entry],
        "index_secret": _b64(secrets.token_bytes(KEY_BYTES)),
        "audit_secret": _b64(secrets.token_bytes(KEY_BYTES)),
    }


def generate_key(path: str | Path | None = None) -> str:
    """Append a new AES-256 key to the key file at `path` (default: the configured key
    file), make it current and return its id. Creates the file if it does not exist.
    Older keys and the index/audit secrets are kept unchanged."""
    target = Path(path) if path is not None else Path(settings.PRIVACYDESK_KEY_FILE)
    if target.exists():
        parse_key_file(target)  # refuse to extend a broken file
        data = json.loads(target.read_text(encoding="utf-8"))
        entry = _new_entry({str(e["id"]) for e in data["keys"]})
        data["keys"].append(entry)
        data["current"] = entry["id"]
        _write_private(target, data, replace=True)
    else:
        data = _new_file_data()
        _write_private(target, data, replace=False)
    reset()
    return str(data["current"])


def _load() -> Keyring:
    env_keys = getattr(settings, "PRIVACYDESK_KEYS", "") or ""
    if env_keys.strip():
        return parse_env_keys(env_keys)
    path = Path(settings.PRIVACYDESK_KEY_FILE)
    if not path.exists():
        if getattr(settings, "PRIVACYDESK_ENV", "production") != "development":
            raise VaultError(
                f"no encryption keys: {path} does not exist and PRIVACYDESK_KEYS is empty. "
                "Production never generates keys silently; create them with "
                "`privacydesk keys generate` (and back the file up) or set PRIVACYDESK_KEYS.")
        _write_private(path, _new_file_data(), replace=False)
    return parse_key_file(path)


_lock = threading.Lock()
_cached: Keyring | None = None


def get() -> Keyring:
    """Return this process's keyring, loading it once (VaultError if there are no keys)."""
    global _cached
    ring = _cached
    if ring is None:
        with _lock:
            if _cached is None:
                _cached = _load()
            ring = _cached
    return ring


def reset() -> None:
    """Forget the cached keyring (after a key change, and between tests)."""
    global _cached
    with _lock:
        _cached = None


def _on_setting_changed(*, setting: str, **kwargs: Any) -> None:
    if setting in _KEY_SETTINGS:
        reset()


setting_changed.connect(_on_setting_changed, dispatch_uid="privacydesk.vault.keyring")
