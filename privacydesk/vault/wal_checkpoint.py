"""SQLite WAL checkpoints in a thread of their own, for long runs of commits (key rotation)."""

from __future__ import annotations

import sqlite3
import threading

from django.db.backends.base.base import BaseDatabaseWrapper


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
