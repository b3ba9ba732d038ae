"""LDIF (RFC 2849) for the portability export (Rt4). Plain Python."""

from __future__ import annotations

import base64
from collections.abc import Iterable, Sequence

_SAFE_INIT = set(range(0x01, 0x80)) - {0x0A, 0x0D, 0x20, 0x3A, 0x3C}
_SAFE = set(range(0x01, 0x80)) - {0x0A, 0x0D}


def _line(attribute: str, value: str | bytes) -> str:
    raw = value.encode("utf-8") if isinstance(value, str) else value
    # RFC 2849: a value that is not a SAFE-STRING (non-ASCII, leading space, colon or '<',
    # trailing space, a line break) is written base64 after "::".
    safe = (not raw or (raw[0] in _SAFE_INIT and all(b in _SAFE for b in raw)
                        and not raw.endswith(b" ")))
    line = (f"{attribute}: {raw.decode('ascii')}" if safe
            else f"{attribute}:: {base64.b64encode(raw).decode('ascii')}")
    # Lines are folded at 76 characters; a continuation line starts with one space.
    folded = [line[:76]] + [" " + line[i:i + 75] for i in range(76, len(line), 75)]
    return "\n".join(folded)


def entry(dn: str, attributes: Iterable[tuple[str, Sequence[str | bytes]]]) -> str:
    """One LDIF record: the DN, then each attribute's values, then an empty line."""
    lines = [_line("dn", dn)]
    for name, values in attributes:
        lines += [_line(name, v) for v in values]
    return "\n".join(lines) + "\n\n"


def document(entries: Iterable[str]) -> bytes:
    """A whole LDIF file of `entries` (made by `entry`), UTF-8."""
    return ("version: 1\n\n" + "".join(entries)).encode("utf-8")
