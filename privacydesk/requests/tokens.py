"""Signed, single-use link tokens (confirmation and download links).

A link carries `signing.dumps([uid, secret])`: the signature (SECRET_KEY) proves we made
it, and only sha256(secret) is stored, so a database reader cannot forge a working link and
a used link is void once its hash is cleared or its row marked used.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from django.core import signing


def new_secret() -> tuple[str, str]:
    """A fresh (secret, sha256 hex of it)."""
    secret = secrets.token_urlsafe(24)
    return secret, digest(secret)


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def make(uid: str, secret: str, salt: str) -> str:
    return signing.dumps([uid, secret], salt=salt, compress=False)


def read(token: str, salt: str) -> tuple[str, str] | None:
    """(uid, secret) from a link token, or None if it is not one we signed."""
    try:
        uid, secret = signing.loads(token, salt=salt)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if not isinstance(uid, str) or not isinstance(secret, str):
        return None
    return uid, secret


def matches(secret: str, stored_hash: str) -> bool:
    return bool(stored_hash) and hmac.compare_digest(digest(secret), stored_hash)
