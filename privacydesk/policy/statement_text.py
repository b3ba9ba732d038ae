"""The statement's wording per language, with placeholders for the policy's data.

Dutch is InFactor's 2018 statement (the authoritative text) word for word, with two typos
fixed: "voorschijft" -> "voorschrijft" and "verhoogd" -> "verhoogt". English follows the
working translation in the project's shared statement folder. Placeholders are filled with
`str.format` from policy data only: {controller}, {email}, {website}, {deadline}, {phrases}.
Keys ending in a promise id hold exactly the sentence(s) of that promise.
"""

from __future__ import annotations

from typing import Final

NL: Final[dict[str, str]] = {
    "S1": "Onderstaande verklaring gaat over de privacy van individuen, klanten en "
          "vertegenwoordigers van bedrijven die gegevens bij {controller} achterlaten voor het "
          "uitvoeren van een overeenkomst of voor contact met {controller}.",
    "h_data": "Persoons-/bedrijfsgegevens die worden verwerkt",
    "C1": "{controller} kan persoons-/bedrijfsgegevens van u verwerken, doordat u gebruik maakt "
          "van de diensten van {controller} en/of omdat u deze zelf bij het invullen van een "
          "contactformulier op de website aan {controller} verstrekt.",
    "C2": "{controller} kan de volgende persoonsgegevens verwerken:",
    "h_why": "Waarom {controller} gegevens nodig heeft",
    "why_contact": "{controller} verwerkt uw gegevens {phrases}.",
    "why_agreement": "Daarnaast kan {controller} uw gegevens gebruiken {phrases}. Dit geldt "
                     "voor alle overeenkomsten, zowel eenmalige opdrachten als Service Level "
                     "Agreements (SLA).",
    "or": ", en/of ",
    "h_retention": "Bewaartermijn",
    "R1": "{controller} bewaart uw gegevens niet langer dan strikt nodig is om de doelen te "
          "realiseren, waarvoor uw gegevens worden verzameld.",
    "R2": "Uw gegevens worden niet langer bewaard dan de wet voorschrijft als er geen "
          "overeenkomst met u tot stand komt.",
    "R3": "Wanneer er wel een overeenkomst tot stand komt zullen de gegevens bewaard worden "
          "zolang de overeenkomst loopt en zolang de wet de opslag van de gegevens verplicht.",
    "retention_detail": "Concreet hanteert {controller} de volgende termijnen:",
    "contact_label": "Gegevens voor contact zonder overeenkomst",
    "contact_when": "{period} na het verzamelen of het laatste contact",
    "h_sharing": "Delen met derden",
    "D1": "{controller} verstrekt uw gegevens alléén aan derden indien dit nodig is voor de "
          "uitvoering van een overeenkomst met u, of om te voldoen aan een wettelijke "
          "verplichting.",
    "D2": "Indien dit het geval is wordt deze noodzaak aangegeven bij de overeenkomst.",
    "D3": "Bij elk ander verzoek tot delen zal {controller} eerst toestemming aan u vragen.",
    "h_web": "In kaart brengen website bezoek",
    "W1": "Op de website van {controller} worden geen algemene bezoekgegevens bijgehouden, "
          "waaronder het IP-adres van uw computer en het tijdstip van opvraging en gegevens die "
          "uw browser meestuurt.",
    "W2": "Wel worden IP-adressen geregistreerd die herhaaldelijk proberen in te breken op de "
          "website.",
    "W3": "{website} is een website van {controller}.",
    "h_rights": "Gegevens inzien, aanpassen, verwijderen of delen",
    "Rt1": "U heeft het recht om uw persoonsgegevens in te zien, te corrigeren of te "
           "verwijderen.",
    "Rt4": "Daarnaast heeft u het recht persoonsgegevens te ontvangen zodat u ze zelf kan delen "
           "met derden.",
    "Rt5": "U kunt een verzoek tot inzage, correctie, delen of verwijdering sturen naar "
           "{email}.",
    "Rt6": "{controller} zal zo snel mogelijk, uiterlijk binnen {deadline}, op uw verzoek "
           "reageren.",
    "h_security": "Beveiligen",
    "Sec1": "{controller} neemt de bescherming van uw gegevens serieus en neemt passende "
            "maatregelen om misbruik, verlies, onbevoegde toegang, ongewenste openbaarmaking en "
            "ongeoorloofde wijziging tegen te gaan.",
    "Sec2": "De website van {controller} maakt gebruik van een betrouwbaar SSL Certificaat om "
            "te zorgen dat uw persoonsgegevens niet in verkeerde handen vallen.",
    "Sec3": "Daarnaast heeft {controller} verschillende fysieke en softwarematige "
            "beveiligingslagen aangebracht op de eigen server en binnen het kantoor.",
    "Sec4": "Alle medewerkers van {controller} handelen volgens een protocol die de veiligheid "
            "van uw gegevens verhoogt.",
    "Sec5": "Als u de indruk heeft dat uw gegevens niet goed beveiligd zijn, er aanwijzingen "
            "zijn van misbruik of indien u meer informatie wenst over de beveiliging van de door "
            "{controller} verzamelde persoonsgegevens, neem dan contact met {controller} op via "
            "{email}.",
    "h_access": "Toegang",
    "A1": "{controller} kan voor het uitvoeren van serviceovereenkomsten en urgente "
          "herstelwerkzaamheden toegang tot uw servers en computers vragen.",
    "A2": "Medewerkers van {controller} zullen deze toegang alleen gebruiken voor de "
          "desbetreffende handeling, beschreven in de overeenkomst of voor het door u "
          "aangegeven herstelwerk.",
    "h_contact": "Contactgegevens",
    "address": "Post-/vestigingsadres", "phone": "Telefoon", "email": "E-mailadres",
    "website": "Website",
}

EN: Final[dict[str, str]] = {
    "S1": "The statement below concerns the privacy of individuals, customers and "
          "representatives of companies who leave data with {controller} for the execution of "
          "an agreement or for contact with {controller}.",
    "h_data": "Personal / business data that are processed",
    "C1": "{controller} may process your personal/business data because you use "
          "{controller}'s services and/or because you provide them yourself to {controller} "
          "when filling in a contact form on the website.",
    "C2": "{controller} may process the following personal data:",
    "h_why": "Why {controller} needs data",
    "why_contact": "{controller} processes your data {phrases}.",
    "why_agreement": "In addition {controller} may use your data {phrases}. This applies to "
                     "all agreements, both one-off assignments and Service Level Agreements "
                     "(SLA).",
    "or": ", and/or ",
    "h_retention": "Retention period",
    "R1": "{controller} keeps your data no longer than strictly necessary to realise the "
          "purposes for which your data are collected.",
    "R2": "Your data are kept no longer than the law prescribes if no agreement with you comes "
          "about.",
    "R3": "If an agreement does come about, the data will be kept as long as the agreement "
          "runs and as long as the law obliges storage of the data.",
    "retention_detail": "In concrete terms {controller} applies these periods:",
    "contact_label": "Data for contact without an agreement",
    "contact_when": "{period} after collection or the last contact",
    "h_sharing": "Sharing with third parties",
    "D1": "{controller} provides your data to third parties only if this is necessary for the "
          "execution of an agreement with you, or to comply with a legal obligation.",
    "D2": "If that is the case, this necessity is stated in the agreement.",
    "D3": "For any other request to share, {controller} will first ask you for permission.",
    "h_web": "Mapping website visits",
    "W1": "On {controller}'s website no general visit data are kept, including the IP address "
          "of your computer, the time of the request, and data that your browser sends along.",
    "W2": "IP addresses that repeatedly try to break into the website are registered, however.",
    "W3": "{website} is a website of {controller}.",
    "h_rights": "Viewing, correcting, deleting or sharing data",
    "Rt1": "You have the right to view, correct or delete your personal data.",
    "Rt4": "You also have the right to receive your personal data so that you can share them "
           "with third parties yourself.",
    "Rt5": "You can send a request for access, correction, sharing or deletion to {email}.",
    "Rt6": "{controller} will respond to your request as soon as possible, at the latest "
           "within {deadline}.",
    "h_security": "Security",
    "Sec1": "{controller} takes the protection of your data seriously and takes appropriate "
            "measures to counter misuse, loss, unauthorised access, unwanted disclosure and "
            "unauthorised modification.",
    "Sec2": "{controller}'s website uses a reliable SSL certificate to make sure your personal "
            "data do not fall into the wrong hands.",
    "Sec3": "In addition {controller} has put several physical and software security layers in "
            "place on its own server and within the office.",
    "Sec4": "All {controller} employees act according to a protocol that increases the "
            "security of your data.",
    "Sec5": "If you have the impression that your data are not well secured, there are "
            "indications of misuse, or you want more information on the security of the "
            "personal data {controller} collects, contact {controller} via {email}.",
    "h_access": "Access",
    "A1": "For executing service agreements and urgent repairs, {controller} may ask for "
          "access to your servers and computers.",
    "A2": "{controller} employees will use this access only for the relevant action, described "
          "in the agreement, or for the repair work you indicated.",
    "h_contact": "Contact details",
    "address": "Postal / business address", "phone": "Telephone", "email": "E-mail",
    "website": "Website",
}

TEXT: Final[dict[str, dict[str, str]]] = {"nl": NL, "en": EN}

# Small words the generated phrases need: (singular, plural) units and list joiners.
UNITS: Final[dict[str, dict[str, tuple[str, str]]]] = {
    "nl": {"years": ("jaar", "jaar"), "months": ("maand", "maanden"),
           "days": ("dag", "dagen"), "weeks": ("week", "weken")},
    "en": {"years": ("year", "years"), "months": ("month", "months"),
           "days": ("day", "days"), "weeks": ("week", "weeks")},
}
NUMBER_WORDS: Final[dict[str, tuple[str, ...]]] = {
    "nl": ("", "een", "twee", "drie", "vier", "vijf", "zes", "zeven", "acht", "negen", "tien"),
    "en": ("", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"),
}
JOIN: Final[dict[str, dict[str, str]]] = {
    "nl": {"and": " en ", "and_or": " en/of "},
    "en": {"and": " and ", "and_or": " and/or "},
}
# Retention anchors: the event ("until / after <event>") and the clause for year-end counting.
ANCHOR_TEXT: Final[dict[str, dict[str, tuple[str, str]]]] = {
    "nl": {"collected": ("het verzamelen", "de gegevens zijn verzameld"),
           "agreement_end": ("het einde van de overeenkomst", "de overeenkomst eindigde"),
           "employment_end": ("het einde van het dienstverband", "het dienstverband eindigde"),
           "role_end": ("het einde van de relatie", "de relatie eindigde")},
    "en": {"collected": ("collection", "the data were collected"),
           "agreement_end": ("the end of the agreement", "the agreement ended"),
           "employment_end": ("the end of employment", "employment ended"),
           "role_end": ("the end of the relationship", "the relationship ended")},
}
WHEN: Final[dict[str, dict[str, str]]] = {
    "nl": {"until": "tot {event}", "after": "{period} na {event}",
           "year_end": "{period} na het einde van het kalenderjaar waarin {clause}",
           "until_year_end": "tot het einde van het kalenderjaar waarin {clause}"},
    "en": {"until": "until {event}", "after": "{period} after {event}",
           "year_end": "{period} after the end of the calendar year in which {clause}",
           "until_year_end": "until the end of the calendar year in which {clause}"},
}
