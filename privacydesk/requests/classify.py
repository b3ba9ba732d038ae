"""Recognise the kind of a request from Dutch or English wording (Rt5).

Contract: `classify(subject, body) -> Classification(kind, confidence, language, scores)`.
Each kind has weighted patterns (word stems, both languages); the subject counts 1.5x. The
best kind wins only with a clear lead: score >= MIN_SCORE and share >= MIN_SHARE of all
scores. Anything less is TRIAGE — a wrong kind is worse than a person deciding. A message
without any privacy wording but with everyday support or sales wording is NONE; a security
concern (Sec5) is CONCERN and goes to the incident register, not the request queue.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from privacydesk.requests import kinds

CONCERN = "concern"
MIN_SCORE = 2.0
MIN_SHARE = 0.75
SUBJECT_WEIGHT = 1.5

_P = dict[str, list[tuple[str, float]]]
PATTERNS: _P = {
    kinds.ACCESS: [
        (r"\binzage", 3), (r"\binzien\b", 3), (r"\bin ?te zien\b", 3),
        (r"\bwelke (persoons)?gegevens\b", 2.5), (r"\bwat (voor )?(persoons)?gegevens\b", 2),
        (r"\bwat weten (jullie|u) over mij\b", 3), (r"\boverzicht van (al )?mijn\b", 2.5),
        (r"\bkopie van (al )?mijn\b", 2.5), (r"\bsubject access\b", 3),
        (r"\baccess (request|to my)\b", 3), (r"\bright of access\b", 3),
        (r"\bwhat (personal )?(data|information) (do )?you (hold|have|keep|store)\b", 3),
        (r"\bwhich (personal )?(data|information)\b", 2),
        (r"\bcopy of (all )?(my|the) (personal )?(data|information)\b", 3), (r"\baccess\b", 1.5),
        (r"\bwhat do you know about me\b", 3), (r"\b(art(icle|ikel)?\.? ?)15\b", 2),
    ],
    kinds.RECTIFICATION: [
        (r"\bcorrecti", 3), (r"\bcorrigeer", 3), (r"\bverbeter", 2.5), (r"\brectif", 3),
        (r"\b(graag )?aanpassen\b", 2), (r"\bwijzig", 2), (r"\bklopt niet\b", 2.5),
        (r"\bonjuist", 2.5), (r"\bverkeerd", 2), (r"\bverhuisd\b", 2),
        (r"\bnieuwe? (adres|telefoonnummer|e-?mailadres|naam)\b", 2),
        (r"\bcorrect (my|the)\b", 3), (r"\bplease correct\b", 3), (r"\bupdate my\b", 2.5),
        (r"\b(is|are) (wrong|incorrect|outdated)\b", 2.5), (r"\bincorrect\b", 2),
        (r"\bhas changed\b", 2), (r"\bi (have )?moved\b", 2),
        (r"\b(art(icle|ikel)?\.? ?)16\b", 2),
    ],
    kinds.ERASURE: [
        (r"\bverwijder", 3), (r"\bwissen\b", 2.5), (r"\bvergeten (te )?worden\b", 3),
        (r"\bdelete\b", 3), (r"\berase\b", 3), (r"\berasure\b", 3),
        (r"\bremove (all )?(of )?my\b", 3), (r"\bright to be forgotten\b", 3),
        (r"\b(art(icle|ikel)?\.? ?)17\b", 2),
    ],
    kinds.PORTABILITY: [
        (r"\bportabilit", 3), (r"\boverdraagbaar", 3), (r"\bgegevens (te )?ontvangen\b", 3),
        (r"\bontvangen om\b", 1.5), (r"\bandere (partij|aanbieder|leverancier)\b", 2),
        (r"\bmachineleesbaar", 3), (r"\boverdragen\b", 2), (r"\bmeenemen\b", 1.5),
        (r"\bportab", 3), (r"\bmachine[- ]readable\b", 3), (r"\btransfer my data\b", 3),
        (r"\banother (provider|company|service)\b", 2), (r"\bexport (of )?my\b", 2.5),
        (r"\b(art(icle|ikel)?\.? ?)20\b", 2),
    ],
    kinds.OBJECTION: [
        (r"\bbezwaar", 3), (r"\bniet (langer|meer) (ge)?(bruiken|gebruikt)\b", 2),
        (r"\bobject(ion)?\b", 3), (r"\bobject to\b", 1), (r"\bstop (using|processing)\b", 2),
        (r"\b(art(icle|ikel)?\.? ?)21\b", 2),
    ],
    kinds.RESTRICTION: [
        (r"\bbeperk", 3), (r"\bbevriez", 2), (r"\brestrict", 3),
        (r"\blimit the (use|processing)\b", 3), (r"\b(art(icle|ikel)?\.? ?)18\b", 2),
    ],
    CONCERN: [
        (r"\bdatalek", 3), (r"\blek\b", 2), (r"\bgehackt\b", 3), (r"\bmisbruik", 3),
        (r"\bonbevoegd", 2.5), (r"\bverdacht", 2), (r"\bphishing\b", 3),
        (r"\bbreach\b", 3), (r"\bexposed\b", 3), (r"\bleak(ed)?\b", 3), (r"\bhacked\b", 3),
        (r"\bmisuse", 3), (r"\bunauthori[sz]ed\b", 2.5), (r"\bsecurity concern\b", 3),
        (r"\bsuspicious\b", 2), (r"\bcompromised\b", 3),
    ],
}
# Words that show a message is about personal data at all; without them (and with everyday
# support or sales wording) the message is not a data-subject request.
PRIVACY_WORDS = re.compile(
    r"\b(gegevens|persoonsgegevens|privacy|avg|gdpr|data|informatie|information|"
    r"adres|address|telefoonnummer|phone|e-?mail)\b", re.I)
EVERYDAY_WORDS = re.compile(
    r"\b(printer|storing|kapot|werkt niet|offerte|factuur|afspraak|langskomen|prijs|"
    r"broken|not working|quote|invoice|appointment|price|meeting)\b", re.I)
DUTCH = re.compile(r"\b(de|het|een|ik|mijn|niet|graag|u|jullie|van|wil|alstublieft|"
                   r"gegevens|en|met)\b", re.I)
ENGLISH = re.compile(r"\b(the|my|i|please|you|your|of|to|and|with|want|data)\b", re.I)
_COMPILED = {kind: [(re.compile(p, re.I), w) for p, w in pats]
             for kind, pats in PATTERNS.items()}


@dataclass(frozen=True)
class Classification:
    kind: str  # a request kind, kinds.TRIAGE, kinds.NONE or CONCERN
    confidence: float  # 0..1: the winner's share of all evidence
    language: str  # "nl" | "en"
    scores: dict[str, float] = field(default_factory=dict)


def language_of(text: str) -> str:
    """"en" when English function words outnumber Dutch ones, else "nl"."""
    return "en" if len(ENGLISH.findall(text)) > len(DUTCH.findall(text)) else "nl"


def _score(text: str, weight: float) -> dict[str, float]:
    scores: dict[str, float] = {}
    for kind, patterns in _COMPILED.items():
        total = sum(w for rx, w in patterns if rx.search(text))
        if total:
            scores[kind] = total * weight
    return scores


def classify(subject: str, body: str) -> Classification:
    """Return the kind of the message; TRIAGE unless one kind clearly leads (module doc)."""
    subject, body = (subject or "")[:500], (body or "")[:20000]
    language = language_of(f"{subject}\n{body}")
    scores = _score(body, 1.0)
    for kind, value in _score(subject, SUBJECT_WEIGHT).items():
        scores[kind] = scores.get(kind, 0.0) + value
    if not scores:
        text = f"{subject}\n{body}"
        if EVERYDAY_WORDS.search(text) and not PRIVACY_WORDS.search(text):
            return Classification(kinds.NONE, 0.8, language, {})
        return Classification(kinds.TRIAGE, 0.0, language, {})
    best = max(scores, key=lambda k: scores[k])
    share = scores[best] / sum(scores.values())
    if scores[best] < MIN_SCORE or share < MIN_SHARE:
        return Classification(kinds.TRIAGE, round(share, 2), language, scores)
    return Classification(best, round(share, 2), language, scores)
