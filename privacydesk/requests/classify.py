"""Recognise the kind of a request from Dutch or English wording (Rt5).

Contract: `classify(subject, body) -> Classification(kind, confidence, language, scores)`.
Each kind has weighted patterns (word stems, both languages); the subject counts 1.5x. The
best kind wins only with a clear lead: score >= MIN_SCORE, share >= MIN_SHARE of all
scores and at least MIN_MARGIN ahead of the second-best kind. Anything less is TRIAGE — a
wrong kind is worse than a person deciding.

Everyday mail (#15): weighted cue phrases for support, sales, invoices, newsletters,
auto-replies and delivery notices make up the "everyday" score. A message is NONE when
that score reaches MIN_EVERYDAY and the message never speaks of the writer's own personal
data (OWN_DATA: "mijn gegevens", "about me", "my address", a GDPR article, …): "verwijder
deze printer" or "the invoice is incorrect" are not erasure or rectification requests. With
everyday wording and a security word but no own data the message goes to TRIAGE (a person
looks at a possible concern). A security concern (Sec5) is CONCERN and goes to the
incident register, not the request queue. Auto-replies with an Auto-Submitted header never
get here (mailparse marks them, intake rejects them); the cues below catch those without.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from privacydesk.requests import kinds

CONCERN = "concern"
MIN_SCORE = 2.0
MIN_SHARE = 0.75
#: The best kind must lead the second-best by this much (score points), or it is TRIAGE.
MIN_MARGIN = 2.0
#: Everyday cues needed (subject 1.5x) before a message without own data is NONE.
MIN_EVERYDAY = 2.0
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
        (r"\bwhat do you know about me\b", 3), (r"\bwat (jullie|u) (allemaal )?over mij\b", 3),
        (r"\b(art(icle|ikel)?\.? ?)15\b", 2),
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
# Everyday mail that is not a data-subject request (#15), both languages, with weights.
EVERYDAY: list[tuple[str, float]] = [
    # support
    (r"\bprinters?\b", 3), (r"\bstoring", 3), (r"\bkapot\b", 2), (r"\bwerkt niet\b", 2),
    (r"\bdoet het niet\b", 3), (r"\bvpn\b", 3), (r"\bwachtwoord", 3), (r"\binloggen\b", 1.5),
    (r"\blaptop", 2.5), (r"\bmonitor\b", 2), (r"\bserver\b", 1.5), (r"\btraag\b", 2),
    (r"\b(gedeelde )?map\b", 1.5), (r"\brechten\b", 1), (r"\bticket\b", 2),
    (r"\bbroken\b", 2), (r"\bnot working\b", 2), (r"\bpassword", 3), (r"\blocked out\b", 3),
    (r"\boutage\b", 3), (r"\b(is|been) down\b", 2), (r"\bshared drive\b", 3),
    (r"\bsoftware\b", 2), (r"\blicen[cs]es?\b", 2), (r"\blicenties?\b", 2),
    (r"\bupdate (my|the) (laptop|computer|pc|software)\b", 3), (r"\bhelpdesk\b", 2),
    (r"\bmonitoring\b", 2), (r"\breageert niet\b", 2), (r"\bscanner\b", 3),
    (r"\bwi-?fi\b", 3), (r"\bloopt( steeds)? vast\b", 2.5), (r"\bcrash", 2.5),
    (r"\bfoutmelding\b", 2.5), (r"\berror message\b", 2.5), (r"\btest ?user\b", 3),
    (r"\bnew (starter|colleague|employee)\b", 3), (r"\bnieuwe (collega|medewerker)\b", 3),
    # sales
    (r"\bofferte", 3), (r"\bprijs", 3), (r"\bafspraak\b", 2.5), (r"\blangskomen\b", 2),
    (r"\bdemo\b", 2.5), (r"\bkennis ?(maken|making)\b", 2.5), (r"\bvrijblijvend", 2),
    (r"\bonze diensten\b", 2), (r"\bquote\b", 3), (r"\bpric(e|es|ing)\b", 3),
    (r"\bappointment\b", 2.5), (r"\bmeeting\b", 2.5), (r"\bvergadering\b", 2.5),
    (r"\bpartnership\b", 3), (r"\bbook a\b.{0,20}\bcall\b", 3), (r"\bplatform\b", 1.5),
    (r"\bcompanies like yours\b", 3), (r"\brenewal\b", 2.5), (r"\bcontract\b", 1.5),
    (r"\bwebinar\b", 3), (r"\bmeld u aan\b", 2), (r"\bgratis\b", 1.5),
    (r"\bbeurs\b", 3), (r"\bkorting\b", 3), (r"\baanbieding", 3), (r"\bdiscount\b", 3),
    (r"\bspecial offer\b", 3), (r"\bsubscriptions?\b", 1.5), (r"\bsamenwerking\b", 2),
    (r"\bsollicit", 3), (r"\bvacature\b", 3), (r"\bjob application\b", 3),
    (r"\blunch", 2), (r"\bfeestdagen\b", 1.5),
    # invoices
    (r"\bfactu(u|r)r", 3), (r"\bbetaling", 2.5), (r"\bherinnering\b", 2),
    (r"\bbetalingsherinnering", 3), (r"\bcreditnota", 3), (r"\bbedrag\b", 2),
    (r"\bovermaken\b", 2), (r"\bincasso", 2.5), (r"\binvoices?\b", 3), (r"\bpayment\b", 2.5),
    (r"\boverdue\b", 2), (r"\bcredit note\b", 3), (r"\bremittance\b", 3), (r"\bvat\b", 2),
    (r"\bbtw\b", 2), (r"\beur ?\d", 1.5), (r"\bopenstaande?\b", 2), (r"\breceipt\b", 2.5),
    # newsletters
    (r"\bnieuwsbrief", 3), (r"\bnewsletter\b", 3), (r"\bafmelden\b", 1.5),
    (r"\bunsubscribe\b", 1.5), (r"\bthis month\b", 1.5),
    # auto-replies without an Auto-Submitted header
    (r"\bafwezig", 3), (r"\bout of (the )?office\b", 3), (r"\bautomatic reply\b", 3),
    (r"\bautomatisch (antwoord|gegenereerd)\b", 3), (r"\bon leave\b", 2.5),
    (r"\bwill respond on my return\b", 2), (r"\bverlof\b", 2.5), (r"\bneemt het over\b", 2),
    (r"\bno action is needed\b", 3), (r"\bwe have updated our\b", 2),
    # delivery notices
    (r"\bpakket", 3), (r"\bbestelling\b", 2), (r"\bgeleverd\b", 2), (r"\bbezorg", 2.5),
    (r"\bverzonden\b", 1.5),
    (r"\btrack ?(&|and) ?trace\b", 3), (r"\bparcel\b", 3), (r"\b(has )?shipped\b", 3),
    (r"\border #?\d", 2.5), (r"\bdelivered\b", 2), (r"\bafhaalpunt\b", 2),
    # a company's own details
    (r"\bbedrijfsadres\b", 3), (r"\bons (bedrijfs)?adres\b", 2), (r"\bour company\b", 2),
]
# Wording that shows the writer speaks of their OWN personal data (or invokes a right):
# with it, everyday words never make a message NONE; without it, they do (#15).
OWN_DATA = re.compile(
    r"\bmijn\s+(\w+\s+){0,2}(persoons)?gegevens\b|\bpersoonsgegevens\b.{0,40}\bvan mij\b|"
    r"\b(over|van) mij\b|\bmijn (achter)?naam\b|\bmijn (nieuwe |oude )?(adres|"
    r"telefoonnummer|e-?mailadres|geboortedatum|dossier)\b|\bvergeten (te )?worden\b|"
    r"\brecht op\b|"
    r"\bmy\s+(\w+\s+){0,2}(data|information|details|records)\b|\babout me\b|\bon me\b|"
    r"\bmy (old |new )?(address|name|surname|phone( number)?|e-?mail address|date of birth)\b|"
    r"\bprofile me\b|\bright to be forgotten\b|\bsubject access\b|"
    # closing one's own account with the service is about the person, not a device
    r"\b(delete|remove|close|verwijder|opheffen)\w* (my|mijn) (klant)?(account|profiel|profile)\b|"
    r"\bart(ikel|icle)?\.? ?(15|16|17|18|20|21)\b", re.I)
DUTCH = re.compile(r"\b(de|het|een|ik|mijn|niet|graag|u|jullie|van|wil|alstublieft|"
                   r"gegevens|en|met)\b", re.I)
ENGLISH = re.compile(r"\b(the|my|i|please|you|your|of|to|and|with|want|data)\b", re.I)
_COMPILED = {kind: [(re.compile(p, re.I), w) for p, w in pats]
             for kind, pats in PATTERNS.items()}
_EVERYDAY = [(re.compile(p, re.I), w) for p, w in EVERYDAY]


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


def everyday_score(subject: str, body: str) -> float:
    """The weight of support, sales, invoice, newsletter, auto-reply and delivery cues
    (subject SUBJECT_WEIGHT times); 0.0 for a message without any."""
    def total(text: str) -> float:
        return sum(w for rx, w in _EVERYDAY if rx.search(text))
    return total(subject) * SUBJECT_WEIGHT + total(body)


def classify(subject: str, body: str) -> Classification:
    """Return the kind of the message; TRIAGE unless one kind clearly leads, NONE for
    everyday mail that never speaks of the writer's own data (module doc)."""
    subject, body = (subject or "")[:500], (body or "")[:20000]
    text = f"{subject}\n{body}"
    language = language_of(text)
    scores = _score(body, 1.0)
    for kind, value in _score(subject, SUBJECT_WEIGHT).items():
        scores[kind] = scores.get(kind, 0.0) + value
    everyday = everyday_score(subject, body)
    if everyday >= MIN_EVERYDAY and not OWN_DATA.search(text):
        # A support, sales or invoice mail: "verwijder deze printer" is no erasure request.
        # A security word in it still gets a person's eyes (Sec5), never a guess.
        kind = kinds.TRIAGE if CONCERN in scores else kinds.NONE
        return Classification(kind, 0.8 if kind == kinds.NONE else 0.0, language, scores)
    if not scores:
        return Classification(kinds.TRIAGE, 0.0, language, {})
    ranked = sorted(scores.values(), reverse=True)
    best = max(scores, key=lambda k: scores[k])
    share = scores[best] / sum(scores.values())
    margin = ranked[0] - (ranked[1] if len(ranked) > 1 else 0.0)
    if scores[best] < MIN_SCORE or share < MIN_SHARE or margin < MIN_MARGIN:
        return Classification(kinds.TRIAGE, round(share, 2), language, scores)
    return Classification(best, round(share, 2), language, scores)
