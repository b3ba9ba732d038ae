"""Appending to the audit chain: the one write path of `audit.record` / `record_many`.

An append locks the chain's head row (`AuditHead`, id 1; on SQLite the transaction's
write lock serialises appenders), chains the entries on from it, inserts them and moves
the head, in one transaction: inside a caller's transaction no savepoint (validation
happens first, and a failed append must fail the caller's work anyway).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.db import connections, router, transaction
from django.utils import timezone

from privacydesk.policy.errors import RuleViolation
from privacydesk.vault import chain, keyring
from privacydesk.vault.models import AuditEntry, AuditHead

_LIMITS = {"actor": 150, "action": 32, "object_type": 100, "object_id": 64,
           "person_ref": 64, "purpose": 64}
_REQUIRED = frozenset({"actor", "action", "object_type"})
_dumps = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode


def _personal_path(value: Any, path: str) -> str | None:
    """Return the path of the first string holding "@" inside `value` (error messages)."""
    if isinstance(value, str):
        return path if "@" in value else None
    items = (value.items() if isinstance(value, Mapping)
             else enumerate(value) if isinstance(value, list | tuple) else ())
    for k, v in items:
        found = _personal_path(v, f"{path}.{k}" if isinstance(value, Mapping) else f"{path}[{k}]")
        if found:
            return found
    return None


def _clean(item: Mapping[str, Any]) -> tuple[str, ...]:
    """Return the entry's string fields and canonical detail; RuleViolation names the field."""
    fields = []
    for name, limit in _LIMITS.items():
        value = item.get(name) or ""
        if not isinstance(value, str):
            value = str(value)
        if not value and name in _REQUIRED:
            raise RuleViolation(name, "audit", f"{name} is required")
        if len(value) > limit:
            raise RuleViolation(name, "audit", f"{name} is longer than {limit} characters")
        if chain.SEP in value:
            raise RuleViolation(name, "audit", f"{name} must not contain control characters")
        fields.append(value)
    if "@" in fields[4] or " " in fields[4]:
        raise RuleViolation("person_ref", "Sec1",
                            "person_ref is the pseudonymous ref, never a name or e-mail")
    detail = item.get("detail") or {}
    if not isinstance(detail, dict):
        raise RuleViolation("detail", "audit", "detail must be a JSON object")
    try:
        text = _dumps(detail)
    except (TypeError, ValueError) as exc:
        raise RuleViolation("detail", "audit", f"detail is not plain JSON ({exc})")
    if "@" in text:  # cheap screen on the text; the walk only runs to name the field
        raise RuleViolation(_personal_path(detail, "detail") or "detail", "Sec1",
                            "audit detail must not contain personal data such as an e-mail "
                            "address; refer to the person by person_ref")
    return (*fields, text)


def append(items: Iterable[Mapping[str, Any]]) -> tuple[list[tuple[Any, ...]], str]:
    """Append entries in order in one transaction; return their rows (in chain.COLUMNS
    order, `at` an aware datetime) and the database alias."""
    cleaned = [_clean(item) for item in items]  # bad input raises before any statement
    key = keyring.get().audit_key
    macer = _MACERS.get(key) or _MACERS.setdefault(key, chain.EntryMac(key))
    alias = router.db_for_write(AuditEntry)
    conn = connections[alias]
    heads = AuditHead.objects.using(alias).select_for_update().filter(pk=1)
    with transaction.atomic(using=alias, savepoint=False):
        head = heads.values_list("seq", "mac").first()
        if head is None:  # the very first append: no head row to lock yet
            chain.lock_appends(conn)
            head = heads.values_list("seq", "mac").first()
        seq, prev = head if head is not None else (0, chain.GENESIS)
        now = timezone.now()
        at = chain.at_text(now)
        rows = []
        for fields in cleaned:
            seq += 1
            mac = chain.entry_mac(macer, prev, seq, at, *fields)
            rows.append((seq, now, *fields, prev, mac))
            prev = mac
        if rows:
            insert(alias, rows)
            chain.write_head(conn, key, seq, prev, exists=head is not None)
    return rows, alias


def insert(alias: str, rows: Iterable[Sequence[Any]]) -> None:
    """Insert audit entries as given (each in chain.COLUMNS order, `at` an aware
    datetime), inside the caller's transaction. Only the chain's own writers call this:
    `append` and `carry.adopt` (Sec1)."""
    conn = connections[alias]
    sqlite = conn.vendor == "sqlite"
    # SQLite keeps the canonical text itself: Django would write a whole second without
    # its ".000000", and verification reads `at` back as stored.
    params = [(row[0], chain.at_text(row[1]) if sqlite else row[1], *row[2:]) for row in rows]
    # A multi-row INSERT as bulk_create makes, written here: the ORM's compiling of it cost
    # about 60 µs per entry, and an imported person appends seven (the import row of
    # docs/performance.md, goal >= 1,000 rows/s; this costs about 5 µs).
    width = len(chain.COLUMNS)
    limit = conn.features.max_query_params
    step = min(_INSERT_ROWS, limit // width) if limit else _INSERT_ROWS
    table = conn.ops.quote_name(AuditEntry._meta.db_table)
    columns = ", ".join(conn.ops.quote_name(c) for c in chain.COLUMNS)
    one = "(" + ", ".join(["%s"] * width) + ")"
    with conn.cursor() as cur:
        for start in range(0, len(params), step):
            chunk = params[start:start + step]
            cur.execute(f"INSERT INTO {table} ({columns}) VALUES "  # noqa: S608 - no input
                        + ", ".join([one] * len(chunk)),
                        [value for row in chunk for value in row])


_INSERT_ROWS = 1000  # entries per INSERT at most (PostgreSQL binds at most 65,535 values)
_MACERS: dict[bytes, chain.EntryMac] = {}  # the pre-keyed HMAC states, per audit key
