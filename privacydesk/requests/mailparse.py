"""Read one raw e-mail defensively (Rt5): bad MIME, wrong charsets, HTML-only bodies and
huge attachments never stop the mailbox reader.

Contract: `parse(raw: bytes) -> ParsedMail`. Never raises for any input: what cannot be
read is reported in `problems` (short English phrases without content), which the intake
turns into a triage note. Attachments are never read, stored or opened; only their count
is kept.
"""

from __future__ import annotations

import hashlib
import html
import re
from dataclasses import dataclass, field
from email import policy
from email.message import Message
from email.parser import BytesParser
from email.utils import getaddresses, parseaddr

MAX_TEXT = 20000
_TAGS = re.compile(r"<(script|style)\b.*?</\1\s*>|<[^>]+>", re.I | re.S)
_SPACE = re.compile(r"[ \t\r\f\v]+")
_EMAIL = re.compile(r"^[^@\s<>()\[\]\\,;:\"]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}$")


@dataclass
class ParsedMail:
    sender_name: str = ""
    sender_email: str = ""  # "" when the From header is missing or not one address
    subject: str = ""
    text: str = ""
    message_id: str = ""
    auto_reply: bool = False  # bounces and auto-replies are never answered (mail loops)
    attachments: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def mail_key(self) -> str:
        """sha256 of the Message-ID, or of the content when there is none."""
        basis = self.message_id or f"{self.sender_email}\n{self.subject}\n{self.text}"
        return hashlib.sha256(basis.encode("utf-8", "replace")).hexdigest()


def html_to_text(markup: str) -> str:
    """Plain text of an HTML body: tags, scripts and styles dropped, entities decoded."""
    text = _TAGS.sub(" ", re.sub(r"<br\s*/?>|</p>|</div>", "\n", markup, flags=re.I))
    return "\n".join(_SPACE.sub(" ", line).strip()
                     for line in html.unescape(text).splitlines() if line.strip())


def _decode_part(part: Message, problems: list[str]) -> str:
    payload = part.get_payload(decode=True)
    if not isinstance(payload, bytes):
        return ""
    charset = part.get_content_charset() or "utf-8"
    try:
        return payload.decode(charset)
    except (LookupError, UnicodeDecodeError):
        problems.append(f"body not valid in its declared charset {charset[:40]!r}")
        try:
            return payload.decode("utf-8")
        except UnicodeDecodeError:
            return payload.decode("latin-1")


def _header(msg: Message, name: str, problems: list[str]) -> str:
    try:
        value = msg.get(name, "")
        return str(value or "").replace("\r", " ").replace("\n", " ").strip()
    except Exception:  # a malformed header must not lose the message
        problems.append(f"unreadable {name} header")
        return ""


def _sender(msg: Message, mail: ParsedMail) -> None:
    raw = _header(msg, "From", mail.problems)
    pairs = [p for p in getaddresses([raw]) if p[1]] if raw else []
    name, address = pairs[0] if len(pairs) == 1 else parseaddr(raw)
    address = address.strip()
    if _EMAIL.match(address) and len(address) <= 254:
        mail.sender_name, mail.sender_email = name.strip()[:200], address
    else:
        mail.problems.append("no single valid sender address")


def _body(msg: Message, mail: ParsedMail) -> None:
    plain: list[str] = []
    markup: list[str] = []
    for part in msg.walk():
        if part.is_multipart():
            continue
        disposition = (part.get_content_disposition() or "").lower()
        ctype = part.get_content_type()
        if disposition == "attachment" or ctype not in ("text/plain", "text/html"):
            mail.attachments += 1
            continue
        (plain if ctype == "text/plain" else markup).append(_decode_part(part, mail.problems))
    if any(p.strip() for p in plain):
        text = "\n".join(plain)
    elif markup:
        mail.problems.append("HTML only; read as plain text")
        text = html_to_text("\n".join(markup))
    else:
        mail.problems.append("no readable text")
        text = ""
    if len(text) > MAX_TEXT:
        mail.problems.append("text cut at 20000 characters")
    mail.text = text[:MAX_TEXT].replace("\x00", "")


def parse(raw: bytes) -> ParsedMail:
    """Parse `raw` into a ParsedMail; never raises (see module doc)."""
    mail = ParsedMail()
    try:
        msg: Message = BytesParser(policy=policy.compat32).parsebytes(raw)
    except Exception:
        mail.problems.append("not a parseable e-mail")
        return mail
    if msg.defects:
        mail.problems.append(f"malformed MIME ({len(msg.defects)} defects)")
    try:
        subject = BytesParser(policy=policy.default).parsebytes(
            raw, headersonly=True)["subject"]
        mail.subject = str(subject or "").replace("\r", " ").replace("\n", " ")[:300]
    except Exception:
        mail.subject = _header(msg, "Subject", mail.problems)[:300]
    mail.message_id = _header(msg, "Message-ID", mail.problems)[:300]
    _sender(msg, mail)
    auto = _header(msg, "Auto-Submitted", mail.problems).lower()
    mail.auto_reply = (auto not in ("", "no") or mail.sender_email.lower().startswith(
        ("mailer-daemon@", "postmaster@")) or bool(_header(msg, "X-Autoreply", [])))
    try:
        _body(msg, mail)
    except Exception:
        mail.problems.append("body could not be read")
    return mail

