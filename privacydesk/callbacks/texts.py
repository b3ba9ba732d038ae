"""Default texts for written contact (P2), in the language the person used on the website."""

from __future__ import annotations

SUBJECT = {
    "nl": "Uw verzoek om teruggebeld te worden",
    "en": "Your request to be called back",
}
BODY = {
    "nl": ("U vroeg ons via de website om u terug te bellen. Wij hebben meerdere keren "
           "geprobeerd u telefonisch te bereiken, helaas zonder succes. Wilt u ons bellen op "
           "{phone}, of laten weten wanneer wij u het beste kunnen bereiken?"),
    "en": ("You asked us on our website to call you back. We tried several times to reach "
           "you by telephone, unfortunately without success. Could you call us on {phone}, "
           "or let us know when we can best reach you?"),
}


def defaults(lang: str, controller_phone: str) -> dict[str, str]:
    """Return the default subject and body in `lang` (nl when unknown)."""
    key = lang if lang in SUBJECT else "nl"
    return {"subject": SUBJECT[key], "body": BODY[key].format(phone=controller_phone)}
