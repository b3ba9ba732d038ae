"""An encrypted file of framed AES-GCM chunks (for backups).

Layout: MAGIC, one JSON header line (not secret: uid, generation, time, key id), then
frames of `4-byte length || nonce || ciphertext+tag`. Each frame's associated data binds
it to the header's digest, its index and whether it is the last one, so a reordered,
dropped, truncated or altered frame — or an altered header — refuses to open.
"""

from __future__ import annotations

import hashlib
import json
import struct
from collections.abc import Iterator
from typing import IO, Any

from privacydesk.vault import DecryptionError, crypto

MAGIC = b"PRIVACYDESK-BACKUP/1\n"
CHUNK = 1 << 20


def _aad(digest: str, index: int, final: bool) -> str:
    return f"privacydesk.backup:{digest}:{index}:{int(final)}"


class SealedWriter:
    """Write plaintext bytes; `close()` seals the final frame. Header first, then data."""

    def __init__(self, fh: IO[bytes], header: dict[str, Any]) -> None:
        line = json.dumps(header, sort_keys=True).encode() + b"\n"
        self.fh, self.digest = fh, hashlib.sha256(MAGIC + line).hexdigest()
        self.index, self.buffer = 0, bytearray()
        fh.write(MAGIC + line)

    def write(self, data: bytes) -> None:
        self.buffer += data
        while len(self.buffer) > CHUNK:
            self._frame(bytes(self.buffer[:CHUNK]), final=False)
            del self.buffer[:CHUNK]

    def close(self) -> None:
        self._frame(bytes(self.buffer), final=True)
        self.buffer.clear()

    def _frame(self, data: bytes, final: bool) -> None:
        _, blob = crypto.seal_bytes(data, aad=_aad(self.digest, self.index, final))
        self.fh.write(struct.pack(">I", len(blob)) + blob)
        self.index += 1


def read_header(fh: IO[bytes]) -> tuple[dict[str, Any], str]:
    """The header and its digest; DecryptionError if this is not a privacydesk backup."""
    magic = fh.read(len(MAGIC))
    line = fh.readline(1 << 16)
    if magic != MAGIC or not line.endswith(b"\n"):
        raise DecryptionError("not a privacydesk backup file (wrong magic or header)")
    try:
        header = json.loads(line)
    except ValueError:
        raise DecryptionError("backup header is not valid JSON")
    return header, hashlib.sha256(magic + line).hexdigest()


def read_chunks(fh: IO[bytes], key_id: str, digest: str) -> Iterator[bytes]:
    """Yield the decrypted chunks in order; DecryptionError on any damage or truncation."""
    index = 0
    while True:
        size_bytes = fh.read(4)
        if len(size_bytes) < 4:
            raise DecryptionError("backup is truncated: the final frame is missing")
        blob = fh.read(struct.unpack(">I", size_bytes)[0])
        try:
            data = crypto.unseal_bytes(key_id, blob, aad=_aad(digest, index, False))
            final = False
        except DecryptionError:
            data = crypto.unseal_bytes(key_id, blob, aad=_aad(digest, index, True))
            final = True
        yield data
        index += 1
        if final:
            if fh.read(1):
                raise DecryptionError("backup has data after its final frame")
            return


def read_lines(fh: IO[bytes], key_id: str, digest: str) -> Iterator[bytes]:
    """Yield the plaintext lines (without newline) of a sealed file."""
    rest = b""
    for chunk in read_chunks(fh, key_id, digest):
        rest += chunk
        *lines, rest = rest.split(b"\n")
        yield from lines
    if rest:
        yield rest
