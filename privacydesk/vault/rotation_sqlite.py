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

import sqlite3
import threading
from collections.abc import Callable
from typing import Any

from django.db import connections, router, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import Model

from privacydesk.vault import crypto
from privacydesk.vault.models import SealedMixin, sealed_aad_for

FUNCTION = "privacydesk_reseal"


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


class Checkpointer:
    """WAL checkpoints in a second thread while rotation commits batch after batch.

    SQLite's automatic checkpoint runs inside the COMMIT that crosses the WAL threshold
    (1000 pages): at 1M rows that is ~15% of rotation's wall time, most of it waiting for
    fsync. For the rotation, the connection's automatic checkpoint is switched off and a
    thread with its own connection runs the same PASSIVE checkpoint after every commit
    (sqlite3 releases the GIL while it works). Durability is unchanged: journal_mode and
    synchronous stay as configured; only which thread copies the WAL back differs. The
    setting is restored on exit. A database in memory or not in WAL mode is left alone."""

    def __init__(self, conn: BaseDatabaseWrapper) -> None:
        self.conn, self.wake = conn, threading.Event()
        self.thread: threading.Thread | None = None
        self.stop, self.autocheckpoint = False, 0

    def __enter__(self) -> Checkpointer:
        db = self.conn.connection
        if (self.conn.is_in_memory_db()  # type: ignore[attr-defined]
                or db.execute("PRAGMA journal_mode").fetchone()[0] != "wal"):
            return self
        self.autocheckpoint = db.execute("PRAGMA wal_autocheckpoint").fetchone()[0]
        db.execute("PRAGMA wal_autocheckpoint = 0")
        self.thread = threading.Thread(target=self._run, name="privacydesk-checkpoint",
                                       args=(self.conn.settings_dict["NAME"],), daemon=True)
        self.thread.start()
        return self

    def _run(self, path: str) -> None:
        checkpoints = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        try:
            while self.wake.wait() and not self.stop:
                self.wake.clear()
                checkpoints.execute("PRAGMA wal_checkpoint(PASSIVE)")
        finally:
            checkpoints.close()

    def committed(self) -> None:
        """A batch was committed: checkpoint what the WAL holds."""
        self.wake.set()

    def __exit__(self, *exc: object) -> None:
        if self.thread is None:
            return
        self.stop = True
        self.wake.set()
        self.thread.join()
        self.conn.connection.execute(f"PRAGMA wal_autocheckpoint = {int(self.autocheckpoint)}")


def rotate(model: type[SealedMixin], reseal: crypto.Resealer, batch_size: int,
           on_batch: Callable[[type[Model], int], None] | None,
           progress: Callable[[int], object]) -> int:
    """Rotate `model` batch by batch, each batch one transaction and one UPDATE; return
    how many rows changed. `on_batch(model, n)` runs inside the batch's transaction."""
    alias = router.db_for_write(model)
    conn = connections[alias]
    q = conn.ops.quote_name
    table, pk, key_id, blob = (q(model._meta.db_table), q(model._meta.pk.column), q("key_id"),
                               q("ciphertext"))

    def statements(first: bool) -> tuple[str, str]:
        # The batch's last pk (a walk along the primary key, reading no row), the UPDATE.
        after = "" if first else f" AND t.{pk} > ?"
        return (f"SELECT max({pk}) FROM (SELECT t.{pk} FROM {table} t WHERE t.{key_id} <> ?"
                f"{after} ORDER BY t.{pk} LIMIT ?)",
                f"UPDATE {table} AS t SET {key_id} = ?, {blob} = {FUNCTION}(t.{key_id}, "
                f"t.{blob}, {owner_ref_sql(model, conn)}) WHERE t.{key_id} <> ?{after} "
                f"AND t.{pk} <= ?")

    errors: list[BaseException] = []
    conn.ensure_connection()
    db = conn.connection
    db.create_function(FUNCTION, 3, _function(reseal, Aads(model), errors),
                       deterministic=False)
    new, after, done = reseal.key_id, None, 0
    try:
        with Checkpointer(conn) as checkpointer:
            while True:
                last_sql, update_sql = statements(after is None)
                lower = () if after is None else (after,)
                with conn.wrap_database_errors:
                    last = db.execute(last_sql, (new, *lower, batch_size)).fetchone()[0]
                if last is None:
                    return done
                with transaction.atomic(using=alias):
                    try:
                        with conn.wrap_database_errors:
                            changed = db.execute(update_sql, (new, new, *lower, last)).rowcount
                    except Exception as exc:
                        if errors:  # what the function raised, not SQLite's summary of it
                            raise errors[0] from exc
                        raise
                    if on_batch is not None:
                        on_batch(model, changed)  # inside the transaction: raising undoes it
                checkpointer.committed()
                done += changed
                progress(changed)
                after = last
    finally:
        db.create_function(FUNCTION, 3, None)

