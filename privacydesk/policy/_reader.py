"""A strict reader for one TOML table: typed getters that raise `PolicyError` with the dotted
key path of the offending value, and `close()` that refuses keys nobody asked for.

Internal to the loader. Every getter marks its key as used; unknown keys are therefore
exactly the ones left over when a section has been read.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable, Collection, Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any, NoReturn, TypeVar

from privacydesk.policy.errors import PolicyError
from privacydesk.policy.model import Label
from privacydesk.policy.schema import PATTERNS

IDENT = re.compile(PATTERNS["ident"] + r"\Z")
PROMISE = re.compile(PATTERNS["promise"] + r"\Z")
_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+\Z")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
T = TypeVar("T")

_TYPE_NAMES = {str: "a string", bool: "true or false", int: "an integer", dict: "a table",
               list: "an array", float: "a float"}


def read_text(path: str | Path) -> str:
    """The UTF-8 text of the file at `path`; PolicyError naming the file otherwise."""
    try:
        return Path(path).read_bytes().decode("utf-8")
    except OSError as exc:
        raise PolicyError(str(path), "(file)", f"cannot be read: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise PolicyError(str(path), "(file)", "must be UTF-8 text") from None


def parse_toml(text: str, file: str) -> dict[str, Any]:
    """`text` parsed as TOML; PolicyError naming the line of a syntax error otherwise."""
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        found = re.search(r"line (\d+)", str(exc))
        key = f"line {found.group(1)}" if found else "(syntax)"
        raise PolicyError(file, key, f"is not valid TOML: {exc}") from None


def type_name(value: object) -> str:
    for kind, name in _TYPE_NAMES.items():
        if type(value) is kind:
            return name
    return type(value).__name__


def join_key(path: str, key: str) -> str:
    shown = key if _BARE_KEY.match(key) else '"' + key.replace('"', '\\"') + '"'
    return f"{path}.{shown}" if path else shown


class Table:
    """One TOML table at dotted `path` in `file`."""

    def __init__(self, file: str, path: str, data: object) -> None:
        self.file = file
        self.path = path
        if not isinstance(data, dict):
            self.fail(None, f"must be a table, not {type_name(data)}")
        self.data: dict[str, Any] = data
        self.used: set[str] = set()

    def fail(self, key: str | None, rule: str, raw: bool = False) -> NoReturn:
        """Raise PolicyError at `key` of this table; `raw` keys (like "roles[2]") are not
        quoted."""
        if not key:
            where = self.path or "(top)"
        elif raw:
            where = f"{self.path}.{key}" if self.path else key
        else:
            where = join_key(self.path, key)
        raise PolicyError(self.file, where, rule)

    def _get(self, key: str) -> Any:
        self.used.add(key)
        if key not in self.data:
            self.fail(key, "is required")
        return self.data[key]

    def has(self, key: str) -> bool:
        return key in self.data

    def text(self, key: str, max_len: int = 2000, allow_empty: bool = False) -> str:
        """A non-blank string without control characters; `allow_empty`: "" is accepted
        too (a key whose empty value means "none", such as a system's `processor`)."""
        value = self._get(key)
        if allow_empty and value == "":
            return value
        return check_text(self, key, value, max_len)

    def boolean(self, key: str) -> bool:
        value = self._get(key)
        if type(value) is not bool:
            self.fail(key, f"must be true or false, not {type_name(value)}")
        return value

    def integer(self, key: str, minimum: int, maximum: int) -> int:
        value = self._get(key)
        if type(value) is not int:
            self.fail(key, f"must be an integer, not {type_name(value)}")
        if value < minimum:
            self.fail(key, "must not be negative" if minimum == 0 and value < 0
                      else f"must be at least {minimum}; it is {value}")
        if value > maximum:
            self.fail(key, f"must be at most {maximum}; it is {value}")
        return value

    def table(self, key: str) -> Table:
        return Table(self.file, join_key(self.path, key), self._get(key))

    def optional_table(self, key: str) -> Table | None:
        return self.table(key) if self.has(key) else None

    def label(self, key: str) -> Label:
        t = self.table(key)
        label = Label(nl=t.text("nl"), en=t.text("en"))
        t.close()
        return label

    def optional_label(self, key: str) -> Label | None:
        return self.label(key) if self.has(key) else None

    def choice(self, key: str, choices: tuple[str, ...]) -> str:
        """A text that is one of `choices`."""
        value = self.text(key, 32)
        if value not in choices:
            self.fail(key, f"must be one of {', '.join(choices)}; {value!r} is not")
        return value

    def promise(self, key: str) -> str:
        value = self.text(key, max_len=8)
        if not PROMISE.match(value):
            self.fail(key, f"must be a promise id such as C3 or Rt6; {value!r} is not one")
        return value

    def entries(self, what: str) -> list[tuple[str, Table]]:
        """The sub-tables of this table, keyed by identifier; at least one."""
        if not self.data:
            self.fail(None, f"must declare at least one {what}")
        out = []
        for key, value in self.data.items():
            self.used.add(key)
            if not IDENT.match(key):
                self.fail(key, "must be a lowercase identifier ([a-z][a-z0-9_]*, at most 64 "
                          "characters)")
            out.append((key, Table(self.file, join_key(self.path, key), value)))
        return out

    def built_entries(self, what: str, build: Callable[[str, Table], T]) -> Mapping[str, T]:
        """The sub-tables (`entries`) built by `build`, each closed after (unknown keys
        refused), as a read-only mapping."""
        built = {}
        for key, t in self.entries(what):
            built[key] = build(key, t)
            t.close()
        return MappingProxyType(built)

    def array(self, key: str) -> list[Any]:
        value = self._get(key)
        if type(value) is not list:
            self.fail(key, f"must be an array, not {type_name(value)}")
        return value

    def refs(self, key: str, known: Collection[str], what: str,
             allow_empty: bool = False) -> frozenset[str]:
        """An array of names, each declared in `known` (a `what`), without repeats."""
        items = self.array(key)
        if not items and not allow_empty:
            self.fail(key, f"must name at least one {what}")
        seen: set[str] = set()
        for i, item in enumerate(items):
            where = f"{join_key('', key)}[{i}]"
            if type(item) is not str:
                self.fail(where, f"must be a string naming a {what}, not {type_name(item)}",
                          raw=True)
            if item not in known:
                self.fail(where, f"must name a declared {what}; {item!r} is not one", raw=True)
            if item in seen:
                self.fail(where, f"names {item!r} twice", raw=True)
            seen.add(item)
        return frozenset(seen)

    def close(self) -> None:
        """Refuse every key that was not read: the schema knows no such key."""
        for key in self.data:
            if key not in self.used:
                self.fail(key, "is not a known key here")


def check_text(table: Table, key: str, value: object, max_len: int = 2000) -> str:
    if type(value) is not str:
        table.fail(key, f"must be a string, not {type_name(value)}")
    if not value.strip():
        table.fail(key, "must not be empty")
    if len(value) > max_len:
        table.fail(key, f"must be at most {max_len} characters long")
    if _CONTROL.search(value):
        table.fail(key, "must not contain control characters (tabs, newlines, ...)")
    return value
