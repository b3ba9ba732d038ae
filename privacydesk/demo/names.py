"""Dutch given names and family names (with tussenvoegsels) for the synthetic population.

The lists are common Dutch names, typed for this project; combined at random they name no
one in particular. `FAMILY_NAMES` holds (infix, family name) pairs: the infix ("van der",
"de") is stored apart, as the register's `names.infix` field expects.
"""

from __future__ import annotations

GIVEN_NAMES: tuple[str, ...] = (
    "Anna", "Bram", "Carla", "Daan", "Eva", "Olaf", "Emma", "Julia", "Sophie", "Lotte",
    "Sanne", "Lisa", "Fleur", "Iris", "Noor", "Sara", "Tess", "Zoë", "Femke", "Maud",
    "Anouk", "Lieke", "Marloes", "Esther", "Ingrid", "Marieke", "Annemarie", "Karin",
    "Petra", "Monique", "Wilma", "Gerda", "Hanneke", "Janneke", "Willemijn", "Roos",
    "Floor", "Evi", "Jasmijn", "Mirjam", "Renske", "Saskia", "Yvonne", "Joke", "Riet",
    "Truus", "Ans", "Els", "Marjolein", "Hester", "Rianne", "Nienke", "Femmy", "Linda",
    "Ilse", "Bregje", "Merel", "Lieve", "Fenna", "Jet", "Sem", "Lucas", "Finn", "Jesse",
    "Thijs", "Ruben", "Lars", "Milan", "Thomas", "Tim", "Niels", "Bas", "Joost", "Sander",
    "Maarten", "Pieter", "Jeroen", "Erik", "Marco", "Dennis", "Gert", "Henk", "Kees",
    "Jan", "Piet", "Klaas", "Willem", "Hendrik", "Gerrit", "Cornelis", "Johannes", "Dirk",
    "Arjen", "Wouter", "Stijn", "Koen", "Rutger", "Jelle", "Sietse", "Tjeerd", "Wessel",
    "Hidde", "Jurre", "Teun", "Guus", "Mees", "Siem", "Floris", "Roel", "Hugo", "Bart",
    "Frank", "Ronald", "Arno", "Gijs", "Harm", "Ids", "Jochem", "Luuk", "Max", "Olivier",
    "Reinier", "Thom", "Vincent", "Wim", "Ymke", "Aafke", "Baukje", "Geertje", "Hiske",
    "Jildou", "Sytske", "Doutzen", "Froukje", "Tjitske", "Wietske", "Auke", "Bauke",
    "Douwe", "Folkert", "Gerben", "Hylke", "Jelmer", "Meindert", "Rients", "Sjoerd",
    "Noah", "Mohammed", "Yusuf", "Ayoub", "Fatima", "Aisha", "Yasmina", "Mehmet", "Elif",
    "Priya", "Rajesh", "Mei", "Wei", "Oksana", "Piotr", "Agnieszka", "Lucía", "José",
)

FAMILY_NAMES: tuple[tuple[str, str], ...] = (
    ("de", "Jong"), ("", "Jansen"), ("de", "Vries"), ("van den", "Berg"), ("van", "Dijk"),
    ("", "Bakker"), ("", "Janssen"), ("", "Visser"), ("", "Smit"), ("", "Meijer"),
    ("de", "Boer"), ("", "Mulder"), ("de", "Groot"), ("", "Bos"), ("", "Vos"),
    ("", "Peters"), ("", "Hendriks"), ("van", "Leeuwen"), ("", "Dekker"), ("", "Brouwer"),
    ("de", "Wit"), ("", "Dijkstra"), ("", "Smits"), ("de", "Graaf"), ("van der", "Meer"),
    ("van der", "Linden"), ("", "Kok"), ("", "Jacobs"), ("de", "Haan"), ("", "Vermeulen"),
    ("van den", "Heuvel"), ("van der", "Veen"), ("van den", "Broek"), ("de", "Bruijn"),
    ("de", "Bruin"), ("van der", "Heijden"), ("", "Schouten"), ("van", "Beek"),
    ("", "Willems"), ("van", "Vliet"), ("van de", "Ven"), ("", "Hoekstra"), ("", "Maas"),
    ("", "Verhoeven"), ("", "Koster"), ("van", "Dam"), ("van der", "Wal"), ("", "Prins"),
    ("", "Blom"), ("", "Huisman"), ("", "Peeters"), ("de", "Jonge"), ("", "Kuipers"),
    ("van", "Veen"), ("", "Post"), ("", "Kuiper"), ("", "Veenstra"), ("", "Kramer"),
    ("van den", "Brink"), ("", "Scholten"), ("van", "Wijk"), ("", "Postma"), ("", "Martens"),
    ("", "Vink"), ("de", "Ruiter"), ("", "Timmermans"), ("", "Groen"), ("", "Gerritsen"),
    ("", "Jonker"), ("van", "Loon"), ("", "Boers"), ("van der", "Velde"), ("", "Willemsen"),
    ("", "Smeets"), ("de", "Lange"), ("de", "Vos"), ("", "Bosch"), ("van", "Dongen"),
    ("", "Schipper"), ("de", "Koning"), ("van der", "Laan"), ("", "Koning"),
    ("van der", "Velden"), ("", "Driessen"), ("van", "Doorn"), ("", "Hermans"),
    ("", "Evers"), ("van den", "Bosch"), ("van der", "Meulen"), ("", "Hofman"),
    ("", "Bosman"), ("", "Wolters"), ("", "Sanders"), ("van der", "Horst"), ("", "Mol"),
    ("", "Kuijpers"), ("", "Molenaar"), ("van de", "Pol"), ("de", "Leeuw"),
    ("", "Verbeek"), ("", "Zijlstra"), ("", "Wijnands"), ("ter", "Horst"), ("ten", "Have"),
    ("van 't", "Hof"), ("in 't", "Veld"), ("op de", "Beek"), ("van der", "Sluis"),
    ("", "Brinkman"), ("", "Hoogendoorn"), ("", "Wiersma"), ("", "Terpstra"),
    ("", "Bouma"), ("", "Sijtsma"), ("", "Haagsma"), ("", "Oosterhuis"), ("", "Nijboer"),
    ("", "Tuinstra"), ("", "Heeringa"), ("van", "Rijn"), ("van", "Houten"),
    ("", "El Amrani"), ("", "Yilmaz"), ("", "Kaya"), ("", "Öztürk"), ("", "Bennani"),
    ("", "Nguyen"), ("", "Kowalski"), ("", "Nowak"), ("", "Ramdin"), ("", "Sewnarain"),
    ("", "Gonçalves"), ("", "Müller"), ("", "Schmidt"), ("", "Dubois"),
)
