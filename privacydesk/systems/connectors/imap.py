"""The IMAP connector (#16.2): a shared mailbox (info@, support@) on any IMAP4rev1 server.

`connect(connection)` validates the dataset (docs/connectors/imap.md) and the host before
any network call. The URL is imap://user:password@host:port/ or imaps://…; its path is not
used (the folders come from the dataset).

- `find`: per declared folder, one IMAP SEARCH pre-filters (servers match loosely, with or
  without a full-text index: `Matcher.search_keys`), then each candidate is decided in
  Python on the decoded message: her address in an address header (her correspondence),
  her name or address in a header, her name, address or phone number in the text. Folders
  are EXAMINEd: finding never marks a message read.
- `export`: each message as the .eml bytes the server holds; those `find` just read are
  not fetched again.
- `correct`: unsupported — a sent e-mail is a record of what was said (Rt2 applies to
  the register and the systems that hold the field, not to correspondence).
- `erase`: her correspondence is deleted (\\Deleted + UID EXPUNGE) or moved to the folder's
  quarantine folder; a message that only mentions her (someone else's mail) is rewritten
  without her name, addresses and phone numbers and the original expunged, so the other
  person's mail stays (Rt3). Archive-only folders keep their messages with the reason (R3).
"""

from __future__ import annotations

import imaplib
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from datetime import date
from functools import reduce
from typing import Any

from privacydesk.systems.connector import (
    Connection,
    ConnectorError,
    Export,
    Outcome,
    Record,
    Sample,
    Subject,
    check_host,
)
from privacydesk.systems.connectors import _imap_dataset, _imap_message
from privacydesk.systems.connectors._imap_match import Matcher, matcher
from privacydesk.systems.connectors._imap_session import (
    check_url,
    exists,
    expect,
    login,
    logout,
    quote,
    select,
    translated,
)

_LOCATOR = re.compile(r"^(?P<folder>.+);UIDVALIDITY=(?P<validity>\d+)/;UID=(?P<uid>\d+)$")
_UID = re.compile(rb"\bUID (\d+)")
_FLAGS = re.compile(rb"\bFLAGS \(([^)]*)\)")
_INTERNALDATE = re.compile(rb'\bINTERNALDATE ("[^"]+")')
_APPENDUID = re.compile(rb"APPENDUID \d+ (\d+)")
_SAFE_NAME = re.compile(r"[^\w.-]+")
#: UIDs per FETCH: bounds the memory one command can take.
_CHUNK = 50
#: What retention fetches of a message: nothing of its text leaves the server.
_DATE_ONLY = "INTERNALDATE BODY.PEEK[HEADER.FIELDS (DATE)]"
#: Characters of a text part handed to the scan (sample): enough for an IBAN or a signature.
_SAMPLE_TEXT = 2000
ANONYMISED_NOTE = "names, addresses and phone numbers of a data subject removed (Art. 17 GDPR)"


def locator(folder: str, validity: int, uid: int) -> str:
    """The record's locator: the RFC 5092 IMAP URL path ("INBOX;UIDVALIDITY=7/;UID=42"), so
    an action on a folder rebuilt since the search (new UIDVALIDITY) is refused, never done
    to another message."""
    return f"{folder};UIDVALIDITY={validity}/;UID={uid}"


def _search_key(term: str) -> str:
    return f"TEXT {quote(' '.join(term.replace(chr(34), ' ').replace(chr(92), ' ').split()))}"


def _uid_set(uids: Sequence[int]) -> str:
    return ",".join(str(u) for u in uids)


class ImapConnector:
    """A shared mailbox, reached through `connection` (see the module docstring)."""

    def __init__(self, connection: Connection, dataset: _imap_dataset.Dataset) -> None:
        self.system_id = connection.system_id
        self._connection = connection
        self._dataset = dataset
        # The messages `find` read, by locator: `export` hands them out without a second
        # session (the access report's find and export are one call, #16 Speed).
        self._held: dict[str, bytes] = {}
        # One session for the connector's calls: an erasure's find, erase and re-search (and
        # an access's find and export) log in and open the folder's index once (#16 Speed).
        self._live: imaplib.IMAP4 | None = None

    def close(self) -> None:
        """Log out of the session this connector holds, if any (it is opened again when
        needed)."""
        live, self._live = self._live, None
        if live is not None:
            logout(live)

    def __del__(self) -> None:
        live = getattr(self, "_live", None)
        if live is not None:
            with suppress(OSError):
                live.shutdown()  # no LOGOUT round trip from a collector

    @contextmanager
    def _session(self) -> Iterator[imaplib.IMAP4]:
        """The connector's session, logged in on first use; a block that fails ends it, so
        the next call starts afresh."""
        if self._live is None:
            self._live = login(self._connection)
        try:
            with translated(self._connection):
                yield self._live
        except BaseException:
            self.close()
            raise

    # -- the contract ---------------------------------------------------------------------

    def ping(self) -> None:
        """Log in and check that every declared folder (and quarantine folder) exists."""
        with self._session() as conn:
            for folder in self._dataset.folders:
                for name in filter(None, (folder.name, folder.move_to)):
                    if not exists(conn, name):
                        raise ConnectorError(
                            "misdeclared", f"{self.system_id}: the dataset's folder "
                            f"{name!r} does not exist in the mailbox")

    def find(self, subject: Subject) -> list[Record]:
        """Return one Record per message in a declared folder that concerns the person."""
        match = matcher(subject, self._dataset.identities)
        if match.empty:
            return []
        records: list[Record] = []
        with self._session() as conn:
            for folder in self._dataset.folders:
                validity = select(self._connection, conn, folder.name, readonly=True)
                uids = self._search(conn, match)
                for uid, raw, _ in self._fetch(conn, uids):
                    seen = _imap_message.inspect(raw, match)
                    if seen is not None:
                        records.append(self._record(folder, validity, uid, seen.fields,
                                                    seen.matched_by, seen.dated))
                        self._held[records[-1].locator] = raw
        return records

    def export(self, records: Sequence[Record]) -> list[Export]:
        """Return each record's message as the .eml bytes the server holds (Rt4); a message
        deleted since the search is left out (it is no longer held). The messages this
        connector's `find` just read are handed out as read then; only the others are
        fetched (one session, opened only when there are any)."""
        by_folder = self._by_folder(records)
        raws = dict(self._held)
        missing = {folder: rest for folder, items in by_folder.items()
                   if (rest := [(v, uid) for v, uid in items
                                if locator(folder, v, uid) not in raws])}
        if missing:
            with self._session() as conn:
                for folder, items in missing.items():
                    validity = self._reselect(conn, folder, items, readonly=True)
                    raws.update((locator(folder, validity, uid), raw) for uid, raw, _
                                in self._fetch(conn, [u for _, u in items]))
        return [Export(filename=f"{_SAFE_NAME.sub('_', folder)}-{uid}.eml",
                       content_type="message/rfc822", data=raws[where])
                for folder, items in by_folder.items() for v, uid in items
                if (where := locator(folder, v, uid)) in raws]

    def correct(self, record: Record, field_name: str, value: str) -> Outcome:
        """Always ConnectorError("unsupported"): an e-mail is a record of what was said and
        is not rewritten to say something else; a correction is made where the datum is
        kept (the register, the systems holding the field)."""
        raise ConnectorError("unsupported", f"{self.system_id}: e-mail messages are not "
                             "corrected (a message is a record of what was said)")

    def erase(self, records: Sequence[Record], subject: Subject) -> list[Outcome]:
        """Erase the person from the given messages per their folder's erase mode; return
        one Outcome per record. Originals are expunged only after their rewritten copy was
        appended, so a failure part-way never loses another person's mail."""
        match = matcher(subject, self._dataset.identities)
        outcomes: list[Outcome] = []
        with self._session() as conn:
            for folder, items in self._changeable(records, outcomes):
                outcomes.extend(self._erase_in(conn, folder, items, match))
        return outcomes

    def sample(self, limit: int) -> Iterator[Sample]:
        """Yield header addresses, display names, subjects and text of the newest `limit`
        messages of each declared folder, `where` being "FOLDER:Header" or "FOLDER:text"."""
        with self._session() as conn:
            for folder in self._dataset.folders:
                select(self._connection, conn, folder.name, readonly=True)
                uids = self._uids(conn, "ALL")[-limit:] if limit > 0 else []
                for _, raw, _ in self._fetch(conn, uids):
                    yield from _samples(folder.name, raw)

    # -- inside -----------------------------------------------------------------------------

    def _search(self, conn: imaplib.IMAP4, match: Matcher) -> list[int]:
        """The UIDs the server's pre-filter lets through: one SEARCH for the keys in ASCII
        (OR-ed), one per part of a key with letters outside ASCII (a UTF-8 literal each,
        RFC 3501 6.4.4; the parts' answers intersected)."""
        ascii_keys: list[str] = []
        other: list[tuple[str, ...]] = []
        for key in match.search_keys():
            if all(part.isascii() for part in key):
                both = " ".join(_search_key(part) for part in key)
                ascii_keys.append(f"({both})" if len(key) > 1 else both)
            else:
                other.append(key)
        uids: set[int] = set()
        if ascii_keys:
            # IMAP's OR takes two keys: "OR a OR b c".
            uids.update(self._uids(conn, reduce(lambda rest, key: f"OR {key} {rest}",
                                                reversed(ascii_keys))))
        for key in other:
            answers = []
            for part in key:
                conn.literal = " ".join(part.split()).encode()  # type: ignore[assignment]
                answers.append(set(self._uids(conn, "TEXT", charset=True)))
            uids.update(set.intersection(*answers))
        return sorted(uids)

    def _uids(self, conn: imaplib.IMAP4, criteria: str, *, charset: bool = False) -> list[int]:
        args = ("CHARSET", "UTF-8", criteria) if charset else (criteria,)
        answer = conn.uid("SEARCH", *args)
        expect(self._connection, answer, "SEARCH")
        data = answer[1]
        line = data[0] if data and isinstance(data[0], bytes) else b""
        return sorted(int(u) for u in line.split() if u.isdigit())

    def _fetch(self, conn: imaplib.IMAP4, uids: Sequence[int],
               items: str = "FLAGS INTERNALDATE BODY.PEEK[]"
               ) -> Iterator[tuple[int, bytes, bytes]]:
        """Yield (uid, raw message — or the part `items` names —, response prefix with FLAGS
        and INTERNALDATE); PEEK: a message read by privacydesk stays unread for the people
        who share the mailbox."""
        for start in range(0, len(uids), _CHUNK):
            chunk = uids[start:start + _CHUNK]
            answer = conn.uid("FETCH", _uid_set(chunk), f"(UID {items})")
            expect(self._connection, answer, "FETCH")
            for item in answer[1]:
                if isinstance(item, tuple) and len(item) == 2:
                    prefix, raw = bytes(item[0]), bytes(item[1])
                    found = _UID.search(prefix)
                    if found:
                        yield int(found.group(1)), raw, prefix

    def _changeable(self, records: Sequence[Record], outcomes: list[Outcome]
                    ) -> Iterator[tuple[_imap_dataset.Folder, list[tuple[int, int]]]]:
        """Each declared folder of `records` with its (UIDVALIDITY, UID)s that may be
        changed; an archive-only folder's records are added to `outcomes` as kept with its
        reason (R3) instead. A folder the dataset does not declare is misdeclared."""
        for name, items in self._by_folder(records).items():
            folder = self._dataset.folder(name)
            if folder is None:
                raise ConnectorError("misdeclared", f"{self.system_id}: folder {name!r} "
                                     "is not declared in the dataset")
            if folder.erase == "archive_only":
                outcomes.extend(Outcome(self.system_id, locator(name, v, uid), "kept",
                                        folder.reason) for v, uid in items)
                continue
            yield folder, items

    def _by_folder(self, records: Sequence[Record]) -> dict[str, list[tuple[int, int]]]:
        folders: dict[str, list[tuple[int, int]]] = {}
        for record in records:
            if record.system != self.system_id:
                raise ConnectorError("misdeclared", f"{self.system_id}: record "
                                     f"{record.locator!r} belongs to {record.system}")
            found = _LOCATOR.match(record.locator)
            if found is None:
                raise ConnectorError("misdeclared", f"{self.system_id}: {record.locator!r} is "
                                     "not a message locator of this connector "
                                     "(FOLDER;UIDVALIDITY=n/;UID=n)")
            folders.setdefault(found["folder"], []).append((int(found["validity"]),
                                                            int(found["uid"])))
        return folders

    def _reselect(self, conn: imaplib.IMAP4, folder: str, items: list[tuple[int, int]], *,
                  readonly: bool) -> int:
        validity = select(self._connection, conn, folder, readonly=readonly)
        if any(v != validity for v, _ in items):
            raise ConnectorError("garbage", f"{self.system_id}: folder {folder!r} was rebuilt "
                                 "since the search (UIDVALIDITY changed): search again")
        return validity

    def _erase_in(self, conn: imaplib.IMAP4, folder: _imap_dataset.Folder,
                  items: list[tuple[int, int]], match: Matcher) -> list[Outcome]:
        validity = self._reselect(conn, folder.name, items, readonly=False)
        fetched = {uid: (raw, prefix) for uid, raw, prefix
                   in self._fetch(conn, [u for _, u in items])}
        outcomes: list[Outcome] = []
        remove: list[int] = []
        move: list[int] = []
        unwritable: list[str] = []
        for _, uid in items:
            where = locator(folder.name, validity, uid)
            if uid not in fetched:
                outcomes.append(Outcome(self.system_id, where, "deleted",
                                        "no longer in the mailbox"))
                continue
            raw, prefix = fetched[uid]
            seen = _imap_message.inspect(raw, match)
            if seen is None:
                outcomes.append(Outcome(self.system_id, where, "anonymised",
                                        "nothing in it names the person any more"))
            elif seen.correspondent and folder.erase == "move":
                move.append(uid)
                outcomes.append(Outcome(self.system_id, where, "moved",
                                        f"to folder {folder.move_to}"))
            elif seen.correspondent and folder.erase == "delete":
                remove.append(uid)
                outcomes.append(Outcome(self.system_id, where, "deleted"))
            else:
                try:
                    copy = self._append_scrubbed(conn, folder.name, raw, prefix, match)
                except _imap_message.RewriteError as exc:
                    unwritable.append(f"{where} {exc}")
                    continue
                remove.append(uid)
                outcomes.append(Outcome(
                    self.system_id, where, "anonymised",
                    "rewritten without the person's name, e-mail addresses and phone "
                    f"numbers{f' as {locator(folder.name, validity, copy)}' if copy else ''}"))
        if move:
            self._move(conn, move, folder.move_to)
        if remove:
            self._expunge(conn, remove)
        if unwritable:
            # The others are done (a retry finds only these); these need a person (Rt3:
            # never reported erased while a message still names her).
            raise ConnectorError("garbage", f"{self.system_id}: {len(unwritable)} message(s) "
                                 "could not be rewritten without the person and are left as "
                                 f"they are; remove her by hand: {'; '.join(unwritable)}")
        return outcomes

    def _append_scrubbed(self, conn: imaplib.IMAP4, folder: str, raw: bytes, prefix: bytes,
                         match: Matcher) -> int | None:
        scrubbed = _imap_message.rewrite(raw, match, ANONYMISED_NOTE)
        if scrubbed is None:
            raise _imap_message.RewriteError("names her where it cannot be rewritten")
        flags_found = _FLAGS.search(prefix)
        flags = [f for f in (flags_found.group(1).decode().split() if flags_found else ())
                 if f.lower() != "\\recent"]
        date_found = _INTERNALDATE.search(prefix)
        answer: Any = conn.append(quote(folder), f"({' '.join(flags)})",
                                  date_found.group(1).decode() if date_found else "",
                                  scrubbed)
        expect(self._connection, answer, "APPEND")
        text = b" ".join(d for d in answer[1] if isinstance(d, bytes))
        found = _APPENDUID.search(text)
        return int(found.group(1)) if found else None

    def _move(self, conn: imaplib.IMAP4, uids: list[int], target: str) -> None:
        if "MOVE" in conn.capabilities:
            expect(self._connection, conn.uid("MOVE", _uid_set(uids), quote(target)), "MOVE")
            return
        expect(self._connection, conn.uid("COPY", _uid_set(uids), quote(target)), "COPY")
        self._expunge(conn, uids)

    def _expunge(self, conn: imaplib.IMAP4, uids: list[int]) -> None:
        expect(self._connection,
               conn.uid("STORE", _uid_set(uids), "+FLAGS.SILENT", "(\\Deleted)"), "STORE")
        if "UIDPLUS" in conn.capabilities:
            # Only these messages: one that a colleague flagged \Deleted stays hers to expunge.
            expect(self._connection, conn.uid("EXPUNGE", _uid_set(uids)), "UID EXPUNGE")
        else:
            expect(self._connection, conn.expunge(), "EXPUNGE")

    # -- retention (R1, #16.3; privacydesk.systems.retaining) -------------------------------

    def due(self, before: date) -> list[Record]:
        """Retention: one Record per message of a declared folder sent before `before`
        (IMAP SEARCH SENTBEFORE, then the Date header decides; a message without one is
        dated by its arrival, INTERNALDATE). Only the Date header is fetched: nothing of
        the message's text leaves the server. `fields` name the folder only."""
        records: list[Record] = []
        with self._session() as conn:
            for folder in self._dataset.folders:
                validity = select(self._connection, conn, folder.name, readonly=True)
                uids = self._uids(conn, f"SENTBEFORE {before.strftime('%d-%b-%Y')}")
                for uid, header, prefix in self._fetch(conn, uids, _DATE_ONLY):
                    dated = _sent_on(header, prefix)
                    if dated is not None and dated < before:
                        records.append(self._record(folder, validity, uid, {},
                                                    ("retention",), dated))
        return records

    def expire(self, records: Sequence[Record]) -> list[Outcome]:
        """Retention: remove the given messages (`due`'s) whoever they concern — deleted
        (\\Deleted + UID EXPUNGE), or moved to the folder's quarantine folder (erase =
        "move"); an archive-only folder keeps them with its reason (R3). `erase` cannot do
        this: it removes only what names a person."""
        outcomes: list[Outcome] = []
        with self._session() as conn:
            for folder, items in self._changeable(records, outcomes):
                name = folder.name
                validity = self._reselect(conn, name, items, readonly=False)
                uids = [uid for _, uid in items]
                if folder.erase == "move":
                    self._move(conn, uids, folder.move_to)
                else:
                    self._expunge(conn, uids)
                action = "moved" if folder.erase == "move" else "deleted"
                outcomes.extend(Outcome(self.system_id, locator(name, validity, uid), action,
                                        "retention period over") for uid in uids)
        return outcomes

    def _record(self, folder: _imap_dataset.Folder, validity: int, uid: int,
                fields: dict[str, str], matched_by: tuple[str, ...], dated: date | None
                ) -> Record:
        """The record of a message in `folder`; `fields` add the folder's name."""
        fields = dict(fields, folder=folder.name)
        kept = folder.reason if folder.erase == "archive_only" else ""
        if kept:
            # R3: why erasure and the sweep leave it (read by erasing.py and retaining.py).
            fields["kept"] = kept
        return Record(system=self.system_id, locator=locator(folder.name, validity, uid),
                      kind=self._dataset.kind, categories=folder.categories, fields=fields,
                      matched_by=matched_by, dated=dated, kept=kept)


def _sent_on(header: bytes, prefix: bytes) -> date | None:
    """The day of the Date header; else of INTERNALDATE (the message's arrival)."""
    sent = _imap_message.sent_day(header.decode("ascii", "replace").partition(":")[2])
    if sent is not None:
        return sent
    arrived = imaplib.Internaldate2tuple(prefix)
    return date(arrived.tm_year, arrived.tm_mon, arrived.tm_mday) if arrived else None


def _samples(folder: str, raw: bytes) -> Iterator[Sample]:
    message = _imap_message.parse(raw)
    for header in ("From", "Sender", "Reply-To", "To", "Cc"):
        value = message[header]
        if value is None:
            continue
        for display, address in _imap_message.addresses(value):
            if address:
                yield Sample(f"{folder}:{header}", address)
            if display:
                yield Sample(f"{folder}:{header} name", display)
    if message["Subject"] is not None:
        yield Sample(f"{folder}:Subject", str(message["Subject"]))
    for _, text in _imap_message.text_parts(message):
        if text.strip():
            yield Sample(f"{folder}:text", text[:_SAMPLE_TEXT])


def connect(connection: Connection) -> ImapConnector:
    """Build the connector: the dataset validated, the URL's scheme and the host checked
    against the declaration (forbidden_host) — all before any network call."""
    dataset = _imap_dataset.parse(connection.system_id, connection.dataset)
    check_url(connection)
    check_host(connection)
    return ImapConnector(connection, dataset)
