"""The record of processing activities (Art. 30 GDPR, #16.5) is generated from the policy:
it names every purpose with its legal bases, every category of persons and of data, every
declared system, the processors with their agreements, the transfers (none) and the
retention periods — and it cannot disagree with the policy, because it is read from the
same object the rules are enforced from. No database: the record asks only the policy."""

from __future__ import annotations

import csv
import io

import pytest

from privacydesk.policy import Policy, get_default_policy_path, load_policy, load_policy_text
from privacydesk.ropa import render
from privacydesk.ropa.record import build, period_words

DEFAULT_TEXT = get_default_policy_path().read_text("utf-8")


@pytest.fixture(scope="module")
def policy() -> Policy:
    return load_policy(get_default_policy_path())


def _values(record_text: str) -> str:
    return " ".join(record_text.split())


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_the_record_names_every_purpose_with_its_legal_bases(policy: Policy,
                                                             lang: str) -> None:
    record = build(policy, lang)
    section, items = record.sections()[1]   # after the controller
    assert section == ("Verwerkingsdoeleinden" if lang == "nl" else "Purposes of processing")
    purposes = dict(items)
    assert list(purposes) == [p.label(lang) for p in policy.purposes.values()]
    for purpose in policy.purposes.values():
        bases = dict(purposes[purpose.label(lang)])[
            "Rechtsgronden" if lang == "nl" else "Legal bases"]
        for basis in purpose.bases:
            assert policy.legal_bases[basis].label(lang) in bases


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_the_record_names_every_role_category_and_system(policy: Policy, lang: str) -> None:
    text = render.text(build(policy, lang))
    for role in policy.roles.values():
        assert role.plural(lang) in text
    for category in policy.categories.values():
        assert category.label(lang) in text
    for system in policy.systems:
        assert system.label.get(lang) in text
    assert "Ticketsysteem (Redmine)" in render.text(build(policy, "nl"))


def test_infactor_has_no_processor_and_no_transfer_outside_the_eea_and_says_so(
        policy: Policy) -> None:
    text = _values(render.text(build(policy, "nl")))
    assert "Verwerkers: Geen: elk systeem is in eigen beheer." in text
    assert "Doorgifte buiten de EER: Geen" in text
    assert "Processors: None" in _values(render.text(build(policy, "en")))


def test_a_system_run_by_a_processor_is_shown_with_its_agreement() -> None:
    text = DEFAULT_TEXT.replace(
        'owner = "service_lead"\noperator = "own"',
        'owner = "service_lead"\noperator = "processor"\nprocessor = "Planio GmbH"\n'
        'agreement = "Verwerkersovereenkomst Planio 2024"', 1)
    record = build(load_policy_text(text, file="processor.toml"), "nl")
    processors = {e.item: e for e in record.entries if e.item == "Verwerker: Planio GmbH"}
    assert processors, "the processor is a recipient of its own"
    by_field = {e.field: e.value for e in record.entries if e.item == "Verwerker: Planio GmbH"}
    assert by_field["Verwerkersovereenkomst (art. 28 AVG)"] == \
        "Verwerkersovereenkomst Planio 2024"
    assert by_field["Systemen"] == "Ticketsysteem (Redmine)"
    beheer = next(e.value for e in record.entries
                  if e.item == "Ticketsysteem (Redmine)" and e.field == "Beheer")
    assert beheer == "Verwerker: Planio GmbH (Verwerkersovereenkomst Planio 2024)"


def test_the_record_follows_the_policy_it_is_built_from() -> None:
    """Change the policy, and the record changes with it: it holds no copy of its own."""
    text = (DEFAULT_TEXT.replace("contact_period = { months = 6 }",
                                 "contact_period = { months = 9 }", 1)
            .replace('label = { nl = "Boekhouding", en = "Accounting" }',
                     'label = { nl = "Exact-database", en = "Exact database" }', 1))
    changed = _values(render.text(build(load_policy_text(text, file="changed.toml"), "nl")))
    assert "9 maanden na verzameling of laatste contact" in changed
    assert "6 maanden na verzameling of laatste contact" not in changed
    assert "Exact-database" in changed and "Boekhouding" not in changed


def test_retention_periods_name_their_law(policy: Policy) -> None:
    record = build(policy, "nl")
    fiscal = {e.field: e.value for e in record.entries
              if e.item == "Fiscale administratie" and e.section == "Bewaartermijnen"}
    assert fiscal["Bewaartermijnen"] == ("7 jaar na einde overeenkomst, gerekend vanaf "
                                         "31 december van dat jaar")
    assert fiscal["Grondslag"] == "art. 52 Algemene wet inzake rijksbelastingen"


def test_security_measures_come_from_the_policys_sections(policy: Policy) -> None:
    text = _values(render.text(build(policy, "en")))
    encrypted = [c.label("en") for c in policy.categories.values() if c.encrypted]
    assert f"keys per model, wrapped by a key-encryption key): {', '.join(encrypted)}." in text
    assert f"after {policy.staff_accounts.failures_before_delay} failures in a row" in text
    assert f"at most {policy.api.requests_per_window} calls" in text
    assert "Encrypted, every day; kept: 35 days after collection." in text


def test_dutch_says_avg_where_the_policy_says_gdpr(policy: Policy) -> None:
    text = render.text(build(policy, "nl"))
    assert "Art. 6(1)(b) AVG" in text and "GDPR" not in text


def test_periods_in_words() -> None:
    from privacydesk.policy import Period

    assert period_words(Period(years=1, months=2), "en") == "1 year and 2 months"
    assert period_words(Period(days=30), "nl") == "30 dagen"
    assert period_words(Period(), "nl") == "direct"


def test_the_csv_has_one_row_per_entry_and_no_formulas(policy: Policy) -> None:
    text = DEFAULT_TEXT.replace('label = { nl = "Boekhouding", en = "Accounting" }',
                                'label = { nl = "=HYPERLINK(1)", en = "Accounting" }', 1)
    record = build(load_policy_text(text, file="formula.toml"), "nl")
    rows = list(csv.reader(io.StringIO(render.csv_text(record))))
    assert rows[0] == ["sectie", "onderwerp", "veld", "waarde"]
    assert len(rows) == len(record.entries) + 1
    cells = [cell for row in rows for cell in row]
    assert "'=HYPERLINK(1)" in cells and "=HYPERLINK(1)" not in cells


def test_the_pdf_is_a_pdf_with_the_records_title(policy: Policy) -> None:
    data = render.pdf(build(policy, "nl"))
    assert data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF")
    assert b"Register van verwerkingsactiviteiten" in data


def test_an_unknown_language_is_refused(policy: Policy) -> None:
    with pytest.raises(ValueError, match="unsupported language 'de'"):
        build(policy, "de")


def test_a_purpose_names_the_data_of_its_systems_not_every_category_of_the_register(
        policy: Policy) -> None:
    """The register records purpose and basis per datum: a callback does not make every
    category (identity data, C5) a callback's data in the record."""
    record = build(policy, "en")
    callback = {e.field: e.value for e in record.entries
                if e.item == policy.purposes["callback"].label("en")}
    assert "Identity data" not in callback["Data in the other systems for this purpose"]
    assert callback["Data in the other systems for this purpose"] == (
        "First and last names, Address data, Telephone numbers, E-mail addresses")
    assert callback["In the register"].startswith("recorded per datum with its purpose")
    assert callback["Systems"] == "Register (privacydesk), Shared mailbox info@ (IMAP)"
