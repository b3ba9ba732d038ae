"""Rt5: the kind of a request is recognised from Dutch or English wording; when unsure the
message goes to triage, because a wrong kind is worse than a person deciding."""

from __future__ import annotations

import json
from email import message_from_bytes, policy
from pathlib import Path

import pytest

from privacydesk.requests import kinds
from privacydesk.requests.classify import CONCERN, classify, language_of

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "request-mail"  # shared/ copy
MANIFEST = json.loads((FIXTURES / "manifest.json").read_text())

# Messages written for these tests (not the shared fixtures), as people really write.
OWN: list[tuple[str, str, str]] = [
    ("Vraag", "Wat weten jullie eigenlijk over mij?", kinds.ACCESS),
    ("AVG-verzoek", "Graag ontvang ik een overzicht van mijn persoonsgegevens.", kinds.ACCESS),
    ("Subject access request", "Under the GDPR I request a copy of my personal data.",
     kinds.ACCESS),
    ("", "What information do you hold about me? Kind regards, Eva", kinds.ACCESS),
    ("Nieuw adres", "Ik ben verhuisd, mijn nieuwe adres is Dorpsstraat 3 in Haren.",
     kinds.RECTIFICATION),
    ("Typo", "My surname is wrong in your records, please update my details.",
     kinds.RECTIFICATION),
    ("Uitschrijven en vergeten", "Wilt u al mijn gegevens wissen? Ik wil vergeten worden.",
     kinds.ERASURE),
    ("Right to be forgotten", "Remove all my data from your systems.", kinds.ERASURE),
    ("Overstap", "Ik stap over naar een andere leverancier en wil mijn gegevens "
     "machineleesbaar ontvangen.", kinds.PORTABILITY),
    ("Moving provider", "Please export my data so I can transfer my data to another "
     "provider.", kinds.PORTABILITY),
    ("Bezwaar direct marketing", "Ik maak bezwaar tegen het gebruik van mijn gegevens voor "
     "marketing.", kinds.OBJECTION),
    ("Objection", "I object to you processing my data for your own interests.",
     kinds.OBJECTION),
    ("Beperking", "Beperk het gebruik van mijn gegevens tot het geschil is opgelost.",
     kinds.RESTRICTION),
    ("Datalek?", "Ik kreeg een mail met de gegevens van een andere klant, is er een datalek?",
     CONCERN),
    ("Account hacked", "I think my account at your company was hacked.", CONCERN),
    ("Offerte", "Kunt u mij een offerte sturen voor een nieuwe server?", kinds.NONE),
    ("Invoice question", "The invoice for October shows the wrong price.", kinds.NONE),
]
# Two wishes at once, or hardly any wording: a person must decide.
UNCLEAR: list[tuple[str, str]] = [
    ("Correctie en verwijderen", "Pas mijn adres aan en verwijder daarna mijn telefoonnummer."),
    ("Access and erasure", "Send me a copy of my personal data and then delete everything."),
    ("Hallo", "Kunt u mij bellen over mijn gegevens?"),
    ("", ""),
    ("Re: uw brief", "Zie bijlage."),
]


def _mail(name: str) -> tuple[str, str]:
    msg = message_from_bytes((FIXTURES / name).read_bytes(), policy=policy.default)
    body = msg.get_body(("plain", "html"))
    return str(msg["subject"] or ""), body.get_content() if body else ""


@pytest.mark.parametrize("case", MANIFEST, ids=[m["file"] for m in MANIFEST])
def test_the_shared_sample_mails_get_their_kind_or_triage_never_a_wrong_one(case):
    found = classify(*_mail(case["file"]))
    assert found.kind in (case["kind"], kinds.TRIAGE), (case["file"], found)
    assert found.language == case["lang"]


def test_most_of_the_shared_sample_mails_are_recognised_outright():
    right = sum(classify(*_mail(m["file"])).kind == m["kind"] for m in MANIFEST)
    assert right >= 10


@pytest.mark.parametrize(("subject", "body", "kind"), OWN, ids=[o[0] or o[1][:20] for o in OWN])
def test_messages_we_wrote_ourselves_are_never_given_a_wrong_kind(subject, body, kind):
    found = classify(subject, body)
    assert found.kind in (kind, kinds.TRIAGE), found


def test_most_messages_we_wrote_ourselves_are_recognised():
    right = sum(classify(s, b).kind == k for s, b, k in OWN)
    assert right >= len(OWN) - 3


@pytest.mark.parametrize(("subject", "body"), UNCLEAR)
def test_two_wishes_or_no_wording_go_to_triage(subject, body):
    assert classify(subject, body).kind == kinds.TRIAGE


def test_the_language_follows_the_wording():
    assert language_of("Ik wil graag mijn gegevens inzien") == "nl"
    assert language_of("I would like to see my data please") == "en"
