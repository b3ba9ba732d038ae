"""Key rotation on SQLite: each batch re-encrypted inside ONE UPDATE statement (Sec1).

The re-encryption is registered on the connection as an SQL function, and a batch is

    UPDATE <table> AS t SET key_id = <new>,
        ciphertext = privacydesk_reseal(t.key_id, t.ciphertext, <owner's ref>)
    WHERE t.key_id <> <new> AND t.<pk> > <previous batch's last> AND t.<pk> <= <this batch's last>

so no row travels to Python and back through a statement's parameters. The statement reads
each row and writes it in one step inside a write transaction (the connection begins
IMMEDIATE, so no other writer runs in between): a value the application saved meanwhile
is either saved before the statement, and then re-encrypted as saved, or after the commit,
and then kept — nothing is ever overwritten with a re-encryption of a stale value. The AAD
is built from the owner's ref as the statement reads it, exactly as `sealed_aad()` does.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from typing import Any

from django.db import connections, router, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Model

from privacydesk.vault import crypto, reseal_worker
from privacydesk.vault.models import SealedMixin, sealed_aad_for
from privacydesk.vault.wal_checkpoint import Checkpointer

FUNCTION = "privacydesk_reseal"
PICK = "privacydesk_prepared"
# Off: every batch re-encrypted inside its statement only (tests compare both ways).
USE_WORKER = True
# Batches queued for the worker, so that it never waits for this process's own batch.
WORKER_AHEAD = 2
# While the worker works, this process re-encrypts batches of a fifth of the size itself
# and looks for the worker's answer after each: writing a prepared batch costs it about
# 2.2 µs a row, re-encrypting in its own UPDATE 3.5, so it should mostly write the
# worker's (measured at 1M rows: from half of the batches to about 80%, and from 47-50%
# to 58-59% of raw).
OWN_SHARE = 5
MIN_OWN = 100  # below it (tiny test batches) a batch of its own stays whole


class Aads:
    """AAD per owner ref as the database returns it, converted once per owner: `text(raw)`
    as `sealed_aad()` returns it, `encoded(raw)` as the cipher takes it (UTF-8)."""

    def __init__(self, model: type[SealedMixin]) -> None:
        self.label = model._meta.label_lower
        owner = model.sealed_owner_path()
        self.to_ref = (model._meta.get_field(model.sealed_owner_field)
                       .related_model._meta.get_field("ref").to_python  # type: ignore[union-attr]
                       if owner else None)
        self.cache: dict[Any, str] = {}
        self.bytes: dict[Any, bytes] = {}

    def __call__(self, raw: Any) -> str:
        aad = self.cache.get(raw)
        if aad is None:
            ref = self.to_ref(raw) if self.to_ref is not None and raw is not None else None
            aad = self.cache[raw] = sealed_aad_for(self.label, ref)
        return aad

    def encoded(self, raw: Any) -> bytes:
        aad = self.bytes.get(raw)
        if aad is None:
            aad = self.bytes[raw] = self(raw).encode("utf-8")
        return aad


def owner_ref_sql(model: type[SealedMixin], conn: BaseDatabaseWrapper) -> str:
    """SQL for the owner's ref of row `t` (NULL for a model bound to its label only)."""
    if model.sealed_owner_path() is None:
        return "NULL"
    q = conn.ops.quote_name
    owner: Any = model._meta.get_field(model.sealed_owner_field)
    related: Any = owner.related_model._meta
    return (f"(SELECT o.{q(related.get_field('ref').column)} FROM {q(related.db_table)} o "
            f"WHERE o.{q(related.pk.column)} = t.{q(owner.column)})")


def owner_join(model: type[SealedMixin], conn: BaseDatabaseWrapper,
               cast: str = "") -> tuple[str, str]:
    """(the owner's ref of row `t` as a column of the join, or NULL; the LEFT JOIN that
    brings it, or ""): for a batch read of many rows at once. `cast`, e.g. "::text", is
    appended to the column."""
    if model.sealed_owner_path() is None:
        return "NULL", ""
    q = conn.ops.quote_name
    owner: Any = model._meta.get_field(model.sealed_owner_field)
    related: Any = owner.related_model._meta
    return (f"o.{q(related.get_field('ref').column)}{cast}",
            f" LEFT JOIN {q(related.db_table)} o ON o.{q(related.pk.column)} = t.{q(owner.column)}")


def _function(reseal: crypto.Resealer, aads: Aads,
              errors: list[BaseException]) -> Callable[[str, bytes, Any], bytes]:
    """The SQL function. SQLite turns an exception raised in it into a bare
    OperationalError, so the exception (e.g. DecryptionError) is kept for the caller."""
    with_aad, cached, encoded = reseal.with_aad, aads.bytes, aads.encoded
    decrypts, encrypt, nonce = reseal.parts()

    def full_path(key_id: str, blob: bytes, ref: Any) -> bytes:
        try:
            return with_aad(key_id, blob, encoded(ref))
        except BaseException as exc:
            errors.append(exc)
            raise

    def reseal_row(key_id: str, blob: bytes, ref: Any) -> bytes:
        # with_aad inlined (called once per row, inside SQLite); any miss or error takes
        # the full path, which raises the precise error or refills the nonce pool.
        try:
            aad = cached[ref]
            plain = decrypts[key_id](blob[:12], blob[12:], aad)
            fresh = nonce()
            return fresh + encrypt(fresh, plain, aad)
        except Exception:
            return full_path(key_id, blob, ref)

    return reseal_row


def _pick_function(prepared: dict[Any, tuple[str, bytes, bytes]]
                   ) -> Callable[[Any, str, bytes], bytes | None]:
    """The SQL function that hands out the worker's ciphertext for a row, or NULL unless
    the row holds exactly the key_id and ciphertext the worker re-encrypted."""

    def pick(pk: Any, key_id: str, blob: bytes) -> bytes | None:
        found = prepared.get(pk)
        if found is not None and found[1] == blob and found[0] == key_id:
            return found[2]
        return None

    return pick


def _may_use_worker(conn: BaseDatabaseWrapper, checkpointer: Checkpointer) -> bool:
    # The worker must see what this process sees: a database file (WAL: the checkpointer
    # runs), committed data only (no caller's transaction around the rotation).
    return USE_WORKER and checkpointer.thread is not None and not conn.in_atomic_block


def rotate(model: type[SealedMixin], reseal: crypto.Resealer, batch_size: int,
           on_batch: Callable[[type[Model], int], None] | None,
           progress: Callable[[int], object]) -> int:
    """Rotate `model` batch by batch, each batch one transaction and one UPDATE; return
    how many rows changed. `on_batch(model, n)` runs inside the batch's transaction.

    With more than one batch to do, on a database file in WAL mode and outside a caller's
    transaction, a worker process (reseal_worker.py) prepares batches ahead (`WORKER_AHEAD`
    queued) while this process re-encrypts smaller batches of its own in their UPDATE; a
    batch the worker has ready is written before the next one of its own. The UPDATE takes
    the worker's ciphertext for a row only if the row still holds what the worker read
    (coalesce() runs the in-statement re-encryption only where not).
    Batches may therefore commit out of pk order; each is still whole or not at all."""
    alias = router.db_for_write(model)
    conn = connections[alias]
    q = conn.ops.quote_name
    table, pk, key_id, blob = (q(model._meta.db_table), q(model._meta.pk.column), q("key_id"),
                               q("ciphertext"))
    ref = owner_ref_sql(model, conn)

    def where(first: bool) -> str:  # rows still under another key, after the last batch
        return f"WHERE t.{key_id} <> ?" + ("" if first else f" AND t.{pk} > ?")

    def update_sql(first: bool) -> str:
        return (f"UPDATE {table} AS t SET {key_id} = ?, {blob} = coalesce({PICK}(t.{pk}, "
                f"t.{key_id}, t.{blob}), {FUNCTION}(t.{key_id}, t.{blob}, {ref})) "
                f"{where(first)} AND t.{pk} <= ?")

    errors: list[BaseException] = []
    aads = Aads(model)
    prepared: dict[Any, tuple[str, bytes, bytes]] = {}
    conn.ensure_connection()
    db = conn.connection
    db.create_function(FUNCTION, 3, _function(reseal, aads, errors), deterministic=False)
    db.create_function(PICK, 3, _pick_function(prepared), deterministic=False)
    new = reseal.key_id
    state: dict[str, Any] = {"frontier": None, "exhausted": False, "done": 0}

    def next_range(size: int = batch_size) -> tuple[Any, Any, int] | None:
        # The next batch's pk range (a walk along the primary key, reading no row).
        if state["exhausted"]:
            return None
        lo = state["frontier"]
        with conn.wrap_database_errors:
            hi, count = db.execute(
                f"SELECT max({pk}), count(*) FROM (SELECT t.{pk} FROM {table} t "
                f"{where(lo is None)} "
                f"ORDER BY t.{pk} LIMIT ?)", (new, *([] if lo is None else [lo]), size)
            ).fetchone()
        if hi is None:
            state["exhausted"] = True
            return None
        state["frontier"] = hi
        return lo, hi, count

    def write(lo: Any, hi: Any, ready: reseal_worker.Prepared | None) -> None:
        if ready is not None and all(aads.encoded(raw) == aad
                                     for raw, aad in ready.aads.items()):
            prepared.update(zip(ready.pks, zip(ready.key_ids, ready.olds, ready.news,
                                               strict=True), strict=True))
        with transaction.atomic(using=alias):
            try:
                with conn.wrap_database_errors:
                    changed = db.execute(update_sql(lo is None), (
                        new, new, *([] if lo is None else [lo]), hi)).rowcount
            except Exception as exc:
                if errors:  # what the function raised, not SQLite's summary of it
                    raise errors[0] from exc
                raise
            finally:
                prepared.clear()
            if on_batch is not None:
                on_batch(model, changed)  # inside the transaction: raising undoes it
        checkpointer.committed()
        state["done"] += changed
        progress(changed)

    worker: reseal_worker.Worker | None = None
    outstanding: deque[tuple[Any, Any]] = deque()  # the batches the worker is preparing
    try:
        with Checkpointer(conn) as checkpointer:
            while True:
                ready = bool(outstanding) and worker is not None and worker.ready()
                if ready:
                    assert worker is not None
                    write(*outstanding.popleft(), worker.take())
                while worker is not None and worker.alive and len(outstanding) < WORKER_AHEAD:
                    ahead = next_range()
                    if ahead is None:
                        break
                    outstanding.append(ahead[:2])
                    worker.ask(*ahead[:2])  # if it died, take() gives None
                if ready:  # the worker keeps up: write its batches rather than ours
                    continue
                # While the worker prepares, this process re-encrypts small batches itself
                # (the slower way per row), so it looks for the worker's answer often.
                own = batch_size // OWN_SHARE
                mine = next_range(own if worker is not None and worker.alive
                                  and own >= MIN_OWN else batch_size)
                if mine is None:
                    if not outstanding:
                        return int(state["done"])
                    write(*outstanding.popleft(), worker.take() if worker is not None else None)
                    continue
                if worker is None and mine[2] == batch_size and _may_use_worker(
                        conn, checkpointer):
                    # The worker reads the owner's ref by a join: cheaper per row than the
                    # UPDATE's correlated subquery, and its speed sets its share of batches.
                    owner, join = owner_join(model, conn)

                    def worker_sql(first: bool, owner: str = owner, join: str = join) -> str:
                        return (f"SELECT t.{pk}, t.{key_id}, t.{blob}, {owner} "
                                f"FROM {table} t{join} {where(first)} "
                                f"AND t.{pk} <= ?")

                    worker = reseal_worker.Worker(reseal_worker.Setup(
                        conn.settings_dict["NAME"], worker_sql(False), worker_sql(True),
                        aads.label, reseal.keys, new))
                write(*mine[:2], None)
    finally:
        if worker is not None:
            worker.close()
        db.create_function(FUNCTION, 3, None)
        db.create_function(PICK, 3, None)
