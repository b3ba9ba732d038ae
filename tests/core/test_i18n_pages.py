"""Issue #15: a Dutch staff member reads the whole back office in Dutch.

The test signs in as Fenna, privacy officer (every permission), whose account says Dutch,
and renders every back-office page the URL resolver knows (GET; object ids from a small
demo register plus requests, a callback, an incident and a consent request). A page fails
when its visible text — text nodes and the labels a screen reader reads (aria-label,
title, placeholder, alt) — contains an English msgid of the nl catalogue whose Dutch is
different: a word that was marked for translation but is not translated where it is shown.
"""

from __future__ import annotations

import html
import itertools
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.utils import translation

from privacydesk.callbacks import services as callbacks
from privacydesk.demo import population
from privacydesk.disclosure.consent import request_consent
from privacydesk.incidents import services as incidents
from privacydesk.register.models import DATUM_MODELS, Agreement
from privacydesk.requests import intake
from privacydesk.staff import mfa
from privacydesk.staff.models import StaffUser
from privacydesk.staff.protocol import PROTOCOL_VERSION
from tests.core import catalogue
from tests.staff.conftest import sign_in_with_mfa
from tests.staff.routes import all_routes

CATALOGUE = Path(__file__).resolve().parents[2] / "privacydesk/locale/nl/LC_MESSAGES/django.po"
_HIDDEN = re.compile(r"<(script|style|svg:style)\b.*?</\1>", re.S | re.I)
# A part of the page in another language says so (WCAG 3.1.2): the protocol's other copy.
_OTHER_LANGUAGE = re.compile(r'<(\w+)\b[^>]*\blang="(?!nl)[^"]*"[^>]*>.*?</\1>', re.S)
_LABELS = re.compile(r'\b(?:aria-label|title|placeholder|alt)="([^"]*)"')
_PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]|%[sd]")


def visible_text(page: str) -> str:
    """What a reader sees or hears: text nodes and label attributes, spaces collapsed."""
    page = _OTHER_LANGUAGE.sub(" ", _HIDDEN.sub(" ", page.split("<body", 1)[-1]))
    labels = " | ".join(_LABELS.findall(page))
    text = re.sub(r"<[^>]+>", " | ", page)
    return re.sub(r"\s+", " ", html.unescape(f"{text} | {labels}"))


def _pattern(msgid: str) -> re.Pattern[str] | None:
    """A regular expression for `msgid` as a page shows it: placeholders stand for any
    short text; a word-bounded, case-sensitive match. None for a msgid that is only
    placeholders and punctuation."""
    text = re.sub(r"\s+", " ", msgid.strip())
    parts = _PLACEHOLDER.split(text)
    literal = "".join(parts[::2])
    words = re.findall(r"[A-Za-z]{2,}", literal)
    if len(words) < 2 and len(parts) > 1:
        return None  # one word beside a placeholder: that word alone is checked anyway
    regex = ".{1,80}?".join(re.escape(part) for part in parts[::2])
    return re.compile(rf"(?<![\w]){regex}(?![\w])")


def english_msgids() -> list[tuple[str, re.Pattern[str]]]:
    """The catalogue's msgids whose Dutch differs: shown verbatim, they are untranslated.
    A one-word msgid that is a Dutch word as well (it occurs in a translation, e.g.
    "Runs" in "Runs met herhalingen", or is its own translation in another context)
    cannot tell the languages apart and is left out."""
    entries = [e for e in catalogue.read(CATALOGUE) if not e.obsolete and e.translated]
    dutch_words = {word for e in entries for text in e.msgstr
                   for word in re.findall(r"[\w-]+", text)}
    # The same English in another context may be Dutch as it stands ("e-mail").
    also_dutch = {e.msgid for e in entries if e.msgstr[0] == e.msgid}
    found = []
    for entry in entries:
        if entry.msgid in also_dutch or entry.msgid in dutch_words:
            continue
        pattern = _pattern(entry.msgid)
        if pattern is not None:
            found.append((entry.msgid, pattern))
    return found


def untranslated(page: str, msgids: list[tuple[str, re.Pattern[str]]]) -> list[str]:
    """The English msgids that appear in the visible text of `page`."""
    return list(_found(visible_text(page), msgids))


def _found(text: str, msgids: list[tuple[str, re.Pattern[str]]]) -> dict[str, str]:
    """{msgid: the text around where it appears} for each English msgid in `text`."""
    found = {}
    for msgid, pattern in msgids:
        match = pattern.search(text)
        if match:
            found[msgid] = text[max(0, match.start() - 40):match.end() + 40]
    return found


@pytest.fixture
def fenna(db: Any) -> Client:
    """Fenna, the privacy officer, signed in with her second factor; her account: Dutch.
    `fenna.fresh()` signs her in again in a new session (no message left from a page
    before)."""
    user = StaffUser(username="fenna", staff_role="privacy_officer", language="nl",
                     email="fenna@infactor.example")
    user.set_unusable_password()
    user.save()
    user.set_totp_secret(mfa.new_secret())
    user.mfa_enabled = True
    user.save()
    user.accept_protocol(PROTOCOL_VERSION)
    client = sign_in_with_mfa(Client(), user)
    client.fresh = lambda: sign_in_with_mfa(Client(), user)  # type: ignore[attr-defined]
    return client


@pytest.fixture
def office(fenna: Client) -> dict[str, list[str]]:
    """A small demo register with two requests, a callback, an incident and a consent
    request; the values each URL parameter takes on the walk, by route prefix and
    parameter name."""
    population.generate(12, progress=False)
    names = DATUM_MODELS["names"].objects.order_by("pk").first()
    assert names is not None
    person = names.person
    anna = intake.file_web_request(kind="erasure", name="Anna de Vries",
                                   email="anna@example.nl", language="nl")
    olaf = intake.file_staff_request(kind="access", name="Olaf", email="olaf@example.org",
                                     message="", language="en", actor="fenna")
    bram = callbacks.request_callback(person, phone=None, message="Bel mij terug, graag.",
                                      language="nl")
    concern = incidents.file_concern("Mijn gegevens stonden op een verkeerde pagina.",
                                     reporter_name="Eva Smit", reporter_email="eva@example.nl")
    agreement = Agreement.objects.order_by("pk").first()
    assert agreement is not None
    reachable = DATUM_MODELS["email"].objects.order_by("pk").first()
    assert reachable is not None
    consent = request_consent(reachable.person, "Partner BV", ["names"], "callback",
                              "Partner BV belt u terug over een onderhoudsaanbod.",
                              actor="fenna")
    return {
        "staff/requests/:uid": [str(anna.uid), str(olaf.uid)],
        "staff/callbacks/:pk": [str(bram.pk)],
        "staff/disclosures/consents/:uid": [str(consent.uid)],
        "staff/incidents/:pk": [str(concern.pk)],
        "staff/agreements/:pk": [str(agreement.pk)],
        "staff/users/:pk": [str(fenna.staff_user.pk)],  # type: ignore[attr-defined]
        ":ref": [str(person.ref)],
        ":category": ["names"],
        "staff/persons/:pk": [str(names.pk)],
        ":datum": [str(names.pk)],
        # A datum is opened for a purpose it may be used for (Sec4): its own.
        "?datum_edit": [f"purpose={names.purpose}"],
    }


def _values(route: str, name: str, office: dict[str, list[str]]) -> list[str]:
    for key, values in office.items():
        prefix, _colon, param = key.partition(":")
        if param == name and route.startswith(prefix):
            return values
    return []


def _paths(office: dict[str, list[str]]) -> Iterator[tuple[str, str]]:
    """(route name, path) of every back-office route, each parameter filled with the
    office's values (and the query "?<route name>" names); a parameter without one keeps
    the resolver's sample (a 404 page, which is checked too)."""
    for route in all_routes():
        if not route.path.startswith("/staff/") or route.name == "logout":
            continue
        names = re.findall(r"<(?:\w+:)?(\w+)>", route.route)
        choices = [_values(route.route, name, office) or [_sample_in(route, name)]
                   for name in names]
        query = "".join(f"?{q}" for q in office.get(f"?{route.name}", [])[:1])
        for combination in itertools.product(*choices):
            values = iter(combination)
            path = "/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda _m: next(values), route.route)
            yield f"{route.name} {route.route}", path + query


def _sample_in(route: Any, name: str) -> str:
    """The sample value the resolver put into `route.path` for parameter `name`."""
    pattern = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: f"(?P<{m[1]}>[^/]+)", route.route)
    found = re.fullmatch("/" + pattern, route.path)
    assert found is not None, route.path
    return str(found[name])


# Pages Fenna must actually see (200), so the walk can never pass by rendering nothing.
MUST_RENDER = {"dashboard", "person_list", "person_detail", "person_roles", "datum_edit",
               "organisation_list", "agreement_list", "agreement_detail", "user_list",
               "user_edit", "token_list", "protocol", "account", "queue", "detail", "list",
               "register", "overview", "person_holds", "home", "all", "log", "consent_list",
               "new", "consent_new", "consent_detail"}


def test_every_back_office_page_fenna_opens_is_in_dutch(fenna, office):
    msgids = english_msgids()
    assert len(msgids) > 300  # the catalogue is read, not empty
    rendered: set[str] = set()
    problems: dict[str, list[str]] = {}
    for name, path in _paths(office):
        # Each page on its own: a new session, so no message of a refused step before.
        response = fenna.fresh().get(path, HTTP_ACCEPT_LANGUAGE="en")  # her account wins
        if not response.get("Content-Type", "").startswith("text/html") or \
                response.status_code in (301, 302, 405):
            continue
        page = response.content.decode()
        assert '<html lang="nl">' in page, path
        if response.status_code == 200:
            rendered.add(name.split()[0])
        found = _found(visible_text(page), msgids)
        if found:
            problems[f"{path} ({response.status_code})"] = [
                f"{msgid!r} in …{around}…" for msgid, around in found.items()]
    assert not problems, "English on Dutch back-office pages:\n" + "\n".join(
        f"  {path}:\n    " + "\n    ".join(found) for path, found in problems.items())
    assert MUST_RENDER <= rendered, sorted(MUST_RENDER - rendered)


def test_the_walk_catches_a_word_left_untranslated(fenna, monkeypatch):
    """The check is no formality: with one msgid's Dutch taken away (as when an entry is
    missing from the .mo), the dashboard shows the English and the check names it."""
    msgids = english_msgids()
    assert untranslated(fenna.get("/staff/").content.decode(), msgids) == []
    with translation.override("nl"):
        dutch = translation.trans_real.translation("nl")
        catalog = dutch._catalog  # type: ignore[attr-defined]
        monkeypatch.setitem(catalog, "Sign out", "Sign out")
        page = fenna.get("/staff/").content.decode()
    assert "Sign out" in untranslated(page, msgids)


def test_a_hard_coded_english_word_is_caught_too():
    """A template that writes a catalogue's English word as plain text fails the check."""
    page = ('<html lang="nl"><body><nav aria-label="Backoffice"><button>Sign out'
            '</button></nav><p>Pagina 1 van 3</p><p>Page 2 of 7</p></body></html>')
    found = untranslated(page, english_msgids())
    assert "Sign out" in found and "Page %(number)s of %(count)s" in found
