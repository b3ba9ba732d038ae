"""Person-facing texts of the access report and the exports (Dutch and English)."""

from __future__ import annotations

RIGHTS: dict[str, list[str] | str] = {
    "nl": [
        "U mag uw gegevens inzien (art. 15 AVG).",
        "U mag onjuiste gegevens laten corrigeren (art. 16 AVG).",
        "U mag uw gegevens laten verwijderen, behalve wat de wet ons verplicht te bewaren "
        "(art. 17 AVG).",
        "U mag het gebruik van uw gegevens laten beperken (art. 18 AVG).",
        "U mag de gegevens die u ons gaf ontvangen om ze aan een ander te geven "
        "(art. 20 AVG).",
        "U mag bezwaar maken tegen gebruik op grond van gerechtvaardigd belang "
        "(art. 21 AVG).",
        "Wij beantwoorden uw verzoek binnen een week.",
    ],
    "en": [
        "You may see your data (Art. 15 GDPR).",
        "You may have incorrect data corrected (Art. 16 GDPR).",
        "You may have your data erased, except what the law obliges us to keep "
        "(Art. 17 GDPR).",
        "You may have the use of your data restricted (Art. 18 GDPR).",
        "You may receive the data you gave us to pass them on (Art. 20 GDPR).",
        "You may object to use based on legitimate interests (Art. 21 GDPR).",
        "We answer your request within one week.",
    ],
    "nl_automated": "Wij nemen geen besluiten over u die uitsluitend geautomatiseerd zijn.",
    "en_automated": "We take no decisions about you based solely on automated processing.",
}

REPORT: dict[str, dict[str, str]] = {
    "nl": {"title": "Inzage in uw persoonsgegevens", "controller": "Verwerkingsverantwoordelijke",
           "ref": "Kenmerk van uw verzoek", "generated": "Opgesteld op",
           "roles": "Uw relatie met ons",
           "data": "Gegevens die wij van u hebben", "source": "Bron", "purpose": "Doel",
           "basis": "Grondslag", "agreement": "Overeenkomst", "collected": "Verkregen op",
           "retention": "Bewaard tot", "retention_open": "nog niet bekend — zolang de grond "
           "loopt", "recipients": "Ontvangers", "none": "geen",
           "holds": "Wettelijke bewaring wegens een geschil", "rights": "Uw rechten",
           "complaint": "Klacht", "complaint_text": "U kunt een klacht indienen bij de",
           "restricted": "beperkt (alleen opgeslagen, niet gebruikt)",
           "no_data": "Wij hebben geen gegevens van u in categorieën van ons register."},
    "en": {"title": "Access to your personal data", "controller": "Controller",
           "ref": "Reference of your request", "generated": "Drawn up on",
           "roles": "Your relation to us",
           "data": "Data we hold about you", "source": "Source", "purpose": "Purpose",
           "basis": "Legal basis", "agreement": "Agreement", "collected": "Collected on",
           "retention": "Kept until", "retention_open": "not known yet — while the ground "
           "runs", "recipients": "Recipients", "none": "none",
           "holds": "Kept because of a legal claim", "rights": "Your rights",
           "complaint": "Complaint", "complaint_text": "You may lodge a complaint with the",
           "restricted": "restricted (stored only, not used)",
           "no_data": "We hold no data about you in the categories of our register."},
}
