"""Whatever another system's export holds, the import either takes a row whole or refuses it
with a row, a column and a rule — never a traceback, never half a person (#16.4)."""

from __future__ import annotations

import csv
from itertools import count
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from privacydesk.register import importing
from privacydesk.register.models import DATUM_MODELS, ExternalId, Person, Role

MAP = Path(__file__).resolve().parents[2] / "docs" / "examples" / "import-map.toml"
HEADER = ["Relatienummer", "Soort", "Bedrijf", "Klant sinds", "Contract", "Voornaam",
          "Tussenvoegsel", "Achternaam", "E-mail", "Telefoon", "Straat", "Huisnummer",
          "Postcode", "Plaats", "IBAN"]

# Any text a spreadsheet cell can hold (CSV cannot carry NUL; lone surrogates are not UTF-8).
_cell = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
                max_size=30)
_row = st.fixed_dictionaries({
    "Soort": st.sampled_from(["Klant", "Prospect", "Contactpersoon", "Leverancier", ""]),
    "Bedrijf": st.sampled_from(["", "Acme BV"]) | _cell,
    "Klant sinds": st.sampled_from(["", "2024-03-31", "31-03-2024", "gisteren"]),
    "Voornaam": st.sampled_from(["Anna", "Bram", ""]) | _cell,
    "Achternaam": st.sampled_from(["de Vries", "Bakker"]) | _cell,
    "E-mail": st.sampled_from(["anna@example.nl", "", "bram(at)example.nl"]) | _cell,
    "Telefoon": st.sampled_from(["06-12345678", "+31 50 123 4567", "", "12"]) | _cell,
    "Postcode": st.sampled_from(["9712 AB", "", "ABCD 12"]) | _cell,
    "IBAN": st.sampled_from(["", "NL91ABNA0417164300", "NL00BANK0123456789"]) | _cell,
})
_ids = count(1)


def _write(path: Path, rows: list[dict[str, str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, HEADER, delimiter=";", restval="")
        writer.writeheader()
        for row in rows:
            writer.writerow({"Relatienummer": f"R-{next(_ids)}", **row})


def _counts() -> tuple[int, ...]:
    return (Person.objects.count(), Role.objects.count(), ExternalId.objects.count(),
            *(model.objects.count() for model in DATUM_MODELS.values()))


@settings(max_examples=25)
@given(rows=st.lists(_row, min_size=1, max_size=3))
def test_each_row_is_imported_whole_or_refused_with_row_column_and_rule(db, tmp_path, rows):
    path = tmp_path / "export.csv"
    _write(path, rows)
    people_before = Person.objects.count()
    links_before = ExternalId.objects.count()

    report = importing.import_persons(path, importing.load_map(MAP))

    assert report.rows == len(rows)
    assert report.created + len(report.refused) == len(rows)
    for refusal in report.refused:
        assert 2 <= refusal.row <= len(rows) + 1 and refusal.column and refusal.rule
    # Every created row is one person with one link; a refused row left no person behind.
    assert Person.objects.count() - people_before == report.created
    assert ExternalId.objects.count() - links_before == report.created


@settings(max_examples=10)
@given(rows=st.lists(_row, min_size=1, max_size=3))
def test_a_dry_run_of_anything_writes_nothing(db, tmp_path, rows):
    path = tmp_path / "export.csv"
    _write(path, rows)
    before = _counts()

    importing.import_persons(path, importing.load_map(MAP), dry_run=True)

    assert _counts() == before
