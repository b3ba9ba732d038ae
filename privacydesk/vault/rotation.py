"""Key rotation: re-encrypt every sealed field under the current key (Sec1).

`rotate_all` visits every concrete SealedMixin model and re-encrypts the rows whose key_id
is not the current one, in batches ordered by pk. Each batch is written in one transaction,
and a row is written only if it still holds what was read, so an interrupted run (even
kill -9) loses nothing and never encrypts twice: every row is either still under its old
key, which stays in the keyring, or already under the new one. Because selection is
`key_id != current`, simply running it again finishes the job. On SQLite the batches are
re-encrypted inside their UPDATE (rotation_sqlite.py). On PostgreSQL (outside a caller's
transaction) the table is swept page by page in stripes, so that updates stay on their page
(rotation_pg.py), and only what that sweep leaves comes here. Here batches are read,
re-encrypted in a second thread and written back.

Processes cache the keyring: after a new key is made current, restart the web workers, then
run `privacydesk keys rotate --no-new-key` once more to catch rows they sealed meanwhile.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import connections, router, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Model
from tqdm import tqdm

from privacydesk.vault import VaultError, audit, crypto, keyring, rotation_pg, rotation_sqlite
from privacydesk.vault.models import SealedMixin

BatchHook = Callable[[type[Model], int], None]
# Fields per transaction: large enough that commits and statements are a small share of the
# work, small enough to keep two batches in memory (one being written, one re-encrypted).
BATCH = 5000
# Rows per SQLite UPDATE ... FROM (VALUES): 4 parameters a row, 1 + 4 * 6000 < 32,766.
SQLITE_ROWS = 6000
# Per-batch staging table on PostgreSQL (dropped at commit), suffixed with the pk type.
ROTATION_TABLE = "privacydesk_rotation"


@dataclass(frozen=True)
class RotationReport:
    """What a rotation did: fields re-encrypted, per model label, and the time taken."""

    fields_rotated: int
    models: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    key_id: str = ""


def sealed_models() -> list[type[SealedMixin]]:
    """Return every concrete, managed model that stores sealed fields."""
    return [m for m in apps.get_models()
            if issubclass(m, SealedMixin) and m._meta.managed and not m._meta.proxy]


def _fast_path(model: type[SealedMixin]) -> bool:
    # The default sealed_aad() needs only the owner's ref, which values_list can join in;
    # an overridden one may need anything, so whole instances are loaded.
    return model.sealed_aad is SealedMixin.sealed_aad


def _select_sql(model: type[SealedMixin], conn: BaseDatabaseWrapper,
                first: bool) -> str:
    """The next batch of (pk, key_id, ciphertext, owner ref or NULL), by pk, on a bare
    cursor: no model instances and no ORM query building per batch (rotation hot path)."""
    q, meta = conn.ops.quote_name, model._meta
    table, pk_col = q(meta.db_table), q(meta.pk.column)
    owner_ref, join = rotation_sqlite.owner_join(model, conn)
    after = "" if first else f" AND t.{pk_col} > %s"
    return (f"SELECT t.{pk_col}, t.{q('key_id')}, t.{q('ciphertext')}, {owner_ref} "
            f"FROM {table} t{join} WHERE t.{q('key_id')} <> %s{after} "
            f"ORDER BY t.{pk_col} LIMIT %s")


_Aads = rotation_sqlite.Aads  # AAD per owner ref, converted once per owner


Update = tuple[bytes, Any, str, bytes]  # (new ciphertext, pk, old key_id, old ciphertext)


def _read_batch(model: type[SealedMixin], current: str, after_pk: object,
                batch_size: int) -> list[tuple[Any, ...]]:
    """The next rows not under `current`, by pk: (pk, key_id, ciphertext, owner ref)."""
    conn = connections[router.db_for_write(model)]
    params: list[Any] = ([current, batch_size] if after_pk is None
                         else [current, after_pk, batch_size])
    with conn.cursor() as cur:
        cur.execute(_select_sql(model, conn, after_pk is None), params)
        return [(pk, key_id, bytes(blob), ref) for pk, key_id, blob, ref in cur.fetchall()]


def _reseal_rows(reseal: crypto.Resealer, aad_of: _Aads,
                 rows: list[tuple[Any, ...]]) -> list[Update]:
    """Re-encrypt read rows (runs in the crypto thread; touches no database)."""
    with_aad, encoded = reseal.with_aad, aad_of.encoded
    return [(with_aad(key_id, blob, encoded(ref)), pk, key_id, blob)
            for pk, key_id, blob, ref in rows]


def _instances_batch(model: type[SealedMixin], reseal: crypto.Resealer, after_pk: object,
                     batch_size: int) -> list[Update]:
    """The next batch of a model with its own sealed_aad(): whole instances, by pk."""
    qs = model._base_manager.exclude(key_id=reseal.key_id).order_by("pk")
    if after_pk is not None:
        qs = qs.filter(pk__gt=after_pk)
    owner_field = model.sealed_owner_field if model.sealed_owner_path() else None
    if owner_field:
        qs = qs.select_related(owner_field)
    return [(reseal(obj.key_id, obj.ciphertext, obj.sealed_aad()), obj.pk, obj.key_id,
             bytes(obj.ciphertext)) for obj in qs[:batch_size]]


def _write_batch(model: type[SealedMixin], conn: BaseDatabaseWrapper, new_id: str,
                 updates: list[Update]) -> int:
    """Store the new ciphertexts under `new_id` and return how many rows changed. A row is
    written only if it still holds the key_id and ciphertext that were read: one changed
    meanwhile (saved again by the application) is left as it is, never overwritten with
    a re-encryption of its stale value; a later `keys rotate --no-new-key` takes it."""
    q = conn.ops.quote_name
    table, pk_col = q(model._meta.db_table), q(model._meta.pk.column)
    key_id, blob = q("key_id"), q("ciphertext")
    changed = 0
    with conn.cursor() as cur:
        if conn.vendor == "sqlite":
            # One UPDATE ... FROM (VALUES ...) per slice (SQLite >= 3.33): the B-tree work
            # stays, the per-row statement overhead goes. Written with "?" on the DB-API
            # connection: Django's wrapper would rewrite thousands of "%s" per statement.
            for start in range(0, len(updates), SQLITE_ROWS):
                part = updates[start:start + SQLITE_ROWS]
                with conn.wrap_database_errors:
                    changed += conn.connection.execute(
                        f"UPDATE {table} AS t SET {key_id} = ?, {blob} = v.column1 "
                        f"FROM (VALUES {', '.join(['(?, ?, ?, ?)'] * len(part))}) AS v "
                        f"WHERE t.{pk_col} = v.column2 AND t.{key_id} = v.column3 "
                        f"AND t.{blob} = v.column4",
                        [new_id, *(value for update in part for value in update)]).rowcount
            return changed
        if conn.vendor != "postgresql":
            for new, pk, old_id, old in updates:
                cur.execute(f"UPDATE {table} SET {key_id} = %s, {blob} = %s WHERE {pk_col} = %s "
                            f"AND {key_id} = %s AND {blob} = %s", [new_id, new, pk, old_id, old])
                changed += cur.rowcount
            return changed
        # PostgreSQL: COPY the batch into a temporary table and update from it — one
        # round trip each, and no bytea literals built into a huge statement text (Django's
        # psycopg cursors bind on the client side).
        pk_field: Any = model._meta.pk
        pk_type = str(pk_field.rel_db_type(conn))
        # One staging table per pk type; emptied first, as an enclosing transaction (a
        # caller's atomic block) may still hold the previous batch's rows.
        staging = q(f"{ROTATION_TABLE}_{''.join(c for c in pk_type if c.isalnum())}")
        cur.execute(f"CREATE TEMPORARY TABLE IF NOT EXISTS {staging} (blob bytea, "
                    f"pk {pk_type}, old_id varchar, old_blob bytea) ON COMMIT DROP")
        cur.execute(f"DELETE FROM {staging}")
        with conn.wrap_database_errors, cur.cursor.copy(
                f"COPY {staging} (blob, pk, old_id, old_blob) FROM STDIN") as copy:
            for update in updates:
                copy.write_row(update)
        # The batch's pk range lets the planner walk the primary key of just that range
        # (the staging table has no statistics; without it, it may scan the whole table).
        pks = [update[1] for update in updates]
        cur.execute(
            f"UPDATE {table} AS t SET {key_id} = %s, {blob} = v.blob FROM {staging} AS v "
            f"WHERE t.{pk_col} = v.pk AND t.{key_id} = v.old_id AND t.{blob} = v.old_blob "
            f"AND t.{pk_col} BETWEEN %s AND %s", [new_id, min(pks), max(pks)])
        return cur.rowcount


def _rotate_model(model: type[SealedMixin], reseal: crypto.Resealer, batch_size: int, bar: tqdm,
                  on_batch: BatchHook | None) -> int:
    """Rotate one model, batch by batch, each batch written in its own transaction.

    Pipelined: while the database writes batch N (SQLite and psycopg release the GIL
    there), a second thread re-encrypts batch N+1, which was read just before. Reads are
    plain reads; the write's guard (see _write_batch) makes that safe."""
    alias = router.db_for_write(model)
    conn = connections[alias]
    if conn.vendor == "sqlite" and _fast_path(model):
        return rotation_sqlite.rotate(model, reseal, batch_size, on_batch, bar.update)
    done = 0
    if _fast_path(model) and rotation_pg.applies(model, conn):
        done, left = rotation_pg.rotate(model, reseal, on_batch, bar.update)
        if not left:
            return done
    current = reseal.key_id
    aads = _Aads(model)
    with ThreadPoolExecutor(1, thread_name_prefix="privacydesk-reseal") as crypto_thread:

        def next_batch(after_pk: object) -> Future[list[Update]] | list[Update]:
            if not _fast_path(model):
                return _instances_batch(model, reseal, after_pk, batch_size)
            rows = _read_batch(model, current, after_pk, batch_size)
            return crypto_thread.submit(_reseal_rows, reseal, aads, rows)

        pending = next_batch(None)
        while True:
            updates = pending.result() if isinstance(pending, Future) else pending
            if not updates:
                return done
            pending = next_batch(updates[-1][1])
            with transaction.atomic(using=alias):
                changed = _write_batch(model, conn, current, updates)
                if on_batch is not None:
                    on_batch(model, changed)  # inside the transaction: raising undoes it
            done += changed
            bar.update(changed)


def rotate_all(progress: bool = True, batch_size: int = BATCH,
               on_batch: BatchHook | None = None) -> RotationReport:
    """Re-encrypt every sealed field not under the current key; resumable after any stop.

    `on_batch(model, n)` is called inside each batch's transaction before it commits.
    DecryptionError names the model if a stored value cannot be opened (nothing of that
    batch is written).
    """
    if batch_size < 1:
        raise VaultError("batch_size must be at least 1")
    started = time.monotonic()
    reseal = crypto.Resealer()
    current = reseal.key_id
    models = sealed_models()
    # The count is for the progress bar only (a scan of every sealed table).
    total = (sum(m._base_manager.exclude(key_id=current).count() for m in models)
             if progress else None)
    per_model: dict[str, int] = {}
    with tqdm(total=total, unit="fields", file=sys.stderr, disable=not progress,
              desc=f"re-encrypting under {current}") as bar:
        for model in models:
            try:
                n = _rotate_model(model, reseal, batch_size, bar, on_batch)
            except VaultError as exc:
                raise type(exc)(f"{model._meta.label_lower}: {exc}") from exc
            if n:
                per_model[model._meta.label_lower] = n
    return RotationReport(sum(per_model.values()), per_model,
                          time.monotonic() - started, current)


def keys_from_environment() -> bool:
    """Return True when the keys come from PRIVACYDESK_KEYS rather than the key file."""
    return bool((getattr(settings, "PRIVACYDESK_KEYS", "") or "").strip())


def rotate_keys(generate_new: bool = True, progress: bool = True,
                batch_size: int = BATCH) -> RotationReport:
    """What `privacydesk keys rotate` does: make a new key current in the key file
    (unless `generate_new` is False) and re-encrypt everything under the current key.
    Keys from PRIVACYDESK_KEYS cannot be generated here; VaultError says what to do."""
    if generate_new:
        if keys_from_environment():
            raise VaultError(
                "PRIVACYDESK_KEYS is set, so privacydesk cannot add a key itself: append a new "
                "id:base64key entry at the END of PRIVACYDESK_KEYS (keep the old ones), "
                "restart, then run `privacydesk keys rotate --no-new-key`")
        keyring.generate_key(settings.PRIVACYDESK_KEY_FILE)
    keyring.reset()
    report = rotate_all(progress=progress, batch_size=batch_size)
    audit.record(actor="system", action="rotate", object_type="vault.key",
                 object_id=report.key_id,
                 detail={"fields_rotated": report.fields_rotated, "models": report.models})
    return report
