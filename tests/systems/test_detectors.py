"""The scan's detectors find Dutch personal data and nothing that only looks like it (#16.4).

A valid BSN or IBAN is found wherever it stands; one wrong digit and it is not (the checksums
of `python-stdnum`), so a scan does not report order numbers as citizen service numbers.
"""

from __future__ import annotations

from datetime import date

from hypothesis import assume, given
from hypothesis import strategies as st
from stdnum import iban as stdnum_iban
from stdnum.nl import bsn as stdnum_bsn

from privacydesk.policy.active import get_policy
from privacydesk.systems.detectors import DETECTORS, category_of, detect

TODAY = date(2026, 12, 7)

# -- the personas' data, as they stand in other systems' free text ---------------------------


def test_anna_in_a_ticket_note_is_found_by_email_phone_and_address():
    note = ("Anna de Vries (anna@example.nl, 06-12345678) woont op Hoofdstraat 12, "
            "9712 AB Groningen")
    assert detect("issues.description", note, TODAY) == ["email", "phone", "postcode"]


def test_phone_numbers_in_dutch_and_international_notation_are_found():
    for number in ("06-12345678", "050 123 4567", "+31 6 12345678", "(050) 3112233",
                   "0031 6 12345678", "+44 20 7946 0958"):
        assert detect("contacts.phone", f"bel {number} terug", TODAY) == ["phone"], number


def test_a_short_number_or_an_invoice_number_is_not_a_phone_number():
    assert detect("invoices.note", "factuur 2026-0042, 12 uur", TODAY) == []
    assert detect("invoices.number", "0042", TODAY) == []


def test_carlas_bsn_in_the_payroll_column_is_identity_data():
    assert detect("payroll.bsn", "111222333", TODAY) == ["bsn"]
    assert detect("payroll.note", "BSN 1112.22.333 gecontroleerd", TODAY) == ["bsn"]


def test_an_iban_with_spaces_in_running_text_is_found():
    assert detect("customers.note", "IBAN NL91 ABNA 0417 1643 00 graag", TODAY) == ["iban"]


def test_postcode_with_house_number_is_found_but_a_version_string_is_not():
    assert detect("x", "9712AB 12", TODAY) == ["postcode"]
    assert detect("customers.postcode", "9712 AB", TODAY) == ["postcode"]
    assert detect("x", "firmware 1234 AB released", TODAY) == []
    # SA, SD and SS are never issued as postcode letters.
    assert detect("customers.postcode", "1234 SS", TODAY) == []


def test_a_date_is_a_date_of_birth_only_next_to_a_birth_word_or_in_a_birth_column():
    assert detect("notes", "Daan, geboren op 12 maart 1985", TODAY) == ["date_of_birth"]
    assert detect("notes", "Date of birth: 1985-03-12", TODAY) == ["date_of_birth"]
    assert detect("employees.geboortedatum", "12-03-1985", TODAY) == ["date_of_birth"]
    assert detect("employees.dob", "1985-03-12", TODAY) == ["date_of_birth"]
    assert detect("invoices.note", "factuur van 12-03-1985", TODAY) == []


def test_a_birth_date_in_the_future_or_before_1900_is_not_plausible():
    assert detect("employees.geboortedatum", "12-03-2031", TODAY) == []
    assert detect("employees.geboortedatum", "12-03-1850", TODAY) == []
    assert detect("employees.geboortedatum", "31-02-1985", TODAY) == []


def test_olafs_empty_or_harmless_values_give_nothing():
    for value in ("", "   ", "Olaf", "ticket gesloten", "prioriteit 3", "2026-12-07"):
        assert detect("issues.subject", value, TODAY) == []


# -- every detector stands for a category of the policy, or flags one it lacks (C2) ----------


def test_each_detector_maps_to_an_infactor_category_except_dates_of_birth():
    categories = get_policy().categories
    mapped = {name: category_of(name, categories) for name in DETECTORS}
    assert mapped == {"email": "email", "phone": "phone", "iban": "financial",
                      "bsn": "identity", "postcode": "address", "date_of_birth": None}


# -- checksums: generated valid numbers are found, a broken check digit is not ---------------

_digits = st.text(alphabet="0123456789", min_size=8, max_size=8)


def _bsn_from(first8: str) -> str | None:
    # The eleven-test: 9*d1 + 8*d2 + ... + 2*d8 - 1*d9 is a multiple of 11.
    total = sum((9 - i) * int(d) for i, d in enumerate(first8))
    last = total % 11
    return None if last > 9 else first8 + str(last)


@given(_digits)
def test_every_valid_bsn_is_found(first8):
    number = _bsn_from(first8)
    assume(number is not None and number != "000000000")
    assert stdnum_bsn.is_valid(number)
    assert "bsn" in detect("payroll.note", f"bsn: {number}.", TODAY)


@given(_digits, st.integers(min_value=0, max_value=8), st.integers(min_value=1, max_value=9))
def test_a_bsn_with_one_digit_changed_is_not_found(first8, position, shift):
    number = _bsn_from(first8)
    assume(number is not None)
    broken = number[:position] + str((int(number[position]) + shift) % 10) + number[position + 1:]
    assume(not stdnum_bsn.is_valid(broken))
    assert "bsn" not in detect("payroll.note", f"bsn: {broken}.", TODAY)


_account = st.text(alphabet="0123456789", min_size=10, max_size=10)
_bank = st.sampled_from(["ABNA", "INGB", "RABO", "TRIO", "SNSB", "ASNB", "KNAB", "BUNQ"])


def _iban(bank: str, account: str) -> str:
    check = stdnum_iban.calc_check_digits(f"NL00{bank}{account}")
    return f"NL{check}{bank}{account}"


@given(_bank, _account, st.booleans())
def test_every_valid_dutch_iban_is_found_with_or_without_spaces(bank, account, spaced):
    number = _iban(bank, account)
    assert stdnum_iban.is_valid(number)
    written = stdnum_iban.format(number) if spaced else number
    assert "iban" in detect("customers.note", f"rekening {written} t.n.v. Anna", TODAY)


@given(_bank, _account, st.integers(min_value=4, max_value=17),
       st.integers(min_value=1, max_value=9))
def test_an_iban_with_one_digit_changed_is_not_found(bank, account, position, shift):
    number = _iban(bank, account)
    assume(number[position].isdigit())
    broken = number[:position] + str((int(number[position]) + shift) % 10) + number[position + 1:]
    assume(not stdnum_iban.is_valid(broken))
    assert "iban" not in detect("customers.note", f"rekening {broken} t.n.v. Anna", TODAY)


def test_the_digits_inside_an_iban_are_not_a_bsn():
    # NL20 INGB 0001 2345 67: "000123456" passes the eleven-test, but belongs to the IBAN.
    assert detect("customers.iban", "NL20INGB0001234567", TODAY) == ["iban"]
    assert detect("orders.code", "A111222333", TODAY) == []
