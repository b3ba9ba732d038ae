"""The statement is generated from the policy: every promise is stated, in the original's
words, in a paragraph tagged with its id; another company's policy gives its own statement."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from privacydesk.policy import Policy, load_policy_text, render_statement

NL = {
    "S1": ["Onderstaande verklaring gaat over de privacy van individuen, klanten en "
           "vertegenwoordigers van bedrijven die gegevens bij InFactor achterlaten voor het "
           "uitvoeren van een overeenkomst of voor contact met InFactor."],
    "C1": ["InFactor kan persoons-/bedrijfsgegevens van u verwerken, doordat u gebruik maakt van "
           "de diensten van InFactor en/of omdat u deze zelf bij het invullen van een "
           "contactformulier op de website aan InFactor verstrekt."],
    "C2": ["InFactor kan de volgende persoonsgegevens verwerken:"],
    "C3": ["Alleen van toepassing voor klanten, toekomstige klanten en/of medewerkers van "
           "InFactor."],
    "C4": ["Alleen van toepassing op beheerdersaccounts van klanten, toekomstige klanten en/of "
           "medewerkers van InFactor."],
    "C5": ["Alleen van toepassing voor medewerkers en oud-medewerkers van InFactor."],
    "P1": ["InFactor verwerkt uw gegevens om telefonisch contact met u op te kunnen nemen als u "
           "daar om verzoekt"],
    "P2": ["en/of om u schriftelijk (per e-mail en/of per post) te kunnen benaderen indien u "
           "telefonisch niet bereikbaar bent."],
    "P3": ["Daarnaast kan InFactor uw gegevens gebruiken in het kader van het uitvoeren van een "
           "met u gesloten overeenkomst van opdracht.",
           "Dit geldt voor alle overeenkomsten, zowel eenmalige opdrachten als Service Level "
           "Agreements (SLA)."],
    "R1": ["InFactor bewaart uw gegevens niet langer dan strikt nodig is om de doelen te "
           "realiseren, waarvoor uw gegevens worden verzameld."],
    "R2": ["Uw gegevens worden niet langer bewaard dan de wet voorschrijft als er geen "
           "overeenkomst met u tot stand komt."],
    "R3": ["Wanneer er wel een overeenkomst tot stand komt zullen de gegevens bewaard worden "
           "zolang de overeenkomst loopt en zolang de wet de opslag van de gegevens verplicht."],
    "D1": ["InFactor verstrekt uw gegevens alléén aan derden indien dit nodig is voor de "
           "uitvoering van een overeenkomst met u, of om te voldoen aan een wettelijke "
           "verplichting."],
    "D2": ["Indien dit het geval is wordt deze noodzaak aangegeven bij de overeenkomst."],
    "D3": ["Bij elk ander verzoek tot delen zal InFactor eerst toestemming aan u vragen."],
    "W1": ["Op de website van InFactor worden geen algemene bezoekgegevens bijgehouden, "
           "waaronder het IP-adres van uw computer en het tijdstip van opvraging en gegevens die "
           "uw browser meestuurt."],
    "W2": ["Wel worden IP-adressen geregistreerd die herhaaldelijk proberen in te breken op de "
           "website."],
    "W3": ["www.infactor.nl is een website van InFactor."],
    "Rt1": ["U heeft het recht om uw persoonsgegevens in te zien, te corrigeren of te "
            "verwijderen."],
    "Rt4": ["Daarnaast heeft u het recht persoonsgegevens te ontvangen zodat u ze zelf kan "
            "delen met derden."],
    "Rt5": ["U kunt een verzoek tot inzage, correctie, delen of verwijdering sturen naar "
            "info@infactor.nl."],
    "Rt6": ["InFactor zal zo snel mogelijk, uiterlijk binnen een week, op uw verzoek reageren."],
    "Sec1": ["InFactor neemt de bescherming van uw gegevens serieus en neemt passende "
             "maatregelen om misbruik, verlies, onbevoegde toegang, ongewenste openbaarmaking "
             "en ongeoorloofde wijziging tegen te gaan."],
    "Sec2": ["De website van InFactor maakt gebruik van een betrouwbaar SSL Certificaat om te "
             "zorgen dat uw persoonsgegevens niet in verkeerde handen vallen."],
    "Sec3": ["Daarnaast heeft InFactor verschillende fysieke en softwarematige beveiligingslagen "
             "aangebracht op de eigen server en binnen het kantoor."],
    "Sec4": ["Alle medewerkers van InFactor handelen volgens een protocol die de veiligheid van "
             "uw gegevens verhoogt."],
    "Sec5": ["Als u de indruk heeft dat uw gegevens niet goed beveiligd zijn, er aanwijzingen "
             "zijn van misbruik of indien u meer informatie wenst over de beveiliging van de door "
             "InFactor verzamelde persoonsgegevens, neem dan contact met InFactor op via "
             "info@infactor.nl."],
    "A1": ["InFactor kan voor het uitvoeren van serviceovereenkomsten en urgente "
           "herstelwerkzaamheden toegang tot uw servers en computers vragen."],
    "A2": ["Medewerkers van InFactor zullen deze toegang alleen gebruiken voor de desbetreffende "
           "handeling, beschreven in de overeenkomst of voor het door u aangegeven herstelwerk."],
    "Id1": ["InFactor", "Post-/vestigingsadres: Eeldersingel 40, 9726 AS Groningen",
            "Telefoon: 050 - 525 90 60", "E-mailadres: info@infactor.nl",
            "Website: www.infactor.nl"],
}
NL["Rt2"] = NL["Rt3"] = NL["Rt1"]

EN = {
    "S1": ["The statement below concerns the privacy of individuals, customers and "
           "representatives of companies who leave data with InFactor for the execution of an "
           "agreement or for contact with InFactor."],
    "C1": ["InFactor may process your personal/business data because you use InFactor's "
           "services and/or because you provide them yourself to InFactor when filling in a "
           "contact form on the website."],
    "C2": ["InFactor may process the following personal data:"],
    "C3": ["Only applies to customers, prospective customers and/or employees of InFactor."],
    "C4": ["Only applies to administrator accounts of customers, prospective customers and/or "
           "employees of InFactor."],
    "C5": ["Only applies to employees and former employees of InFactor."],
    "P1": ["InFactor processes your data to be able to contact you by telephone if you ask for "
           "that"],
    "P2": ["and/or to approach you in writing (by e-mail and/or by post) if you cannot be "
           "reached by telephone."],
    "P3": ["In addition InFactor may use your data in the context of executing an agreement of "
           "assignment concluded with you.",
           "This applies to all agreements, both one-off assignments and Service Level "
           "Agreements (SLA)."],
    "R1": ["InFactor keeps your data no longer than strictly necessary to realise the purposes "
           "for which your data are collected."],
    "R2": ["Your data are kept no longer than the law prescribes if no agreement with you comes "
           "about."],
    "R3": ["If an agreement does come about, the data will be kept as long as the agreement "
           "runs and as long as the law obliges storage of the data."],
    "D1": ["InFactor provides your data to third parties only if this is necessary for the "
           "execution of an agreement with you, or to comply with a legal obligation."],
    "D2": ["If that is the case, this necessity is stated in the agreement."],
    "D3": ["For any other request to share, InFactor will first ask you for permission."],
    "W1": ["On InFactor's website no general visit data are kept, including the IP address of "
           "your computer, the time of the request, and data that your browser sends along."],
    "W2": ["IP addresses that repeatedly try to break into the website are registered, "
           "however."],
    "W3": ["www.infactor.nl is a website of InFactor."],
    "Rt1": ["You have the right to view, correct or delete your personal data."],
    "Rt4": ["You also have the right to receive your personal data so that you can share them "
            "with third parties yourself."],
    "Rt5": ["You can send a request for access, correction, sharing or deletion to "
            "info@infactor.nl."],
    "Rt6": ["InFactor will respond to your request as soon as possible, at the latest within one "
            "week."],
    "Sec1": ["InFactor takes the protection of your data seriously and takes appropriate "
             "measures to counter misuse, loss, unauthorised access, unwanted disclosure and "
             "unauthorised modification."],
    "Sec2": ["InFactor's website uses a reliable SSL certificate to make sure your personal data "
             "do not fall into the wrong hands."],
    "Sec3": ["In addition InFactor has put several physical and software security layers in "
             "place on its own server and within the office."],
    "Sec4": ["All InFactor employees act according to a protocol that increases the security of "
             "your data."],
    "Sec5": ["If you have the impression that your data are not well secured, there are "
             "indications of misuse, or you want more information on the security of the "
             "personal data InFactor collects, contact InFactor via info@infactor.nl."],
    "A1": ["For executing service agreements and urgent repairs, InFactor may ask for access to "
           "your servers and computers."],
    "A2": ["InFactor employees will use this access only for the relevant action, described in "
           "the agreement, or for the repair work you indicated."],
    "Id1": ["InFactor", "Postal / business address: Eeldersingel 40, 9726 AS Groningen",
            "Telephone: 050 - 525 90 60", "E-mail: info@infactor.nl", "Website: www.infactor.nl"],
}
EN["Rt2"] = EN["Rt3"] = EN["Rt1"]

PROMISES = ["S1", "C1", "C2", "C3", "C4", "C5", "P1", "P2", "P3", "R1", "R2", "R3", "D1", "D2",
            "D3", "W1", "W2", "W3", "Rt1", "Rt2", "Rt3", "Rt4", "Rt5", "Rt6", "Sec1", "Sec2",
            "Sec3", "Sec4", "Sec5", "A1", "A2", "Id1"]
EXPECTED = {"nl": NL, "en": EN}


def norm(text: str) -> str:
    return " ".join(text.split())


class _Tagged(HTMLParser):
    """Collects (promise ids, text) for every element carrying data-promise."""

    def __init__(self) -> None:
        super().__init__()
        self.open: list[tuple[str, list[str], list[str]]] = []   # tag, ids, text parts
        self.found: list[tuple[set[str], str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("br", "sup"):
            return
        ids = (dict(attrs).get("data-promise") or "").split()
        self.open.append((tag, ids, []))

    def handle_endtag(self, tag: str) -> None:
        if tag in ("br", "sup"):
            return
        _, ids, parts = self.open.pop()
        text = "".join(parts)
        if ids:
            self.found.append((set(ids), norm(text)))
        if self.open:
            self.open[-1][2].append(text)

    def handle_data(self, data: str) -> None:
        if self.open:
            self.open[-1][2].append(data)


def tagged_units(text: str, fmt: str) -> list[tuple[set[str], str]]:
    """Every tagged paragraph / item / footnote as (ids, normalised text)."""
    if fmt == "html":
        parser = _Tagged()
        parser.feed(text)
        return parser.found
    units = []
    for line in text.replace("\\\n", "\n ").split("\n\n"):
        for unit in ([line] if "\n " in line else line.split("\n")):
            ids = set(" ".join(re.findall(r"<!-- (.*?) -->", unit)).split())
            plain = re.sub(r"<!-- .*? -->", "", unit).replace("**", "")
            if ids:
                units.append((ids, norm(re.sub(r"\\(.)", r"\1", plain))))
    return units


@pytest.mark.parametrize("fmt", ["md", "html"])
@pytest.mark.parametrize("lang", ["nl", "en"])
@pytest.mark.parametrize("promise", PROMISES)
def test_every_promise_is_stated_in_a_paragraph_tagged_with_its_id(
        policy: Policy, promise: str, lang: str, fmt: str) -> None:
    units = tagged_units(render_statement(policy, lang, fmt), fmt)
    texts = [text for ids, text in units if promise in ids]
    assert texts, f"no paragraph tagged {promise}"
    for sentence in EXPECTED[lang][promise]:
        assert any(norm(sentence) in text for text in texts), (promise, sentence, texts)


def test_every_sentence_of_the_original_dutch_statement_is_kept(
        policy: Policy, fixtures_dir: Path) -> None:
    original = (fixtures_dir / "privacyverklaring-2018.nl.txt").read_text("utf-8")
    original = original.replace("voorschijft", "voorschrijft").replace("verhoogd", "verhoogt")
    rendered = norm(re.sub(r"<!-- .*? -->", "", render_statement(policy, "nl", "md")))
    for line in original.splitlines():
        line = re.sub(r"^[-¹²³] *", "", line.strip())
        if not line or "\t" in line:          # the contact block is checked per promise (Id1)
            continue
        for sentence in re.split(r"(?<=[.:])\s+", line):
            assert norm(sentence) in rendered, sentence


def test_the_category_list_carries_the_footnote_markers_C3_C4_C5(policy: Policy) -> None:
    md = render_statement(policy, "nl", "md")
    for marked in ("Financiële gegevens¹", "Accountgegevens²", "Identiteitsgegevens³",
                   "¹ Alleen van toepassing voor klanten", "³ Alleen van toepassing voor "
                   "medewerkers"):
        assert marked in md
    page = render_statement(policy, "en", "html")
    assert '<sup><a href="#pd-fn-1" id="pd-fnref-1">1</a></sup>' in page
    assert '<ol class="footnotes">' in page and '<li id="pd-fn-3" data-promise="C5">' in page


def test_html_is_a_semantic_fragment(policy: Policy) -> None:
    page = render_statement(policy, "nl", "html")
    assert "<html" not in page and "<body" not in page
    assert page.startswith('<article class="privacy-statement" lang="nl">')
    assert page.count("<h1") == 1 and page.count("<h2") >= 8
    assert "<address" in page and "<ul" in page


def test_policy_strings_are_escaped_in_html(default_data: dict[str, Any],
                                            dump_toml: Any) -> None:
    evil = '<script>alert("x")</script> & Co'
    default_data["controller"]["name"] = evil
    default_data["categories"]["names"]["label"]["nl"] = "<b>Namen</b>"
    page = render_statement(load_policy_text(dump_toml(default_data)), "nl", "html")
    assert "<script>" not in page and "<b>" not in page
    assert html.escape(evil) in page
    md = render_statement(load_policy_text(dump_toml(default_data)), "nl", "md")
    assert "<script>" not in md


def test_another_company_gets_its_own_statement(voorbeeld: Policy) -> None:
    for lang, deadline in (("nl", "uiterlijk binnen twee weken"), ("en", "within two weeks")):
        for fmt in ("md", "html"):
            text = render_statement(voorbeeld, lang, fmt)
            for own in ("Voorbeeld BV", "Stationsplein 12", "3511 ED Utrecht", "030 - 123 45 67",
                        "privacy@voorbeeld.example", "www.voorbeeld.example", deadline):
                assert own in text, own
            for foreign in ("InFactor", "infactor", "Eeldersingel", "9726", "Groningen",
                            "525 90 60", "een week", "one week", "Identiteitsgegevens",
                            "Identity data"):
                assert foreign not in text, foreign
    nl = render_statement(voorbeeld, "nl", "md")
    assert "¹ Alleen voor cliënten van Voorbeeld BV." in nl


@pytest.mark.parametrize(("days", "nl", "en"), [(7, "een week", "one week"),
                                                 (14, "twee weken", "two weeks"),
                                                 (3, "drie dagen", "three days"),
                                                 (1, "een dag", "one day"),
                                                 (12, "12 dagen", "12 days")])
def test_the_deadline_is_written_out_from_deadline_days_Rt6(
        default_data: dict[str, Any], dump_toml: Any, days: int, nl: str, en: str) -> None:
    default_data["requests"]["deadline_days"] = days
    default_data["requests"]["reminder_day"] = 1
    policy = load_policy_text(dump_toml(default_data))
    assert f"uiterlijk binnen {nl}," in render_statement(policy, "nl", "md")
    assert f"at the latest within {en}." in render_statement(policy, "en", "md")


def test_unknown_language_or_format_is_refused(policy: Policy) -> None:
    with pytest.raises(ValueError):
        render_statement(policy, "de")
    with pytest.raises(ValueError):
        render_statement(policy, "nl", "pdf")
