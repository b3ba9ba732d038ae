"""The kinds of request a person can make, and the words the person sees for them (nl/en)."""

from __future__ import annotations

ACCESS = "access"  # Art. 15, Rt1
RECTIFICATION = "rectification"  # Art. 16, Rt2
ERASURE = "erasure"  # Art. 17, Rt3
PORTABILITY = "portability"  # Art. 20, Rt4
OBJECTION = "objection"  # Art. 21
RESTRICTION = "restriction"  # Art. 18
TRIAGE = "triage"  # the kind is not clear: staff decide (a wrong kind is worse)
NONE = "none"  # not a data-subject request (support, sales, spam); staff confirm

REQUEST_KINDS = (ACCESS, RECTIFICATION, ERASURE, PORTABILITY, OBJECTION, RESTRICTION)
ALL_KINDS = (*REQUEST_KINDS, TRIAGE, NONE)

LABELS: dict[str, dict[str, str]] = {
    ACCESS: {"nl": "inzage in uw gegevens", "en": "access to your data"},
    RECTIFICATION: {"nl": "correctie van uw gegevens", "en": "correction of your data"},
    ERASURE: {"nl": "verwijdering van uw gegevens", "en": "erasure of your data"},
    PORTABILITY: {"nl": "uw gegevens ontvangen (overdraagbaarheid)",
                  "en": "receiving your data (portability)"},
    OBJECTION: {"nl": "bezwaar tegen het gebruik van uw gegevens",
                "en": "objection to the use of your data"},
    RESTRICTION: {"nl": "beperking van het gebruik van uw gegevens",
                  "en": "restriction of the use of your data"},
    TRIAGE: {"nl": "uw verzoek", "en": "your request"},
    NONE: {"nl": "uw bericht", "en": "your message"},
}

ARTICLES = {ACCESS: "Art. 15", RECTIFICATION: "Art. 16", ERASURE: "Art. 17",
            PORTABILITY: "Art. 20", OBJECTION: "Art. 21", RESTRICTION: "Art. 18"}


def label(kind: str, lang: str) -> str:
    """The person-facing name of `kind` in `lang` ("nl" or "en")."""
    return LABELS.get(kind, LABELS[TRIAGE])["en" if lang == "en" else "nl"]
