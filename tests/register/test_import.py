"""`privacydesk import persons`: another system's customers come in through every rule (#16.4).

The accounting package's export (docs/examples/import-persons.csv) brings Anna (customer),
Bram (prospect) and Eva (contact at Acme BV). Every row passes the register's services: C1
source "import", C2 categories, C3 financial data only for customers/prospects/employees,
P3 agreements, formats. A refused row is reported by row, column and rule and leaves
nothing; the same file twice changes nothing; a dry run writes nothing.
"""

from __future__ import annotations

import shutil
from datetime import date, timedelta
from pathlib import Path

import openpyxl
import pytest

from privacydesk.policy import clock
from privacydesk.register import importing, services
from privacydesk.register.models import (
    DATUM_MODELS,
    Email,
    ExternalId,
    Financial,
    Organisation,
    Person,
    Phone,
    Role,
)
from privacydesk.vault.blind import blind_index
from privacydesk.vault.models import AuditEntry
from tests.console import run_privacydesk

from .conftest import register_counts

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples"
MAP = EXAMPLES / "import-map.toml"
PERSONS = EXAMPLES / "import-persons.csv"
HEADER = ("Relatienummer;Soort;Bedrijf;Klant sinds;Contract;Voornaam;Tussenvoegsel;"
          "Achternaam;E-mail;Telefoon;Straat;Huisnummer;Postcode;Plaats;IBAN")


@pytest.fixture
def anna_sla(db):
    """The SLA the example's Anna row names (P3: her financial data serve it)."""
    return services.create_agreement("sla", "SLA-2024-001", "Beheer kantoornetwerk",
                                     clock.today() - timedelta(days=100), actor="tester")


def _person_by_email(address: str) -> Person:
    return Email.objects.get(address_index=blind_index(address, kind="email")).person


def _csv(tmp_path: Path, *rows: str, header: str = HEADER, name: str = "export.csv") -> Path:
    path = tmp_path / name
    path.write_text("\n".join((header, *rows)) + "\n", encoding="utf-8")
    return path


def _import(*args: str):
    return run_privacydesk("import", "persons", *args, "--no-progress")


# -- the example file ------------------------------------------------------------------------


def test_the_example_brings_anna_bram_and_eva_in_with_their_roles_and_data(anna_sla):
    outcome = _import(str(PERSONS), "--map", str(MAP))

    assert outcome.exit_code == 0, outcome.output
    assert "3 rows; created 3, updated 0, unchanged 0, refused 0" in outcome.stdout
    anna = _person_by_email("anna@example.nl")
    assert anna.display_name() == "Anna de Vries"
    assert set(anna.active_role_kinds()) == {"customer"}
    assert anna.roles.get().started_on == date(2023, 5, 1)
    assert anna_sla.has_party(anna)
    assert Phone.objects.get(person=anna).number == "+31612345678"
    iban = Financial.objects.get(person=anna)
    assert iban.get_values() == {"kind": "iban", "value": "NL91ABNA0417164300"}
    assert (iban.purpose, iban.legal_basis, iban.agreement) == ("agreement", "contract",
                                                                 anna_sla)
    eva = _person_by_email("eva@acme.example")
    assert eva.roles.get().organisation == Organisation.objects.get(name="Acme BV")
    assert _person_by_email("bram@example.nl").active_role_kinds() == {"prospect"}


def test_every_imported_datum_records_the_import_as_its_source(anna_sla):
    _import(str(PERSONS), "--map", str(MAP))

    sources = {d.source for model in DATUM_MODELS.values() for d in model.objects.all()}
    assert sources == {"import"}   # C1


def test_the_origins_ids_are_not_kept_only_their_blind_index(anna_sla):
    _import(str(PERSONS), "--map", str(MAP))

    links = ExternalId.objects.all()
    assert {link.origin for link in links} == {"boekhouding"}
    stored = " ".join(f"{link.key_index} {link.row_digest} {link.data}" for link in links)
    assert "K-100" not in stored and "anna" not in stored.lower()


# -- idempotent ------------------------------------------------------------------------------


def test_importing_the_same_file_twice_changes_nothing_the_second_time(anna_sla):
    _import(str(PERSONS), "--map", str(MAP))
    before = (register_counts(), Person.objects.count(), Role.objects.count())

    outcome = _import(str(PERSONS), "--map", str(MAP))

    assert outcome.exit_code == 0, outcome.output
    assert "created 0, updated 0, unchanged 3, refused 0" in outcome.stdout
    assert (register_counts(), Person.objects.count(), Role.objects.count()) == before


def test_a_changed_row_updates_bram_instead_of_making_a_second_bram(db, tmp_path):
    first = _csv(tmp_path, "K-1002;Prospect;;;;Bram;;Bakker;bram@example.nl;050 123 4567;;;;;")
    _import(str(first), "--map", str(MAP))
    bram = _person_by_email("bram@example.nl")
    changed = _csv(tmp_path, "K-1002;Klant;;;;Bram;;Bakker;bram@example.nl;06 87654321;;;;;",
                   name="later.csv")

    outcome = _import(str(changed), "--map", str(MAP))

    assert "created 0, updated 1, unchanged 0" in outcome.stdout, outcome.output
    assert Person.objects.count() == 1
    assert Phone.objects.get(person=bram).number == "+31687654321"
    assert bram.active_role_kinds() == {"prospect", "customer"}
    assert AuditEntry.objects.filter(object_type="register.phone", action="update").count() == 1


# -- refused rows ----------------------------------------------------------------------------


def test_refused_rows_name_row_column_and_rule_and_leave_nothing(anna_sla, tmp_path):
    path = _csv(
        tmp_path,
        "K-1;Klant;;;;Anna;de;Vries;anna@example.nl;06-12345678;;;;;",
        "K-2;Prospect;;;;Bram;;Bakker;bram(at)example.nl;;;;;;",        # row 3: e-mail
        "K-3;Contactpersoon;Acme BV;;SLA-2024-001;Eva;;Visser;eva@acme.example;;;;;;"
        "NL91ABNA0417164300",                                             # row 4: C3
        "K-4;Buitenstaander;;;;Olaf;;Mulder;;;;;;;",                      # row 5: role
        ";Klant;;;;Carla;;Jansen;;;;;;;",                                 # row 6: no id
        "K-6;Klant;;31-02-2024;;Daan;;Smit;;;;;;;",                       # row 7: date
        "K-7;Klant;;;;Daan;;Smit;;;;;9712 AB;;",                          # row 8: street
    )
    before = Person.objects.count()

    outcome = _import(str(path), "--map", str(MAP))

    assert outcome.exit_code == 1
    assert "Error: 6 of 7 rows were refused" in outcome.stderr
    lines = [line for line in outcome.stdout.splitlines() if line.startswith("refused:")]
    assert [line.split(":")[1].strip() for line in lines] == [
        "row 3, column E-mail", "row 4, column IBAN", "row 5, column Soort",
        "row 6, column Relatienummer", "row 7, column Klant sinds",
        "row 8, column Straat"]
    assert lines[0].endswith("(format)")
    assert lines[1].endswith("(C3)") and "customers" in lines[1]
    assert lines[2].endswith("(S1)") and lines[3].endswith("(required)")
    assert lines[5].endswith("(required)")
    # Only Anna came in; no refused row left a person, a role, an organisation or a datum.
    assert Person.objects.count() == before + 1
    assert not Organisation.objects.filter(name="Acme BV").exists()
    assert Email.objects.count() == 1 and ExternalId.objects.count() == 1


def test_a_row_wider_than_the_header_is_refused(db, tmp_path):
    path = _csv(tmp_path, "K-1;Klant;;;;Anna;de;Vries;;;;;;;;surplus")

    outcome = _import(str(path), "--map", str(MAP))

    assert "row 2, column (beyond the header)" in outcome.stdout
    assert Person.objects.count() == 0


# -- dry run, transactions -------------------------------------------------------------------


def test_a_dry_run_checks_every_row_and_writes_nothing(anna_sla, tmp_path):
    path = _csv(tmp_path, "K-1;Klant;;;;Anna;de;Vries;anna@example.nl;;;;;;",
                "K-2;Prospect;;;;Bram;;Bakker;bram(at)example.nl;;;;;;")
    before = (register_counts(), Person.objects.count(), ExternalId.objects.count())

    outcome = _import(str(path), "--map", str(MAP), "--dry-run")

    assert "dry run, nothing written: would have created 1" in outcome.stdout
    assert "row 3, column E-mail" in outcome.stdout
    assert (register_counts(), Person.objects.count(), ExternalId.objects.count()) == before


def test_an_interrupted_import_leaves_nothing_of_the_rows_before(db, tmp_path, monkeypatch):
    path = _csv(tmp_path, *(f"K-{n};Klant;;;;Anna{n};;Vries;;;;;;;" for n in range(5)))
    apply = importing._Run.apply
    seen = []

    def interrupted_on_the_fourth_row(run, row):
        seen.append(row)
        if len(seen) == 4:
            raise KeyboardInterrupt  # what Ctrl-C raises in the middle of a row
        return apply(run, row)

    monkeypatch.setattr(importing._Run, "apply", interrupted_on_the_fourth_row)

    outcome = _import(str(path), "--map", str(MAP))

    assert outcome.exit_code == 1
    assert "interrupted: nothing of this import was stored" in outcome.stderr
    assert Person.objects.count() == 0 and register_counts()[0] == 0


# -- files: CSV with commas, XLSX ------------------------------------------------------------


def test_a_comma_separated_file_without_bom_is_read_as_well(db, tmp_path):
    path = _csv(tmp_path, "K-2,Prospect,,,,Bram,,Bakker,bram@example.nl,,,,,,",
                header=HEADER.replace(";", ","))

    outcome = _import(str(path), "--map", str(MAP))

    assert "created 1" in outcome.stdout, outcome.output
    assert _person_by_email("bram@example.nl").display_name() == "Bram Bakker"


def test_an_xlsx_sheet_with_a_date_cell_is_imported(db, tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEADER.split(";"))
    sheet.append(["K-1002", "Prospect", None, date(2024, 3, 31), None, "Bram", None, "Bakker",
                  "bram@example.nl", "050 123 4567", None, None, None, None, None])
    path = tmp_path / "export.xlsx"
    book.save(path)

    outcome = _import(str(path), "--map", str(MAP))

    assert outcome.exit_code == 0, outcome.output
    bram = _person_by_email("bram@example.nl")
    assert bram.roles.get().started_on == date(2024, 3, 31)


# -- the map file ----------------------------------------------------------------------------


@pytest.mark.parametrize(("change", "expected"), [
    (('"E-mail" = "email.address"', '"E-mail" = "birth.date"'),
     'columns.E-mail: \'birth\' is not a category of personal data this policy allows'),
    (('source = "import"', 'source = "rumour"'), "import.source: 'rumour' is not a declared "
     "source of data"),
    (("Contactpersoon = \"contact\"", "Contactpersoon = \"friend\""),
     "role.values.Contactpersoon: 'friend' is not a role this policy knows"),
    (('agreement = "Contract"', 'agreement = ""'),
     "categories.financial.purpose: purpose 'agreement' needs a linked agreement"),
    (('Plaats = "address.city"', 'Plaats = "address.town"'),
     "columns.Plaats: 'town' is not a field of address"),
    (('[fixed]', '[fixd]'), "fixd: is not a key of an import map"),
])
def test_a_bad_map_names_the_key_and_the_rule(db, tmp_path, change, expected):
    bad = tmp_path / "map.toml"
    bad.write_text(MAP.read_text(encoding="utf-8").replace(*change), encoding="utf-8")

    outcome = _import(str(PERSONS), "--map", str(bad))

    assert outcome.exit_code == 2
    assert outcome.stderr.startswith(f"Error: {bad}: {expected}"), outcome.stderr
    assert Person.objects.count() == 0


def test_a_map_reading_a_column_the_file_lacks_is_refused_before_any_row(db, tmp_path):
    path = tmp_path / "export.csv"
    shutil.copy(PERSONS, path)
    path.write_text(path.read_text(encoding="utf-8-sig").replace("Telefoon", "Tel"),
                    encoding="utf-8")

    outcome = _import(str(path), "--map", str(MAP))

    assert outcome.exit_code == 2
    assert "columns.Telefoon: column 'Telefoon' is not in the header of" in outcome.stderr
    assert Person.objects.count() == 0


def test_bram_twice_in_one_file_is_one_person_updated_by_his_later_row(db, tmp_path):
    path = _csv(tmp_path, "K-1002;Prospect;;;;Bram;;Bakker;bram@example.nl;050 123 4567;;;;;",
                "K-1002;Prospect;;;;Bram;;Bakker;bram@example.nl;06 87654321;;;;;")

    outcome = _import(str(path), "--map", str(MAP))

    assert "created 1, updated 1, unchanged 0" in outcome.stdout, outcome.output
    bram = _person_by_email("bram@example.nl")
    assert Person.objects.count() == 1
    assert Phone.objects.get(person=bram).number == "+31687654321"


def test_a_restricted_person_is_not_changed_by_an_import(db, tmp_path):
    first = _csv(tmp_path, "K-1002;Prospect;;;;Bram;;Bakker;bram@example.nl;050 123 4567;;;;;")
    _import(str(first), "--map", str(MAP))
    bram = _person_by_email("bram@example.nl")
    services.set_restricted(bram, True, actor="tester", reason="disputes his phone number")
    later = _csv(tmp_path, "K-1002;Prospect;;;;Bram;;Bakker;bram@example.nl;06 87654321;;;;;",
                 name="later.csv")

    outcome = _import(str(later), "--map", str(MAP))

    # Art. 18: stored, not used; the import may not change him either (a correction may).
    assert "row 2, column Relatienummer: this datum is restricted" in outcome.stdout
    assert "(Art18)" in outcome.stdout
    assert Phone.objects.get(person=bram).number == "+31501234567"
