"""Read a gettext .po catalogue (issue #15's i18n tests): enough of the format that
makemessages and msgmerge write — comments, flags, msgctxt, msgid, msgid_plural, msgstr[n],
continued strings, obsolete (#~) entries."""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Entry:
    msgid: str = ""
    msgctxt: str | None = None
    msgid_plural: str | None = None
    msgstr: list[str] = field(default_factory=list)
    flags: set[str] = field(default_factory=set)
    obsolete: bool = False

    @property
    def key(self) -> tuple[str | None, str]:
        return (self.msgctxt, self.msgid)

    @property
    def translated(self) -> bool:
        return bool(self.msgstr) and all(self.msgstr)

    @property
    def fuzzy(self) -> bool:
        return "fuzzy" in self.flags


def _string(text: str) -> str:
    return str(ast.literal_eval(text))


def read(path: Path | str) -> list[Entry]:
    """Every entry of the catalogue at `path` but the header, in file order."""
    entries: list[Entry] = []
    entry = Entry()
    target: tuple[str, int] | None = None
    started = False

    def finish() -> None:
        nonlocal entry, started, target
        if started and entry.msgid != "" or entry.msgctxt is not None:
            entries.append(entry)
        entry, started, target = Entry(), False, None

    for raw in Path(path).read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        obsolete = line.startswith("#~")
        if obsolete:
            line = line[2:].strip()
        if not line:
            finish()
            continue
        if line.startswith("#,"):
            if started:
                finish()
            entry.flags |= {flag.strip() for flag in line[2:].split(",")}
            continue
        if line.startswith("#"):
            if started and target is not None and target[0] == "msgstr":
                finish()
            continue
        keyword, _space, rest = line.partition(" ")
        if line.startswith('"'):
            assert target is not None, f"{path}: a string continues nothing: {raw!r}"
            name, index = target
            value = _string(line)
        elif keyword == "msgctxt":
            if started and target is not None and target[0] == "msgstr":
                finish()
            name, index, value = "msgctxt", 0, _string(rest)
            entry.msgctxt = ""
        elif keyword == "msgid":
            if started and target is not None and target[0] == "msgstr":
                finish()
            name, index, value = "msgid", 0, _string(rest)
        elif keyword == "msgid_plural":
            name, index, value = "msgid_plural", 0, _string(rest)
            entry.msgid_plural = ""
        elif keyword.startswith("msgstr"):
            index = int(keyword[7:-1]) if keyword.startswith("msgstr[") else 0
            name, value = "msgstr", _string(rest)
            while len(entry.msgstr) <= index:
                entry.msgstr.append("")
        else:
            raise AssertionError(f"{path}: cannot read {raw!r}")
        started = True
        entry.obsolete = entry.obsolete or obsolete
        target = (name, index)
        if name == "msgstr":
            entry.msgstr[index] += value
        else:
            setattr(entry, name, (getattr(entry, name) or "") + value)
    finish()
    return entries
