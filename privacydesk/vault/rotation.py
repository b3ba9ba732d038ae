"""Key rotation: re-encrypt every sealed field under the current key (Sec1).

`rotate_all` visits every concrete SealedMixin model and re-encrypts the rows whose key_id
is not the current one, in batches ordered by pk. Each batch is one transaction (rows
locked FOR UPDATE on PostgreSQL), so an interrupted run (even kill -9) loses nothing: every
row is either still under its old key, which stays in the keyring, or already under the
new one. Because selection is `key_id != current`, simply running it again finishes the job.

Processes cache the keyring: after a new key is made current, restart the web workers, then
run `privacydesk keys rotate --no-new-key` once more to catch rows they sealed meanwhile.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import connections, router, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Model
from tqdm import tqdm

from privacydesk.vault import VaultError, audit, crypto, keyring
from privacydesk.vault.models import SealedMixin, sealed_aad_for

BatchHook = Callable[[type[Model], int], None]
# Fields per transaction: large enough that commits and statements are a small share of the
# work, small enough for one SQLite UPDATE ... FROM (VALUES) (4 parameters a row, < 32,766).
BATCH = 2000
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
    owner_ref, join = "NULL", ""
    if model.sealed_owner_path() is not None:
        owner: Any = meta.get_field(model.sealed_owner_field)
        related: Any = owner.related_model._meta
        owner_ref = f"o.{q(related.get_field('ref').column)}"
        join = (f" LEFT JOIN {q(related.db_table)} o "
                f"ON o.{q(related.pk.column)} = t.{q(owner.column)}")
    lock = " FOR UPDATE OF t" if conn.vendor == "postgresql" else ""
    after = "" if first else f" AND t.{pk_col} > %s"
    return (f"SELECT t.{pk_col}, t.{q('key_id')}, t.{q('ciphertext')}, {owner_ref} "
            f"FROM {table} t{join} WHERE t.{q('key_id')} <> %s{after} "
            f"ORDER BY t.{pk_col} LIMIT %s{lock}")


class _Aads:
    """AAD text per owner ref as the database returns it, converted once per owner."""

    def __init__(self, model: type[SealedMixin]) -> None:
        self.label = model._meta.label_lower
        owner = model.sealed_owner_path()
        self.to_ref = (model._meta.get_field(model.sealed_owner_field)
                       .related_model._meta.get_field("ref").to_python  # type: ignore[union-attr]
                       if owner else None)
        self.cache: dict[Any, str] = {}

    def __call__(self, raw: Any) -> str:
        aad = self.cache.get(raw)
        if aad is None:
            ref = self.to_ref(raw) if self.to_ref is not None and raw is not None else None
            aad = self.cache[raw] = sealed_aad_for(self.label, ref)
        return aad


def _rotate_batch(model: type[SealedMixin], reseal: crypto.Resealer, after_pk: object,
                  batch_size: int, aads: _Aads | None = None
                  ) -> tuple[list[tuple[Any, ...]], object]:
    """Return (updates, last pk) for the next batch; locks the rows on PostgreSQL."""
    current = reseal.key_id
    updates: list[tuple[Any, ...]] = []
    if _fast_path(model):
        conn = connections[router.db_for_write(model)]
        aad_of = aads or _Aads(model)
        params: list[Any] = ([current, batch_size] if after_pk is None
                             else [current, after_pk, batch_size])
        with conn.cursor() as cur:
            cur.execute(_select_sql(model, conn, after_pk is None), params)
            rows = cur.fetchall()
        updates = [(current, reseal(key_id, blob, aad_of(ref)), pk, key_id)
                   for pk, key_id, blob, ref in rows]
        return updates, (updates[-1][2] if updates else after_pk)
    qs = model._base_manager.exclude(key_id=current).order_by("pk")
    if after_pk is not None:
        qs = qs.filter(pk__gt=after_pk)
    if connections[qs.db].vendor == "postgresql":
        qs = qs.select_for_update(of=("self",))
    owner_field = model.sealed_owner_field if model.sealed_owner_path() else None
    if owner_field:
        qs = qs.select_related(owner_field)
    for obj in qs[:batch_size]:
        blob = reseal(obj.key_id, obj.ciphertext, obj.sealed_aad())
        updates.append((current, blob, obj.pk, obj.key_id))
    return updates, (updates[-1][2] if updates else after_pk)


def _write_batch(model: type[SealedMixin], conn: BaseDatabaseWrapper,
                 updates: list[tuple[Any, ...]]) -> None:
    """Store (key_id, ciphertext, pk, old key_id) rows; a row changed meanwhile is left."""
    q = conn.ops.quote_name
    table, pk_col = q(model._meta.db_table), q(model._meta.pk.column)
    with conn.cursor() as cur:
        if conn.vendor == "sqlite":
            # One UPDATE ... FROM (VALUES ...) per slice (SQLite >= 3.33): the B-tree work
            # stays, the per-row statement overhead goes. Written with "?" on the DB-API
            # connection: Django's wrapper would rewrite thousands of "%s" per statement.
            for start in range(0, len(updates), 2000):
                part = updates[start:start + 2000]
                with conn.wrap_database_errors:
                    conn.connection.execute(
                        f"UPDATE {table} AS t SET {q('key_id')} = v.column1, "
                        f"{q('ciphertext')} = v.column2 "
                        f"FROM (VALUES {', '.join(['(?, ?, ?, ?)'] * len(part))}) AS v "
                        f"WHERE t.{pk_col} = v.column3 AND t.{q('key_id')} = v.column4",
                        [value for update in part for value in update])
            return
        if conn.vendor != "postgresql":
            cur.executemany(
                f"UPDATE {table} SET {q('key_id')} = %s, {q('ciphertext')} = %s "
                f"WHERE {pk_col} = %s AND {q('key_id')} = %s", updates)
            return
        # PostgreSQL: COPY the batch into a temporary table and update from it — one
        # round trip each, and no bytea literals built into a huge statement text (Django's
        # psycopg cursors bind on the client side).
        pk_field: Any = model._meta.pk
        pk_type = str(pk_field.rel_db_type(conn))
        # One staging table per pk type; emptied first, as an enclosing transaction (a
        # caller's atomic block) may still hold the previous batch's rows.
        staging = q(f"{ROTATION_TABLE}_{''.join(c for c in pk_type if c.isalnum())}")
        cur.execute(f"CREATE TEMPORARY TABLE IF NOT EXISTS {staging} (new_id varchar, "
                    f"blob bytea, pk {pk_type}, old_id varchar) ON COMMIT DROP")
        cur.execute(f"DELETE FROM {staging}")
        with conn.wrap_database_errors, cur.cursor.copy(
                f"COPY {staging} (new_id, blob, pk, old_id) FROM STDIN") as copy:
            for update in updates:
                copy.write_row(update)
        cur.execute(
            f"UPDATE {table} AS t SET {q('key_id')} = v.new_id, {q('ciphertext')} = v.blob "
            f"FROM {staging} AS v WHERE t.{pk_col} = v.pk AND t.{q('key_id')} = v.old_id")


def _rotate_model(model: type[SealedMixin], reseal: crypto.Resealer, batch_size: int, bar: tqdm,
                  on_batch: BatchHook | None) -> int:
    alias = router.db_for_write(model)
    conn = connections[alias]
    done, after_pk, aads = 0, None, _Aads(model)
    while True:
        with transaction.atomic(using=alias):
            updates, after_pk = _rotate_batch(model, reseal, after_pk, batch_size, aads)
            if not updates:
                return done
            _write_batch(model, conn, updates)
            if on_batch is not None:
                on_batch(model, len(updates))  # inside the transaction: raising undoes it
        done += len(updates)
        bar.update(len(updates))


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
    total = sum(m._base_manager.exclude(key_id=current).count() for m in models)
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
