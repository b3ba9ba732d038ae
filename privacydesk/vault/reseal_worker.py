"""Key rotation on SQLite, second CPU: a worker process re-encrypts a batch ahead while the
main process rotates the batches before it (Sec1). No Django here: the worker runs as
`python -P reseal_worker.py`, a fresh interpreter, and only reads, on its own connection
(WAL: readers never block the writer, nor it them).

The worker only prepares. For each batch (a pk range) it returns (pk, key_id, old ciphertext, new
ciphertext) of the rows it read, and the AAD it used per owner ref. The main process
checks every AAD against its own (`sealed_aad()`'s, via rotation_sqlite.Aads), and its
UPDATE writes a prepared ciphertext only where the row still holds that key_id and old
ciphertext at that moment — anything else (a row saved meanwhile, a row the worker could
not open, a dead worker) is re-encrypted inside the statement as without a worker.
Correctness never depends on the worker; only the speed does.

Protocol (pickles over the pipes): the parent writes a Setup, then `(lo, hi)` per batch
(rows with lo < pk <= hi; lo None for "from the start") and finally None; the worker
answers each request with a Prepared. It exits when its input closes (parent killed).
"""

from __future__ import annotations

import os
import pickle
import select
import sqlite3
import subprocess
import sys
import uuid
from typing import Any, NamedTuple

NONCE = 12


class Setup(NamedTuple):
    path: str               # the database file
    select: str             # (pk, key_id, ciphertext, owner ref) of the rows not under the
                            # new key with lo < pk <= hi ("?": new key id, lo, hi)
    select_first: str       # ... the same without "lo <" ("?": new key id, hi)
    label: str              # the model's label_lower: AAD "label:<ref>" or "label"
    keys: dict[str, bytes]  # every key id -> key (the parent's keyring)
    new_id: str


class Prepared(NamedTuple):
    pks: list[Any]
    key_ids: list[str]
    olds: list[bytes]
    news: list[bytes]
    aads: dict[Any, bytes]     # raw owner ref (as the database returns it) -> AAD used


def _aad(label: str, ref: Any) -> bytes:
    # vault.models.sealed_aad_for with the ref as Django's UUIDField returns it; the parent
    # verifies every one, so a difference only costs speed.
    if ref is None:
        return label.encode()
    return f"{label}:{uuid.UUID(ref) if isinstance(ref, str) else ref}".encode()


class Ciphers(NamedTuple):
    decrypts: dict[str, Any]  # key id -> AESGCM(key).decrypt
    encrypt: Any              # AESGCM(new key).encrypt

    @classmethod
    def of(cls, setup: Setup) -> Ciphers:
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        return cls({kid: AESGCM(key).decrypt for kid, key in setup.keys.items()},
                   AESGCM(setup.keys[setup.new_id]).encrypt)


def prepare(db: sqlite3.Connection, setup: Setup, ciphers: Ciphers, lo: Any,
            hi: Any) -> Prepared:
    """Read the rows lo < pk <= hi and re-encrypt what opens."""
    rows = (db.execute(setup.select_first, (setup.new_id, hi)) if lo is None else
            db.execute(setup.select, (setup.new_id, lo, hi))).fetchall()
    decrypts, encrypt = ciphers
    pool = os.urandom(NONCE * len(rows))  # a fresh random nonce per value
    aads = {ref: _aad(setup.label, ref) for ref in {row[3] for row in rows}}
    nonces = [pool[i:i + NONCE] for i in range(0, len(pool), NONCE)]
    try:  # every row opens (the usual case): one pass, no per-row bookkeeping
        news = [nonce + encrypt(nonce, decrypts[key_id](blob[:NONCE], blob[NONCE:], aads[ref]),
                                aads[ref])
                for nonce, (_, key_id, blob, ref) in zip(nonces, rows, strict=True)]
        return Prepared([row[0] for row in rows], [row[1] for row in rows],
                        [row[2] for row in rows], news, aads)
    except Exception:  # noqa: S110  some row does not open: the loop below skips just it
        pass
    out = Prepared([], [], [], [], {})
    for i, (pk, key_id, blob, ref) in enumerate(rows):
        aad = out.aads.get(ref)
        if aad is None:
            aad = out.aads[ref] = _aad(setup.label, ref)
        try:
            plain = decrypts[key_id](blob[:NONCE], blob[NONCE:], aad)
        except Exception:  # noqa: S112  the parent re-seals this row itself and reports it
            continue
        nonce = pool[i * NONCE:(i + 1) * NONCE]
        out.pks.append(pk)
        out.key_ids.append(key_id)
        out.olds.append(blob)
        out.news.append(nonce + encrypt(nonce, plain, aad))
    return out


def main() -> None:
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    setup = Setup(*pickle.load(stdin))  # noqa: S301  (from our own parent process)
    ciphers = Ciphers.of(setup)
    db = sqlite3.connect(setup.path, isolation_level=None)
    db.execute("PRAGMA query_only = ON")  # it only ever reads
    while True:
        try:
            request = pickle.load(stdin)  # noqa: S301
        except EOFError:  # the parent is gone (even killed): so is the work
            return
        if request is None:
            return
        try:
            pickle.dump(tuple(prepare(db, setup, ciphers, *request)), stdout, protocol=5)
            stdout.flush()
        except BrokenPipeError:  # the parent stopped waiting for this batch
            return


class Worker:
    """The parent's handle: `ask(lo, hi)` hands it a batch, `ready()` says whether the
    answer is there, `take()` waits for it. Any failure of the worker makes `take()` return
    None, and the worker is not asked again (the caller carries on alone)."""

    def __init__(self, setup: Setup) -> None:
        self.proc = subprocess.Popen([sys.executable, "-P", __file__], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE)
        self.alive = self._send(tuple(setup))

    def _send(self, message: object) -> bool:
        try:
            assert self.proc.stdin is not None
            pickle.dump(message, self.proc.stdin, protocol=5)
            self.proc.stdin.flush()
            return True
        except OSError:
            return False

    def ask(self, lo: Any, hi: Any) -> bool:
        self.alive = self.alive and self._send((lo, hi))
        return self.alive

    def ready(self) -> bool:
        """True when the answer to the (one) outstanding request can be read, or the
        worker died. One request at a time: the pipe holds no other message."""
        assert self.proc.stdout is not None
        return not self.alive or bool(select.select([self.proc.stdout], [], [], 0)[0])

    def take(self) -> Prepared | None:
        if not self.alive:
            return None
        try:
            assert self.proc.stdout is not None
            return Prepared(*pickle.load(self.proc.stdout))  # noqa: S301  (our own child)
        except (OSError, EOFError, pickle.UnpicklingError, TypeError):
            self.alive = False
            return None

    def close(self) -> None:
        self._send(None)
        for stream in (self.proc.stdin, self.proc.stdout):
            if stream is not None:
                stream.close()
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


if __name__ == "__main__":
    main()
