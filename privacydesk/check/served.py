"""What the public really receives, for W3 and Id1: the served pages and the letters.

The pages are fetched in-process through Django's test client (`django.test.Client`) with
the site's own host, so they pass every middleware, URL route, view, template and context
processor a visitor's request passes; the callback letter (P2) is rendered as the PDF staff
print and its text read back from the PDF. Comparing the policy with itself would prove
nothing; these texts are what a data subject reads.

Only fixed, public texts are produced: the letter goes to a placeholder recipient, so no
personal data is read, written or audited, and no request is stored (GET only).
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from html.parser import HTMLParser

from django.conf import settings
from django.urls import NoReverseMatch, reverse

from privacydesk.policy.active import get_policy

#: The public pages, by URL name in the `public` namespace (W3: every one names the owner).
PAGES = ("statement", "contact", "request", "concern")
#: Who a sample letter is addressed to: a placeholder, never a person of the register.
PLACEHOLDER_RECIPIENT = ("[recipient]", "[street]", "[postcode and town]")


@dataclass(frozen=True)
class Served:
    """One text as the public receives it: `kind` is a page of PAGES, "letter" or "e-mail";
    `where` names it ("page /en/contact/", "letter (en)"); `text` is its visible text (tags
    stripped, whitespace collapsed); `problem` is set when it could not be fetched (then
    `text` is empty)."""

    kind: str
    where: str
    text: str
    problem: str = ""


# The window title is not on the page; scripts and styles are not text.
_HIDDEN = ("script", "style", "title")


class _Visible(HTMLParser):
    """The text a browser shows: data outside <script>/<style>, entities resolved."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _HIDDEN:
            self._hidden += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in _HIDDEN and self._hidden:
            self._hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.parts.append(data)


def squash(text: str) -> str:
    """Whitespace runs (line breaks, tabs, non-breaking spaces) as one space."""
    return re.sub(r"\s+", " ", text.replace("\xa0", " ")).strip()


def visible_text(html: str) -> str:
    parser = _Visible()
    parser.feed(html)
    parser.close()
    return squash(" ".join(parser.parts))


def site_host() -> str:
    """The host the site answers to: the first concrete PRIVACYDESK_ALLOWED_HOSTS entry
    (a leading "." dropped), else Django's test host, which settings always allow."""
    for host in settings.ALLOWED_HOSTS:
        host = host.lstrip(".")
        if host and "*" not in host:
            return host
    return "testserver"


def pages(only: tuple[str, ...] = PAGES) -> Iterator[Served]:
    """Every public page (or those of `only`) in every language of the statement, fetched
    as a visitor would."""
    from django.test import Client

    # A page that raises is answered 500 to a visitor; the check reports that, not a crash.
    client = Client(HTTP_HOST=site_host(), raise_request_exception=False)
    for lang in get_policy().statement.languages:
        for page in only:
            try:
                url = reverse(f"public:{page}", kwargs={"lang": lang})
            except NoReverseMatch:
                yield Served(page, f"page {page} ({lang})", "", "is not routed")
                continue
            # secure=True: a production site redirects plain HTTP; the page is what counts.
            response = client.get(url, secure=True, follow=True)
            if response.status_code != 200:
                yield Served(page, f"page {url}", "", f"answered {response.status_code}")
                continue
            yield Served(page, f"page {url}", visible_text(response.content.decode("utf-8")))


def page_headers(page: str = "statement") -> tuple[str, dict[str, str], str]:
    """(where, response headers, problem) of `page` in the statement's first language, as
    served: what a browser is told (Sec3), not what the settings intend."""
    from django.test import Client

    lang = get_policy().statement.languages[0]
    try:
        url = reverse(f"public:{page}", kwargs={"lang": lang})
    except NoReverseMatch:
        return f"page {page} ({lang})", {}, "is not routed"
    client = Client(HTTP_HOST=site_host(), raise_request_exception=False)
    response = client.get(url, secure=True, follow=True)
    if response.status_code != 200:
        return f"page {url}", {}, f"answered {response.status_code}"
    return f"page {url}", dict(response.headers.items()), ""


_TJ = re.compile(rb"\(((?:[^\\)]|\\.)*)\)\s*Tj", re.DOTALL)
# The body runs up to "endstream" with its end-of-line marker: a compressed body may itself
# end in a CR byte, so no EOL is stripped here (zlib ignores the bytes after its stream).
_STREAM = re.compile(rb"stream\r?\n(.*?)endstream", re.DOTALL)
_ESCAPES = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}


def _unescape(raw: bytes) -> bytes:
    def one(m: re.Match[bytes]) -> bytes:
        code = m.group(1)
        if code[:1].isdigit():
            return bytes([int(code, 8) & 0xFF])
        return _ESCAPES.get(code, code)
    return re.sub(rb"\\([0-7]{1,3}|.)", one, raw, flags=re.DOTALL)


def pdf_text(pdf: bytes) -> str:
    """The text shown by a PDF written with fpdf2's core fonts (Latin-1 strings drawn with
    `Tj`, page streams Flate-compressed or not), one shown string after another."""
    shown: list[str] = []
    for match in _STREAM.finditer(pdf):
        body = match.group(1)
        try:
            body = zlib.decompressobj().decompress(body)
        except zlib.error:
            pass  # an uncompressed stream
        shown += [_unescape(s).decode("latin-1") for s in _TJ.findall(body)]
    return squash(" ".join(shown))


def letters() -> Iterator[Served]:
    """The callback letter (P2) in every language of the statement, as the PDF staff print,
    with the default text staff start from; and that default text as e-mailed."""
    from privacydesk.callbacks import letter, texts
    from privacydesk.callbacks.contact import ContactDetails

    policy = get_policy()
    recipient = ContactDetails(name="", phone="", email="",
                               address_lines=PLACEHOLDER_RECIPIENT)
    for lang in policy.statement.languages:
        body = texts.defaults(lang, policy.controller.phone)["body"]
        try:
            pdf = letter.render(policy, recipient, body=body, lang=lang)
        except Exception as exc:  # noqa: BLE001 - a letter that cannot be made is a finding
            yield Served("letter", f"letter ({lang})", "",
                         f"could not be made ({type(exc).__name__})")
        else:
            yield Served("letter", f"letter ({lang})", pdf_text(pdf))
        yield Served("e-mail", f"e-mail text ({lang})", squash(body))
