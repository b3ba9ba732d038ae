"""The staff protocol (Sec4): the text every staff member accepts before seeing personal data.

The texts ship with the package (protocol_texts/protocol.<lang>.html, Dutch and English).
`PROTOCOL_VERSION` names the current version; `PROTOCOL_DIGEST` pins the texts it names, so
the test suite fails when a text changes without a new version (staff would otherwise be
bound by words they never accepted). A new version makes every staff member accept again.
"""

from __future__ import annotations

import hashlib
import html
from functools import cache
from pathlib import Path

from django.utils.safestring import SafeString, mark_safe

PROTOCOL_VERSION = "2025.1"
#: SHA-256 over the Dutch and then the English text of PROTOCOL_VERSION.
PROTOCOL_DIGEST = "9ba3db2d74408a9f290267ee40f4ac56d0db6fd204fc6cce1eb8378c737bf12e"
LANGUAGES = ("nl", "en")
_TEXTS = Path(__file__).resolve().parent / "protocol_texts"


@cache
def _raw(lang: str) -> str:
    if lang not in LANGUAGES:
        lang = "nl"  # Dutch is authoritative
    return (_TEXTS / f"protocol.{lang}.html").read_text(encoding="utf-8")


def texts_digest() -> str:
    """SHA-256 hex over the shipped texts, in LANGUAGES order."""
    digest = hashlib.sha256()
    for lang in LANGUAGES:
        digest.update(_raw(lang).encode("utf-8"))
    return digest.hexdigest()


def protocol_html(lang: str, controller_name: str) -> SafeString:
    """The protocol in `lang` ("nl" or "en"; anything else gives Dutch) as HTML."""
    # The text is ours (shipped, pinned by digest); only the controller name is inserted,
    # escaped, because it comes from the policy file.
    return mark_safe(_raw(lang).replace("{controller}", html.escape(controller_name)))  # noqa: S308


def is_current(version: str | None) -> bool:
    """True when `version` is the current protocol version."""
    return bool(version) and version == PROTOCOL_VERSION
