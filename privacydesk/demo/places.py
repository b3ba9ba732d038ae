"""Dutch cities (with their postcode ranges and telephone area codes) and street names.

`CITIES` rows are (city, first postcode number, last postcode number, area code): a
generated address draws its four postcode digits from the city's range, and a landline
number of someone living there starts with the city's area code, so the demo data look
coherent. The ranges are approximations for a demo, not a postcode database.
"""

from __future__ import annotations

CITIES: tuple[tuple[str, int, int, str], ...] = (
    ("Amsterdam", 1011, 1109, "20"),
    ("Rotterdam", 3011, 3089, "10"),
    ("Den Haag", 2491, 2599, "70"),
    ("Utrecht", 3511, 3585, "30"),
    ("Groningen", 9711, 9747, "50"),
    ("Eindhoven", 5611, 5658, "40"),
    ("Tilburg", 5011, 5049, "13"),
    ("Almere", 1311, 1365, "36"),
    ("Breda", 4811, 4839, "76"),
    ("Nijmegen", 6511, 6546, "24"),
    ("Apeldoorn", 7311, 7339, "55"),
    ("Haarlem", 2011, 2037, "23"),
    ("Arnhem", 6811, 6846, "26"),
    ("Enschede", 7511, 7548, "53"),
    ("Amersfoort", 3811, 3829, "33"),
    ("Zwolle", 8011, 8043, "38"),
    ("Leiden", 2311, 2334, "71"),
    ("Maastricht", 6211, 6229, "43"),
    ("Dordrecht", 3311, 3329, "78"),
    ("Leeuwarden", 8911, 8941, "58"),
    ("'s-Hertogenbosch", 5211, 5249, "73"),
    ("Zoetermeer", 2711, 2729, "79"),
    ("Delft", 2611, 2629, "15"),
    ("Hilversum", 1211, 1223, "35"),
    ("Alkmaar", 1811, 1829, "72"),
    ("Assen", 9401, 9409, "592"),
    ("Deventer", 7411, 7429, "570"),
    ("Emmen", 7811, 7830, "591"),
    ("Haren", 9751, 9753, "50"),
    ("Hoogezand", 9601, 9611, "598"),
)

STREETS: tuple[str, ...] = (
    "Kerkstraat", "Schoolstraat", "Molenweg", "Dorpsstraat", "Stationsweg", "Julianastraat",
    "Wilhelminastraat", "Beatrixlaan", "Oranjestraat", "Nieuwstraat", "Hoofdstraat",
    "Industrieweg", "Parallelweg", "Kastanjelaan", "Lindelaan", "Eikenlaan", "Beukenlaan",
    "Berkenlaan", "Populierenlaan", "Esdoornstraat", "Prinses Irenestraat",
    "Prins Bernhardlaan", "Burgemeester de Withstraat", "Vondelstraat", "Rembrandtlaan",
    "Vermeerstraat", "Van Goghstraat", "Mozartlaan", "Sportlaan", "Tulpstraat",
    "Rozenstraat", "Narcissenstraat", "Margrietstraat", "Zonnebloemstraat", "Meidoornweg",
    "Veldweg", "Akkerweg", "Weidelaan", "Hoogstraat", "Marktstraat", "Havenstraat",
    "Dijkweg", "Zeestraat", "Duinweg", "Polderweg", "Herengracht", "Keizersgracht",
    "Singel", "Oude Gracht", "Lange Nieuwstraat", "Korte Nieuwstraat", "Spoorstraat",
    "Graaf Florisstraat", "Eeldersingel", "Paterswoldseweg", "Helperzoom", "Oosterstraat",
    "Vismarkt", "Zuiderdiep", "Noorderbuitensingel", "Westersingel", "Koninginnelaan",
    "Emmalaan", "Hobbemastraat", "Ruysdaelstraat", "Frans Halsstraat", "Thorbeckestraat",
    "Van Speijkstraat", "De Ruyterlaan", "Tromplaan", "Kennedylaan", "Churchilllaan",
    "Europaweg", "Laan van Nieuw Oost-Indië", "Zwanenlaan", "Merelstraat", "Lijsterlaan",
    "Kievitstraat", "Spechtlaan", "Reigerstraat", "Eendrachtsweg", "Vredenburg",
    "Heerenstraat", "Brink", "Achterweg", "Kanaalweg", "Boerhaavelaan", "Pieterskerkhof",
)

#: Telephone numbers of mobile ranges 06-1 ... 06-5 and 06-8 (E.164 +316…).
MOBILE_PREFIXES: tuple[str, ...] = ("61", "62", "63", "64", "65", "68")

#: E-mail domains of private persons.
MAIL_DOMAINS: tuple[str, ...] = (
    "gmail.com", "hotmail.com", "outlook.com", "ziggo.nl", "kpnmail.nl", "live.nl",
    "hetnet.nl", "planet.nl", "xs4all.nl", "home.nl", "icloud.com", "proton.me",
)

#: Words Dutch small businesses are named with, for the organisations.
TRADES: tuple[str, ...] = (
    "Bouw", "Installatietechniek", "Administratiekantoor", "Transport", "Advies",
    "Automatisering", "Schilderwerken", "Accountants", "Loodgieters", "Tandartsen",
    "Makelaardij", "Hoveniers", "Elektrotechniek", "Bakkerij", "Zorg", "Logistiek",
    "Juristen", "Drukkerij", "Metaal", "Architecten",
)

#: Legal forms of Dutch organisations.
LEGAL_FORMS: tuple[str, ...] = ("B.V.", "V.O.F.", "", "B.V.", "Stichting", "Coöperatie U.A.")
