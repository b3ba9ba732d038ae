"""A labelled corpus of everyday mail and of data-subject requests, Dutch and English (#15).

Written for the tests, as people really write, not copied from the shared fixtures (whose
README asks not to tune to those twelve alone). `EVERYDAY` is mail a privacy mailbox gets
that is not a data-subject request: support, sales, invoices, newsletters, auto-replies,
delivery notices, including tricky ones that mention deleting a device or account, a wrong
amount, or "privacy" in a sales pitch. `REQUESTS` are real requests of every kind, including
ones that also mention an invoice, a newsletter or an offer. Each entry is
(subject, body, kind); every EVERYDAY entry has kind "none".
"""

from __future__ import annotations

from privacydesk.requests import kinds
from privacydesk.requests.classify import CONCERN

NONE = kinds.NONE

EVERYDAY: list[tuple[str, str, str]] = [
    # support (nl)
    ("Printer doet het niet", "Hoi, de printer op de tweede verdieping doet het niet meer. "
     "Kan iemand even komen kijken?", NONE),
    ("Storing VPN", "Sinds vanochtend valt de VPN-verbinding steeds weg. Thuiswerken lukt "
     "zo niet.", NONE),
    ("Wachtwoord vergeten", "Ik ben mijn wachtwoord vergeten en kan niet meer inloggen op "
     "het portaal. Kunt u het resetten?", NONE),
    # Deleting a device is not a data-subject request (Art. 17 is about personal data).
    ("Verwijder deze printer", "Wil je de oude printer HP-3 uit de lijst verwijderen? Hij "
     "staat niet meer op kantoor.", NONE),
    ("Storing e-mail", "Onze e-mail komt sinds 9 uur niet meer binnen. Is er een storing "
     "bekend?", NONE),
    ("Laptop traag", "Mijn laptop is erg traag sinds de laatste update. Wat kan ik doen?",
     NONE),
    ("Geen toegang tot de gedeelde map", "Ik heb geen toegang tot de map Projecten op de "
     "server. Kunnen jullie de rechten aanpassen?", NONE),
    # support (en)
    ("VPN connection drops", "Hi, my VPN connection drops every ten minutes since the "
     "update. Can you help?", NONE),
    ("Password reset", "Please reset my password, I am locked out of my account.", NONE),
    ("Outage?", "Is there an outage? The website has been down since 8 am.", NONE),
    # A VPN account is a device licence here, not the person's data.
    ("Delete my old account on the VPN", "I have a new laptop; please delete my old account "
     "on the VPN so the licence is free again.", NONE),
    ("Ticket 4411: monitor broken", "The second monitor on my desk is broken, it shows no "
     "image at all.", NONE),
    ("Remove printer from list", "Can you remove the old printer from the list? It was "
     "replaced last week.", NONE),
    ("Access to shared drive", "I need access to the finance shared drive for the audit. "
     "My manager approved it.", NONE),
    ("Software update", "Could IT update my laptop to the new version of Office?", NONE),
    # sales (nl)
    ("Offerte aanvraag", "Graag ontvangen wij een offerte voor 20 licenties van uw "
     "software.", NONE),
    ("Prijzen 2027", "Kunt u mij de nieuwe prijslijst voor 2027 sturen?", NONE),
    ("Afspraak volgende week", "Zullen we volgende week dinsdag een afspraak maken om de "
     "demo te bespreken?", NONE),
    # "privacy" and "AVG" in a sales pitch.
    ("Privacyvriendelijke oplossing", "Wij leveren een privacyvriendelijke cloudoplossing "
     "die voldoet aan de AVG. Mag ik u een vrijblijvende demo aanbieden?", NONE),
    ("Kennismaking", "Graag maak ik kennis met u om onze diensten toe te lichten. Heeft u "
     "tijd voor een kop koffie?", NONE),
    # sales (en)
    ("Quote request", "Could you send us a quote for 50 user licences and onboarding?", NONE),
    ("GDPR compliance made easy", "Our GDPR compliance platform helps companies like yours "
     "handle data requests and privacy notices. Can I book a 15-minute call?", NONE),
    ("Meeting next Tuesday", "Are you available for a meeting next Tuesday to discuss the "
     "renewal of the contract?", NONE),
    ("Pricing question", "What is the price of the premium plan per user per month?", NONE),
    ("Partnership proposal", "We would like to explore a partnership with your company. "
     "When would suit you for a call?", NONE),
    # invoices (nl)
    ("Factuur 2026-118", "Bijgaand onze factuur voor de maand november. Graag betaling "
     "binnen 30 dagen.", NONE),
    ("Betalingsherinnering", "Volgens onze administratie staat factuur 2026-093 nog open. "
     "Wilt u het bedrag overmaken?", NONE),
    ("Creditnota", "Hierbij de creditnota voor de teveel berekende uren in oktober.", NONE),
    # A wrong amount is not a wrong personal datum (Art. 16).
    ("Factuur klopt niet", "Op de factuur van oktober staat een verkeerd bedrag; kunt u "
     "een nieuwe factuur sturen?", NONE),
    ("Tweede herinnering", "Dit is de tweede herinnering voor de openstaande factuur. Bij "
     "uitblijven van betaling schakelen wij een incassobureau in.", NONE),
    # invoices (en)
    ("Invoice INV-2231", "Please find attached invoice INV-2231 for the services in "
     "November.", NONE),
    ("Payment reminder", "Our records show that invoice 8812 is overdue. Please arrange "
     "payment at your earliest convenience.", NONE),
    ("Credit note", "Attached is the credit note for the cancelled order 5531.", NONE),
    ("Wrong VAT on invoice", "The VAT on your last invoice is incorrect, please send a "
     "corrected invoice.", NONE),
    ("Remittance advice", "Payment of EUR 1,250.00 has been sent for invoice 7720.", NONE),
    # newsletters
    ("Nieuwsbrief december", "In deze nieuwsbrief: onze nieuwe vestiging, tips voor de "
     "feestdagen en de openingstijden. Afmelden? Klik onderaan.", NONE),
    ("Our December newsletter", "This month: product updates, a customer story and our "
     "holiday opening hours. Unsubscribe at the bottom of this email.", NONE),
    ("Webinar: AVG in de praktijk", "Meld u aan voor ons gratis webinar over de AVG en "
     "privacy in de praktijk op 14 januari.", NONE),
    # auto-replies that came without an Auto-Submitted header
    ("Afwezigheidsbericht: uw bericht", "Ik ben tot en met 5 januari afwezig en lees mijn "
     "e-mail niet. Voor dringende zaken kunt u contact opnemen met de receptie.", NONE),
    ("Out of office: Re: contract", "I am out of the office until Monday with limited "
     "access to email. For urgent matters please contact my colleague.", NONE),
    ("Automatic reply: your message", "Thank you for your email. I am currently on leave "
     "and will respond on my return.", NONE),
    # delivery notices
    ("Uw pakket is onderweg", "Goed nieuws! Uw bestelling 55123 is verzonden en wordt "
     "morgen tussen 10:00 en 14:00 bezorgd. Volg uw pakket met de track & trace code.", NONE),
    ("Your order has shipped", "Your order #4471 has shipped and will be delivered on "
     "Thursday. Track your parcel with the link below.", NONE),
    ("Bezorging mislukt", "We hebben vandaag geprobeerd uw pakket te bezorgen. U was niet "
     "thuis; het pakket ligt bij het afhaalpunt.", NONE),
    # other everyday mail
    ("Vergadering verplaatst", "De vergadering van donderdag is verplaatst naar vrijdag "
     "10 uur.", NONE),
    ("Contract renewal", "Your contract is due for renewal on 1 February. Reply to this "
     "email to confirm.", NONE),
    # A company's own address is not personal data; it is for the invoices.
    ("Adreswijziging leverancier", "Per 1 januari is ons bedrijfsadres gewijzigd naar "
     "Industrieweg 12. Wilt u dit aanpassen in uw administratie voor de facturen?", NONE),
    ("Storingsmelding mail01", "Melding: de server mail01 reageert niet. Automatisch "
     "gegenereerd door de monitoring.", NONE),
    # Written after the cues above were chosen (a first check of how they carry over: 9 of
    # these 18 were NONE, the rest TRIAGE, none got a kind); their cues were added since.
    ("Scanner werkt niet", "De scanner bij de receptie geeft een foutmelding en scant "
     "niets.", NONE),
    ("Teams crasht", "Teams loopt steeds vast als ik een vergadering start.", NONE),
    ("New starter needs an account", "Please create an account for our new colleague "
     "starting Monday.", NONE),
    ("Wifi", "The guest wifi in meeting room 3 keeps dropping.", NONE),
    ("Uitnodiging beurs", "Bezoek onze stand op de beurs in Utrecht, u bent van harte "
     "welkom.", NONE),
    ("Special offer", "Only this week: 20% discount on all annual subscriptions!", NONE),
    ("Offerte akkoord", "Hierbij gaan wij akkoord met de offerte van 3 december.", NONE),
    ("Openstaande posten", "Er staan nog twee facturen open van september.", NONE),
    ("Invoice address", "Please send future invoices to our accounts department.", NONE),
    ("Bedankt!", "Bedankt voor de fijne samenwerking dit jaar, fijne feestdagen!", NONE),
    ("Verlof", "Ik ben volgende week met verlof, mijn collega neemt het over.", NONE),
    ("Your subscription receipt", "Thank you for your payment. Your receipt is attached.",
     NONE),
    ("Verwijder de oude laptop uit het beheer", "De laptop van Piet is ingeleverd, kunnen "
     "jullie hem uit Intune verwijderen?", NONE),
    ("Delete the test user", "Please delete the test user we created for the demo last "
     "week.", NONE),
    ("Privacy statement update", "We have updated our privacy statement. No action is "
     "needed from you.", NONE),
    ("Levering vertraagd", "Door drukte wordt uw bestelling een dag later geleverd.", NONE),
    ("Sollicitatie", "Hierbij solliciteer ik naar de functie van medewerker "
     "klantenservice.", NONE),
    ("Lunch vrijdag", "Wie gaat er mee lunchen vrijdag?", NONE),
]

REQUESTS: list[tuple[str, str, str]] = [
    # access
    ("Inzageverzoek", "Beste, op grond van de AVG wil ik graag inzage in alle "
     "persoonsgegevens die u van mij verwerkt.", kinds.ACCESS),
    ("Wat hebben jullie van mij?", "Hallo, ik ben benieuwd welke gegevens jullie allemaal "
     "van mij bewaren. Kunnen jullie me dat laten weten?", kinds.ACCESS),
    ("Request for my data", "Hello, I would like a copy of all the personal data you hold "
     "about me, as the GDPR allows.", kinds.ACCESS),
    ("Question", "Can you tell me what data you have on me and where you got it?",
     kinds.ACCESS),
    ("Subject access request - Article 15", "Dear Sir or Madam, I am making a subject "
     "access request under Article 15 GDPR.", kinds.ACCESS),
    # An offer mentioned, but the person asks what is held about them.
    ("Re: your offer", "I never asked for your offers. Where did you get my email address? "
     "Tell me what personal data you hold about me.", kinds.ACCESS),
    # rectification
    ("Verkeerde naam", "Mijn achternaam staat verkeerd gespeld in uw systeem: het is "
     "Jansen, niet Janssen. Wilt u dit corrigeren?", kinds.RECTIFICATION),
    ("Nieuw telefoonnummer", "Mijn telefoonnummer is gewijzigd. Mijn nieuwe telefoonnummer "
     "is 06-12345678.", kinds.RECTIFICATION),
    ("Wrong address", "You still have my old address. I moved last month; please correct "
     "my address to 5 High Street.", kinds.RECTIFICATION),
    ("Name change", "I got married and my surname has changed. Please update my records "
     "to Smith.", kinds.RECTIFICATION),
    ("Geboortedatum onjuist", "De geboortedatum in mijn dossier is onjuist. Kunt u deze "
     "aanpassen naar 3 maart 1985?", kinds.RECTIFICATION),
    # erasure
    ("Verwijder mijn gegevens", "Ik wil dat u al mijn persoonsgegevens verwijdert. Ik ben "
     "geen klant meer.", kinds.ERASURE),
    ("Please delete my personal data", "Please delete all personal data you have about me "
     "and confirm when it is done.", kinds.ERASURE),
    ("Right to be forgotten", "I invoke my right to be forgotten. Erase my account and "
     "everything linked to it.", kinds.ERASURE),
    ("Account opheffen", "Wilt u mijn account en alle bijbehorende gegevens wissen? Ik wil "
     "vergeten worden.", kinds.ERASURE),
    ("Remove me", "Remove all of my information from your database, I never agreed to be "
     "in it.", kinds.ERASURE),
    # A newsletter, an invoice or an account mentioned beside a real erasure request.
    ("Unsubscribe and delete", "Please unsubscribe me from the newsletter and delete my "
     "personal data.", kinds.ERASURE),
    ("Geen facturen meer", "Ik heb geen facturen meer nodig; verwijder al mijn "
     "persoonsgegevens uit uw administratie.", kinds.ERASURE),
    ("Mijn account", "Verwijder mijn account en al mijn persoonsgegevens, ik gebruik de "
     "dienst niet meer.", kinds.ERASURE),
    ("Delete my personal data, not just the account", "Deleting my account is not enough: "
     "please erase all my personal data as well.", kinds.ERASURE),
    # portability
    ("Gegevens overzetten", "Ik stap over naar een andere aanbieder. Kan ik mijn gegevens "
     "in een machineleesbaar bestand ontvangen?", kinds.PORTABILITY),
    ("Data portability request", "Under Article 20 GDPR I request my data in a "
     "machine-readable format so I can move to another provider.", kinds.PORTABILITY),
    ("Export", "Could you send me an export of my data in CSV? I want to take it to another "
     "service.", kinds.PORTABILITY),
    ("Overdracht", "Wilt u mijn gegevens rechtstreeks overdragen aan mijn nieuwe "
     "energieleverancier? Het gaat om mijn recht op overdraagbaarheid.", kinds.PORTABILITY),
    # objection
    ("Bezwaar", "Ik maak bezwaar tegen het gebruik van mijn gegevens voor reclame.",
     kinds.OBJECTION),
    ("Stop using my data for marketing", "I object to the processing of my data for direct "
     "marketing. Please stop using my data.", kinds.OBJECTION),
    ("Geen profilering", "Ik wil niet dat u mijn gegevens nog gebruikt voor profilering. Ik "
     "teken hierbij bezwaar aan.", kinds.OBJECTION),
    ("Objection to profiling", "I object to my data being used to profile me for "
     "advertising.", kinds.OBJECTION),
    # restriction
    ("Beperking van de verwerking", "Zolang mijn klacht loopt, wil ik dat u de verwerking "
     "van mijn gegevens beperkt.", kinds.RESTRICTION),
    ("Restrict processing", "Please restrict the processing of my personal data while you "
     "check whether it is accurate.", kinds.RESTRICTION),
    ("Gegevens bevriezen", "Kunt u mijn gegevens bevriezen tot het geschil is opgelost? "
     "Beperk het gebruik alstublieft.", kinds.RESTRICTION),
    # security concerns (Sec5)
    ("Datalek?", "Ik kreeg een e-mail van jullie met de gegevens van een andere klant erin. "
     "Dat lijkt me een datalek.", CONCERN),
    ("Suspicious login", "Someone logged into my account from another country. I think my "
     "account was compromised.", CONCERN),
    ("Phishing", "I received a phishing mail pretending to be from you, asking for my bank "
     "details.", CONCERN),
    ("Gehackt?", "Mijn account bij jullie lijkt gehackt: er zijn bestellingen gedaan die ik "
     "niet heb gedaan.", CONCERN),
    # Written with the second batch of everyday mail above.
    ("Mijn data", "Ik wil weten wat jullie over mij hebben opgeslagen.", kinds.ACCESS),
    ("Gegevens", "Stuur me een kopie van mijn gegevens aub.", kinds.ACCESS),
    ("Delete", "I want you to delete everything you have on me.", kinds.ERASURE),
    ("Adres", "Mijn adres klopt niet meer, ik woon nu op de Kerkstraat 5.",
     kinds.RECTIFICATION),
    ("Stop", "Stop sending me your newsletter and stop using my data for marketing, I "
     "object.", kinds.OBJECTION),
    ("Remove my details", "Please remove my details from your mailing list and your "
     "systems.", kinds.ERASURE),
    # An invoice mentioned, but the person's own account goes (not a device's).
    ("Opzeggen", "Verwijder mijn account en stuur geen facturen meer.", kinds.ERASURE),
    ("Cancel", "Please delete my account and stop sending me invoices.", kinds.ERASURE),
]
