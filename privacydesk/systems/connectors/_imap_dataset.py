"""The IMAP connector's dataset: which folders of a mailbox hold whose messages, and what an
erasure does in each (docs/connectors/imap.md). Plain Python, no network.

A dataset is validated whole before the connector touches the network (#16.2): a wrong key
or value is ConnectorError("misdeclared") naming the key and the rule.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from privacydesk.systems.connector import ConnectorError

#: What an erasure does to a message in a folder. `delete`: the person's own correspondence
#: is flagged \Deleted and expunged; `move`: it is moved to `move_to` (a quarantine folder
#: with its own retention); `anonymise`: every message is rewritten without her name, e-mail
#: addresses and phone numbers; `archive_only`: nothing is touched, records are "kept" with
#: the folder's `reason` (R3: a legal duty to keep, e.g. invoices sent by mail).
ERASE_MODES = ("delete", "move", "anonymise", "archive_only")

#: The identity kinds a mailbox can be searched by (connector.IDENTITY_KINDS' subset):
#: e-mail in the address headers and the text, name and phone in the text.
IMAP_IDENTITIES = ("email", "name", "phone")

_TOP_KEYS = ("categories", "identities", "kind", "folders")
_FOLDER_KEYS = ("name", "erase", "move_to", "reason", "categories")


@dataclass(frozen=True)
class Folder:
    """One declared folder: its IMAP name, erase mode, quarantine target (mode `move`),
    the reason messages are kept (mode `archive_only`) and the categories of its messages."""

    name: str
    erase: str
    move_to: str
    reason: str
    categories: tuple[str, ...]


@dataclass(frozen=True)
class Dataset:
    """The validated dataset: the folders in search order, the identity kinds searched and
    the word for a record in the report (`kind`, "e-mail" unless declared)."""

    folders: tuple[Folder, ...]
    identities: tuple[str, ...]
    kind: str

    def folder(self, name: str) -> Folder | None:
        """Return the declared folder called `name`; None when it is not declared."""
        return next((f for f in self.folders if f.name == name), None)


def _bad(system_id: str, key: str, rule: str) -> ConnectorError:
    return ConnectorError("misdeclared", f"{system_id}: dataset key {key}: {rule}")


def _text(system_id: str, key: str, value: Any, *, required: bool = True) -> str:
    if value is None and not required:
        return ""
    if not isinstance(value, str) or (required and not value.strip()):
        raise _bad(system_id, key, "must be a non-empty string")
    if any(c in value for c in '\r\n"\\'):
        # IMAP quoted strings cannot carry these; a folder name never needs them.
        raise _bad(system_id, key, "must not contain line breaks, quotes or backslashes")
    return value.strip()


def _strings(system_id: str, key: str, value: Any) -> tuple[str, ...]:
    if (not isinstance(value, list | tuple) or not value
            or not all(isinstance(v, str) and v.strip() for v in value)):
        raise _bad(system_id, key, "must be a non-empty list of strings")
    return tuple(v.strip() for v in value)


def _unknown(system_id: str, prefix: str, table: Mapping[str, Any],
             allowed: tuple[str, ...]) -> None:
    for key in table:
        if key not in allowed:
            raise _bad(system_id, f"{prefix}{key}",
                       f"unknown key (allowed: {', '.join(allowed)})")


def _folder(system_id: str, index: int, table: Any,
            default_categories: tuple[str, ...]) -> Folder:
    prefix = f"folders[{index}]."
    if not isinstance(table, Mapping):
        raise _bad(system_id, f"folders[{index}]",
                   "must be a table with name and erase ([[folders]])")
    _unknown(system_id, prefix, table, _FOLDER_KEYS)
    name = _text(system_id, prefix + "name", table.get("name"))
    erase = table.get("erase", "delete")
    if erase not in ERASE_MODES:
        raise _bad(system_id, prefix + "erase", f"must be one of {', '.join(ERASE_MODES)}")
    move_to = _text(system_id, prefix + "move_to", table.get("move_to"),
                    required=erase == "move")
    if erase != "move" and move_to:
        raise _bad(system_id, prefix + "move_to", 'is only allowed with erase = "move"')
    if move_to == name:
        raise _bad(system_id, prefix + "move_to", "must name another folder than the folder")
    reason = table.get("reason", "")
    if erase == "archive_only" and not (isinstance(reason, str) and reason.strip()):
        raise _bad(system_id, prefix + "reason",
                   'is required with erase = "archive_only" (why the messages are kept, R3)')
    if not isinstance(reason, str):
        raise _bad(system_id, prefix + "reason", "must be a string")
    categories = (_strings(system_id, prefix + "categories", table["categories"])
                  if "categories" in table else default_categories)
    return Folder(name, erase, move_to, reason.strip(), categories)


def parse(system_id: str, dataset: Mapping[str, Any]) -> Dataset:
    """Return the validated dataset; ConnectorError("misdeclared") naming the key and the
    rule for anything else (unknown keys included: a typo must not silently search less)."""
    if not isinstance(dataset, Mapping):
        raise _bad(system_id, "(dataset)", "must be a mapping (the dataset TOML file)")
    _unknown(system_id, "", dataset, _TOP_KEYS)
    categories = _strings(system_id, "categories", dataset.get("categories"))
    identities = (_strings(system_id, "identities", dataset["identities"])
                  if "identities" in dataset else IMAP_IDENTITIES)
    for identity in identities:
        if identity not in IMAP_IDENTITIES:
            raise _bad(system_id, "identities",
                       f"{identity!r} cannot be searched in a mailbox "
                       f"(one of {', '.join(IMAP_IDENTITIES)})")
    kind = _text(system_id, "kind", dataset.get("kind", "e-mail"))
    raw_folders = dataset.get("folders")
    if not isinstance(raw_folders, list | tuple) or not raw_folders:
        raise _bad(system_id, "folders", "must list at least one folder ([[folders]])")
    folders = tuple(_folder(system_id, i, t, categories) for i, t in enumerate(raw_folders))
    names = [f.name for f in folders]
    for name in names:
        if names.count(name) > 1:
            raise _bad(system_id, "folders", f"folder {name!r} is declared twice")
    for index, folder in enumerate(folders):
        target = next((f for f in folders if f.name == folder.move_to), None)
        if target is not None and target.erase != "archive_only":
            # Searched and erasable, the quarantine would hand back what was just moved:
            # the re-search of every erasure would find it again (Rt3).
            raise _bad(system_id, f"folders[{index}].move_to",
                       f"the quarantine folder {target.name!r} is declared too: declare it "
                       'erase = "archive_only" with the quarantine\'s reason, or leave it '
                       "out (then it is not searched)")
    return Dataset(folders, identities, kind)
