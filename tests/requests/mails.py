"""Raw e-mails for the mailbox tests: well-formed ones and hostile ones."""

from __future__ import annotations

import uuid
from pathlib import Path

# A copy of shared/fixtures/request-mail (the labelled sample mails), kept with the tests so
# a clone runs them wherever it is checked out.
FIXTURES = str(Path(__file__).resolve().parent / "fixtures" / "request-mail")


def eml(sender: str, subject: str, body: str, *, name: str = "",
        extra: str = "", charset: str = "utf-8") -> bytes:
    frm = f"{name} <{sender}>" if name else sender
    head = (f"From: {frm}\nTo: info@infactor.nl\nSubject: {subject}\n"
            f"Message-ID: <{uuid.uuid4().hex}@example.net>\nMIME-Version: 1.0\n"
            f"Content-Type: text/plain; charset=\"{charset}\"\n"
            f"Content-Transfer-Encoding: 8bit\n{extra}\n")
    return head.encode() + body.encode(charset if charset != "x-unknown" else "utf-8")


def html_only(sender: str) -> bytes:
    return (f"From: {sender}\nTo: info@infactor.nl\nSubject: Verzoek\n"
            f"Message-ID: <{uuid.uuid4().hex}@example.net>\nMIME-Version: 1.0\n"
            "Content-Type: text/html; charset=utf-8\n\n"
            "<html><body><script>alert(1)</script><p>Ik wil mijn gegevens "
            "<b>inzien</b>.</p></body></html>").encode()


def bad_mime(sender: str) -> bytes:
    # A multipart message whose boundary never appears: malformed MIME.
    return (f"From: {sender}\nSubject: Verwijder mij\n"
            f"Message-ID: <{uuid.uuid4().hex}@example.net>\nMIME-Version: 1.0\n"
            "Content-Type: multipart/mixed; boundary=\"nooit\"\n\n"
            "Verwijder al mijn gegevens\n--fout--\n").encode()


def wrong_charset(sender: str) -> bytes:
    # Declared utf-8, written in latin-1 ("verhuisd naar Düsseldorf, graag aanpassen").
    return (f"From: {sender}\nSubject: Correctie\n"
            f"Message-ID: <{uuid.uuid4().hex}@example.net>\nMIME-Version: 1.0\n"
            "Content-Type: text/plain; charset=utf-8\n\n").encode() + \
        "Ik ben verhuisd naar Düsseldorf, graag mijn adres aanpassen.".encode("latin-1")


def huge_attachment(sender: str, size: int) -> bytes:
    boundary = "grens"
    blob = ("A" * 76 + "\n") * (size // 77 + 1)
    return (f"From: {sender}\nSubject: Inzage\n"
            f"Message-ID: <{uuid.uuid4().hex}@example.net>\nMIME-Version: 1.0\n"
            f"Content-Type: multipart/mixed; boundary=\"{boundary}\"\n\n"
            f"--{boundary}\nContent-Type: text/plain; charset=utf-8\n\n"
            "Ik wil mijn gegevens inzien, zie bijlage.\n"
            f"--{boundary}\nContent-Type: application/octet-stream\n"
            "Content-Disposition: attachment; filename=\"scan.bin\"\n"
            f"Content-Transfer-Encoding: base64\n\n{blob}\n--{boundary}--\n").encode()


def bounce() -> bytes:
    return (f"From: MAILER-DAEMON@example.net\nSubject: Undelivered Mail\n"
            f"Message-ID: <{uuid.uuid4().hex}@example.net>\nAuto-Submitted: auto-replied\n"
            "Content-Type: text/plain\n\nDelivery failed: verwijder.\n").encode()


def garbage() -> bytes:
    return b"\x00\xff\xfe not an e-mail at all \x80\x81\n\n\xff"
