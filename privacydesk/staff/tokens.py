"""API bearer tokens for /api/v1/ (Sec1, Sec3).

A token is "pd_" + 43 URL-safe characters (256 random bits). Only its SHA-256 hex digest is
stored, so a copy of the database does not yield usable tokens; the plaintext is returned
once, by `create_token`, and never again.

Tokens are created by a privacy officer with `privacydesk token create`. Using a token does
not ask for the second factor: the token itself is a long random secret handed out
deliberately to one staff account, and every API call is still limited by that account's
staff role (the categories it may see) and refused once the account is deactivated, the
token is revoked or it has expired.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from privacydesk import rawsql
from privacydesk.policy.errors import RuleViolation
from privacydesk.staff.models import ApiToken, StaffUser

TOKEN_PREFIX = "pd_"


def hash_token(raw: str) -> str:
    """The stored form of a token: SHA-256 hex of the whole plaintext."""
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def create_token(user: StaffUser, name: str, days: int | None = None) -> str:
    """Create a token for `user` labelled `name`, valid `days` days (None: until revoked).

    Return the plaintext; it is not stored and cannot be shown again. RuleViolation for an
    empty name, a non-positive `days` or an inactive user.
    """
    name = (name or "").strip()
    if not name:
        raise RuleViolation("name", "required", "a token needs a name saying what it is for")
    if days is not None and days < 1:
        raise RuleViolation("days", "positive", "a token must be valid for at least one day")
    if not user.is_active:
        raise RuleViolation("user", "active", "tokens are only issued to active staff accounts")
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    now = timezone.now()
    with transaction.atomic():
        ApiToken.objects.create(
            user=user, name=name[:100], token_prefix=raw[:8], token_hash=hash_token(raw),
            created_at=now, expires_at=now + timedelta(days=days) if days else None)
    return raw


LAST_USED_RESOLUTION = timedelta(minutes=1)


def authenticate_token(raw: str | None) -> StaffUser | None:
    """Return the active staff user the token belongs to; None for an unknown, revoked or
    expired token or an inactive user. Records when the token was last used (to the minute)."""
    statement = token_statement(raw)
    if statement is None or raw is None:
        return None
    return token_user(raw, rawsql.fetch_all(*statement, connection))


def token_statement(raw: str | None) -> tuple[str, tuple[Any, ...]] | None:
    """The one SELECT `authenticate_token` runs for `raw` (the token and its account, by
    digest): (sql, params), or None for a string that is no token (refused unread). A
    caller may run it with other reads (one round trip on PostgreSQL) and finish with
    `token_user`."""
    if not raw or not raw.startswith(TOKEN_PREFIX) or len(raw) > 200:
        return None
    # The lookup is by digest, so no comparison ever touches the secret itself.
    return _token_sql(connection)[0], (hash_token(raw),)


def token_user(raw: str, rows: list[tuple[Any, ...]]) -> StaffUser | None:
    """`authenticate_token`'s answer from the rows of `token_statement(raw)`."""
    found = _token_from(rows)
    if found is None:
        return None
    token, user = found
    # The final compare_digest only guards against a database collation surprise.
    if not hmac.compare_digest(token.token_hash, hash_token(raw)):
        return None
    now = timezone.now()
    if not token.is_usable(now) or not user.is_active:
        return None
    # A write on every call would serialise API reads behind the database's write lock;
    # "last used" to the minute is all a privacy officer needs to spot a stale token.
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return user


_TOKEN_NAMES = ["id", "user", "token_hash", "expires_at", "revoked_at", "last_used_at"]
_TOKEN_FIELDS: list[Any] = [ApiToken._meta.get_field(name) for name in _TOKEN_NAMES]
_USER_FIELDS: list[Any] = list(StaffUser._meta.concrete_fields)
_SQL: dict[str, tuple[str, Any]] = {}


def _token_sql(db: Any) -> tuple[str, Any]:
    """The join of token and account, and the converters of its columns, per database."""
    found = _SQL.get(db.vendor)
    if found is None:
        q = db.ops.quote_name
        columns = [f"t.{q(f.column)}" for f in _TOKEN_FIELDS]
        columns += [f"u.{q(f.column)}" for f in _USER_FIELDS]
        sql = (f"SELECT {', '.join(columns)} FROM {q(ApiToken._meta.db_table)} t "  # noqa: S608
               f"JOIN {q(StaffUser._meta.db_table)} u ON u.{q('id')} = t.{q('user_id')} "
               f"WHERE t.{q('token_hash')} = %s")
        split = len(_TOKEN_FIELDS)
        plan = rawsql.converters(ApiToken, _TOKEN_NAMES, db) + [
            (split + i, funcs, col) for i, funcs, col
            in rawsql.converters(StaffUser, [f.name for f in _USER_FIELDS], db)]
        found = _SQL[db.vendor] = (sql, plan)
    return found


def _token_from(rows: list[tuple[Any, ...]]) -> tuple[ApiToken, StaffUser] | None:
    """The token and its account, both complete, from the rows of `token_statement`.

    Every API call starts here (bench/: the API median goal is 5 ms), and the ORM's query
    building cost more than the indexed query itself; so one prepared join
    (`privacydesk.rawsql`), each column converted as the ORM would.
    """
    _, plan = _token_sql(connection)
    if not rows:
        return None
    values = rawsql.convert(rows[:1], plan, connection)[0]
    split = len(_TOKEN_FIELDS)
    token = ApiToken.from_db(connection.alias, [f.attname for f in _TOKEN_FIELDS],
                             values[:split])
    user = StaffUser.from_db(connection.alias, [f.attname for f in _USER_FIELDS],
                             values[split:])
    token.user = user  # the join already loaded it
    return token, user


def revoke_token(token: ApiToken) -> None:
    """Refuse the token from now on; the row stays as a record of what existed."""
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
