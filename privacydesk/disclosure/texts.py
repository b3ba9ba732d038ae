"""The words of the public consent pages (D3), Dutch (authoritative) and English.

Kept as data next to the views rather than in a message catalogue: the pages are short,
both languages must always be complete, and a test reads them directly.
"""

from __future__ import annotations

TEXT: dict[str, dict[str, str]] = {
    "nl": {
        "title": "Uw toestemming",
        "intro": "Wij vragen uw toestemming om de volgende gegevens te delen met",
        "purpose": "Doel", "why": "Waarom", "categories": "Gegevens",
        "nothing_before": "Wij delen niets voordat u toestemming geeft. Weigert u, dan "
                          "gebeurt er niets.",
        "grant": "Ja, ik geef toestemming", "refuse": "Nee, ik geef geen toestemming",
        "choose": "Kies of u toestemming geeft of niet.",
        "granted": "Dank u. Uw toestemming is vastgelegd. U kunt haar op elk moment "
                   "intrekken; de link daarvoor staat hieronder en in de bevestiging per "
                   "e-mail.",
        "valid_until": "Geldig tot",
        "withdraw_link": "Toestemming intrekken",
        "refused": "Uw antwoord is vastgelegd: u geeft geen toestemming. Wij delen niets.",
        "bad": "Deze link is niet (meer) geldig: hij is al gebruikt of verlopen. Neem "
               "contact met ons op als u uw antwoord wilt wijzigen.",
        "withdraw_title": "Toestemming intrekken",
        "withdraw_intro": "U hebt toestemming gegeven om gegevens te delen met",
        "withdraw_button": "Trek mijn toestemming in",
        "withdrawn": "Uw toestemming is ingetrokken. Vanaf nu delen wij niets meer op grond "
                     "van deze toestemming.",
        "bad_withdraw": "Deze link is niet (meer) geldig: de toestemming is al ingetrokken, "
                        "verlopen of bestaat niet.",
    },
    "en": {
        "title": "Your consent",
        "intro": "We ask your consent to share the following data with",
        "purpose": "Purpose", "why": "Why", "categories": "Data",
        "nothing_before": "We share nothing until you give your consent. If you refuse, "
                          "nothing happens.",
        "grant": "Yes, I consent", "refuse": "No, I do not consent",
        "choose": "Choose whether you consent or not.",
        "granted": "Thank you. Your consent is recorded. You can withdraw it at any time; "
                   "the link for that is below and in the confirmation e-mail.",
        "valid_until": "Valid until",
        "withdraw_link": "Withdraw consent",
        "refused": "Your answer is recorded: you do not consent. We share nothing.",
        "bad": "This link is not (or no longer) valid: it was used or has expired. Contact "
               "us if you want to change your answer.",
        "withdraw_title": "Withdraw your consent",
        "withdraw_intro": "You consented to sharing data with",
        "withdraw_button": "Withdraw my consent",
        "withdrawn": "Your consent is withdrawn. From now on we share nothing on the "
                     "strength of this consent.",
        "bad_withdraw": "This link is not (or no longer) valid: the consent was withdrawn, "
                        "has expired or does not exist.",
    },
}
