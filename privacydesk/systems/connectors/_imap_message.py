"""One e-mail message as the IMAP connector sees it: does it concern the person, and how,
and the same message rewritten without her (Rt3). Plain Python, no network.

A message *concerns* the person when one of her identities is in an address header (she
sent or received it: her correspondence) or in its text (a header such as Subject, or a
text part, nested forwarded messages included: she is mentioned). Attachments that are not
text are not read (docs/connectors/imap.md, limits).
"""

from __future__ import annotations

import email
import re
from collections.abc import Iterator
from contextlib import suppress
from dataclasses import dataclass
from datetime import date, datetime
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage, Message
from email.utils import getaddresses, parsedate_to_datetime
from typing import Any

from privacydesk.policy import clock
from privacydesk.systems.connectors._imap_match import PLACEHOLDER_EMAIL, Matcher

#: Headers whose addresses say who sent or received a message (her correspondence).
ADDRESS_HEADERS = ("from", "sender", "reply-to", "to", "cc", "bcc", "resent-from",
                   "resent-sender", "resent-to", "resent-cc", "resent-bcc", "delivered-to",
                   "x-original-to", "return-path")
#: Headers that are structure, never text about a person.
_STRUCTURE = re.compile(r"^(content-|mime-version$)", re.IGNORECASE)
#: Shown in the access report: the envelope of a message, never its whole text (cut, #16.2).
REPORT_HEADERS = ("From", "To", "Cc", "Date", "Subject")
SNIPPET = 200


class RewriteError(Exception):
    """A message that names the person could not be rewritten without her (malformed
    beyond what the email package can write back); it stays as it is."""


@dataclass(frozen=True)
class Inspection:
    """How a message concerns the person: `correspondent` when she sent or received it;
    `matched_by` the identities found ("email", "name" in address headers; "email in
    text", "name in text", "phone in text"); `fields` for the report; `dated` its Date."""

    correspondent: bool
    matched_by: tuple[str, ...]
    fields: dict[str, str]
    dated: date | None


def parse(raw: bytes) -> EmailMessage:
    """Parse `raw` (RFC 5322 bytes) with the modern policy."""
    message = email.message_from_bytes(raw, policy=policy.default)
    assert isinstance(message, EmailMessage)  # policy.default's message class
    return message


def _holders(message: EmailMessage) -> Iterator[Message]:
    """The message and every message forwarded inside it (message/rfc822 parts)."""
    yield message
    for part in message.walk():
        if part.get_content_type() == "message/rfc822":
            for inner in part.get_payload() or ():
                if isinstance(inner, Message):
                    yield inner


def text_parts(message: EmailMessage) -> Iterator[tuple[Message, str]]:
    for part in message.walk():
        if part.get_content_maintype() == "text" and not part.is_multipart():
            yield part, _decoded(part)


def _decoded(part: Message) -> str:
    # An unknown or lying charset: read the bytes as UTF-8, replacing what is not.
    with suppress(LookupError, ValueError, AssertionError):
        content = part.get_content()  # type: ignore[attr-defined]
        if isinstance(content, str):
            return content
    payload = part.get_payload(decode=True)
    return payload.decode("utf-8", "replace") if isinstance(payload, bytes) else ""


def addresses(value: Any) -> list[tuple[str, str]]:
    """(display name, address) pairs of a header value, structured or not."""
    # The email package's parser fails on some junk: read the header as text below.
    with suppress(Exception):
        parsed = getattr(value, "addresses", None)
        if parsed is not None:
            return [(a.display_name, a.addr_spec) for a in parsed]
    try:
        return [(n, a) for n, a in getaddresses([_header_text(value)]) if a or n]
    except Exception:  # noqa: BLE001
        return []


def _header_text(value: Any) -> str:
    try:
        return str(value)
    except Exception:  # noqa: BLE001 - a malformed header reads as nothing, never crashes
        return ""


def inspect(raw: bytes, match: Matcher) -> Inspection | None:
    """Return how the message `raw` concerns the person; None when it does not. A message
    the email package cannot read is searched as text (her identities "in text")."""
    try:
        return _inspect(raw, match)
    except Exception:  # noqa: BLE001 - malformed mail must never hide her from the search
        found = match.in_text(raw.decode("utf-8", "replace"))
        if not found:
            return None
        return Inspection(False, tuple(f"{kind} in text" for kind in sorted(found)), {},
                          None)


def _inspect(raw: bytes, match: Matcher) -> Inspection | None:
    message = parse(raw)
    found: set[str] = set()
    texts: list[str] = []
    for holder in _holders(message):
        for name, value in holder.items():
            if _STRUCTURE.match(name):
                continue
            if name.lower() in ADDRESS_HEADERS and holder is message:
                hits = set()
                for display, address in addresses(value):
                    if match.is_address(address):
                        hits.add("email")
                    if match.is_name(display):
                        hits.add("name")
                if hits:
                    found |= hits
                    continue  # her address or name there: correspondence, not a mention
            texts.append(_header_text(value))
    correspondent = bool(found)
    texts.extend(text for _, text in text_parts(message))
    for text in texts:
        found.update(f"{kind} in text" for kind in match.in_text(text))
    if not found:
        return None
    order = ("email", "name", "email in text", "name in text", "phone in text")
    return Inspection(correspondent, tuple(k for k in order if k in found),
                      _fields(message, None if correspondent else match),
                      sent_day(str(message["Date"] or "")))


def _fields(message: EmailMessage, mentioned: Matcher | None) -> dict[str, str]:
    """The report's fields; `text` is the start of her own mail, or — when `mentioned` —
    the passage of someone else's mail that names her (Rt1: what is said about her, not
    the rest of another person's message)."""
    fields = {h: " ".join(_header_text(message[h]).split())
              for h in REPORT_HEADERS if message[h] is not None}
    plain = [" ".join(t.split()) for p, t in text_parts(message)
             if p.get_content_subtype() == "plain"]
    snippet = plain[0] if plain else ""
    if mentioned is not None:
        at = next(((text, i) for text in plain if (i := mentioned.first(text)) is not None),
                  None)
        if at is not None:
            text, i = at
            start = max(0, i - SNIPPET // 4)
            snippet = ("…" if start else "") + text[start:]
    if snippet:
        fields["text"] = snippet[:SNIPPET]
    return fields


def sent_day(value: str) -> date | None:
    """The day a Date header's `value` names (`day`); None when it names none."""
    try:
        return day(parsedate_to_datetime(" ".join(value.split())))
    except (TypeError, ValueError, IndexError):
        return None


def day(moment: datetime) -> date:
    """The day a message was sent, on the controller's calendar (the policy's zone, as every
    date in privacydesk); a Date header without a zone ("-0000") is taken as written."""
    return clock.day_of(moment) if moment.tzinfo is not None else moment.date()


def _scrub_address_header(value: Any, match: Matcher) -> str | None:
    changed = False
    rebuilt = []
    for display, address in addresses(value):
        new_display = match.scrub(display)
        new_address = PLACEHOLDER_EMAIL if match.is_address(address) else address
        changed |= (new_display, new_address) != (display, address)
        try:
            rebuilt.append(str(Address(display_name=new_display, addr_spec=new_address)))
        except Exception:  # noqa: BLE001 - an address the parser cannot rebuild: as text
            rebuilt.append(match.scrub(f"{new_display} <{new_address}>"))
    text = _header_text(value)
    if not changed and match.scrub(text) == text:
        return None
    return ", ".join(rebuilt) if rebuilt else match.scrub(text)


def _scrub_headers(holder: Message, match: Matcher) -> bool:
    items = holder.items()
    rewritten: list[tuple[str, Any]] = []
    changed = False
    for name, value in items:
        new: str | None = None
        if not _STRUCTURE.match(name):
            try:
                structured = (name.lower() in ADDRESS_HEADERS
                              and bool(getattr(value, "addresses", None)))
            except Exception:  # noqa: BLE001 - not parseable as addresses: scrub it as text
                structured = False
            if structured:
                new = _scrub_address_header(value, match)
            else:
                text = _header_text(value)
                scrubbed = match.scrub(text)
                new = scrubbed if scrubbed != text else None
        if new is None:
            rewritten.append((name, value))
            continue
        changed = True
        try:
            rewritten.append(holder.policy.header_store_parse(name, new))
        except Exception:  # noqa: BLE001 - kept as text; rewrite() checks the result
            rewritten.append((name, new))
    if changed:
        for name in {n.lower() for n, _ in items}:
            del holder[name]
        for name, value in rewritten:
            # set_raw keeps the order and the count (a message may carry two Received lines).
            holder.set_raw(name, value)
    return changed


def rewrite(raw: bytes, match: Matcher, note: str) -> bytes | None:
    """Return `raw` rewritten with every e-mail address, name and phone number of the
    person replaced by a placeholder (in headers, text parts and forwarded messages), with
    the header X-Privacydesk-Anonymised: `note`; None when nothing names her. RewriteError
    when the result cannot be written or would still name her."""
    try:
        written = _rewrite(raw, match, note)
    except Exception as exc:  # noqa: BLE001 - malformed beyond what the email package mends
        raise RewriteError(f"cannot be rewritten ({exc.__class__.__name__})")
    if written is not None and inspect(written, match) is not None:
        # Never append a "scrubbed" copy that still names her (Rt3: the re-search is 0).
        raise RewriteError("still names the person after rewriting")
    return written


def _rewrite(raw: bytes, match: Matcher, note: str) -> bytes | None:
    message = parse(raw)
    changed = False
    for holder in _holders(message):
        changed |= _scrub_headers(holder, match)
    for part, text in list(text_parts(message)):
        scrubbed = match.scrub(text)
        if scrubbed != text:
            changed = True
            assert isinstance(part, EmailMessage)
            part.set_content(scrubbed, subtype=part.get_content_subtype(), charset="utf-8",
                             disposition=part.get_content_disposition(),
                             filename=part.get_filename())
    if not changed:
        return None
    message["X-Privacydesk-Anonymised"] = note
    return message.as_bytes(policy=message.policy.clone(linesep="\r\n"))
