"""The font set-up every PDF privacydesk writes shares (fpdf2 documents, #14).

Plain Python, like all of `privacydesk.exports`: DejaVu Sans when the system has it
(Debian's fonts-dejavu-core), so a name such as "Łukasz" or "Zoë" prints as written;
otherwise the PDF core fonts, which speak Latin-1 only: what they lack is folded or shown
as "?" rather than refusing the document.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

FONT_DIRS = (Path("/usr/share/fonts/truetype/dejavu"), Path("/usr/share/fonts/dejavu"))
#: Typographic dashes and the ellipsis as the core fonts print them.
DASHES = {"—": "-", "–": "-", "…": "..."}


def unicode_font(doc: Any) -> str:
    """Register DejaVu Sans (regular and bold) on `doc` (an FPDF) when the system has it and
    return "dejavu"; "" without it."""
    for folder in FONT_DIRS:
        regular, bold = folder / "DejaVuSans.ttf", folder / "DejaVuSans-Bold.ttf"
        if regular.exists() and bold.exists():
            doc.add_font("dejavu", "", str(regular))
            doc.add_font("dejavu", "B", str(bold))
            return "dejavu"
    return ""


def latin1(text: str, fold: Mapping[str, str] | None = None) -> str:
    """`text` as the core fonts can print it: each character of `fold` replaced by its
    value, then "?" for what Latin-1 lacks."""
    for char, plain in (fold or {}).items():
        text = text.replace(char, plain)
    return text.encode("latin-1", "replace").decode("latin-1")
