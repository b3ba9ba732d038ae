"""Bad input is refused with an error naming the field and the rule "format"."""

from __future__ import annotations

import pytest

from privacydesk.policy.errors import RuleViolation
from privacydesk.register import formats
from privacydesk.register.fields import clean_values


def refused(fn, *args, **kwargs) -> RuleViolation:
    with pytest.raises(RuleViolation) as caught:
        fn(*args, **kwargs)
    return caught.value


def test_dutch_phone_numbers_are_stored_in_e164():
    assert formats.phone("050 - 525 90 60", "number") == "+31505259060"
    assert formats.phone("+32 2 555 12 12", "number") == "+3225551212"


@pytest.mark.parametrize("bad", ["12", "not a number", "+31 6 123", "0000000000"])
def test_bad_phone_number_names_the_field(bad):
    err = refused(clean_values, "phone", {"number": bad})
    assert (err.field, err.rule) == ("number", "format")


@pytest.mark.parametrize("bad", ["anna", "anna@", "@example.nl", "anna@@example.nl",
                                 "anna@example", "an na@example.nl"])
def test_bad_email_address_names_the_field(bad):
    err = refused(clean_values, "email", {"address": bad})
    assert (err.field, err.rule) == ("address", "format")


def test_email_domain_is_lower_cased_but_local_part_kept():
    assert clean_values("email", {"address": "Anna@Example.NL"}) == {"address": "Anna@example.nl"}


def test_valid_iban_is_normalised():
    assert formats.iban("nl91 abna 0417 1643 00", "value") == "NL91ABNA0417164300"


@pytest.mark.parametrize("bad", ["NL91ABNA0417164301", "NL91ABNA041716430", "1234", "XX00"])
def test_iban_with_bad_checksum_or_length_names_the_field(bad):
    err = refused(clean_values, "financial", {"kind": "iban", "value": bad})
    assert (err.field, err.rule) == ("value", "format")


def test_bsn_passing_the_eleven_test_is_accepted():
    assert formats.bsn("111222333", "number") == "111222333"
    assert formats.bsn("12345672", "number") == "012345672"


@pytest.mark.parametrize("bad", ["111222334", "000000000", "12345", "abcdefghi",
                                 "１１１２２２３３３"])
def test_bsn_failing_the_eleven_test_names_the_field(bad):
    err = refused(clean_values, "identity", {"kind": "bsn", "number": bad})
    assert (err.field, err.rule) == ("number", "format")


def test_dutch_postcode_is_normalised_and_checked_only_for_nl():
    nl = {"street": "Eeldersingel", "house_number": "40", "postcode": "9726as",
          "city": "Groningen"}
    assert clean_values("address", nl)["postcode"] == "9726 AS"
    assert clean_values("address", nl)["country"] == "NL"
    err = refused(clean_values, "address", {**nl, "postcode": "97261"})
    assert (err.field, err.rule) == ("postcode", "format")
    err = refused(clean_values, "address", {**nl, "postcode": "9726 SS"})
    assert err.field == "postcode"
    abroad = clean_values("address", {**nl, "postcode": "SW1A 1AA", "country": "gb"})
    assert (abroad["postcode"], abroad["country"]) == ("SW1A 1AA", "GB")


@pytest.mark.parametrize("bad", ["Anna\x00", "An\nna", "Anna\x1b[31m", "\u202eannA",
                                 "An\u2028na", "\ud800"])
def test_control_characters_are_refused_naming_the_field(bad):
    err = refused(clean_values, "names", {"given_names": bad, "family_name": "de Vries"})
    assert (err.field, err.rule) == ("given_names", "format")


def test_missing_and_overlong_fields_name_the_field():
    err = refused(clean_values, "names", {"given_names": "Anna"})
    assert (err.field, err.rule) == ("family_name", "required")
    err = refused(clean_values, "names", {"given_names": "A" * 201, "family_name": "V"})
    assert (err.field, err.rule) == ("given_names", "format")


def test_unknown_field_and_non_text_are_refused():
    err = refused(clean_values, "names", {"given_names": "Anna", "family_name": "V", "bsn": "1"})
    assert err.field == "bsn"
    err = refused(clean_values, "names", {"given_names": 42, "family_name": "V"})
    assert err.field == "given_names"
    err = refused(clean_values, "names", ["Anna"])
    assert err.field == "values"


def test_update_lays_new_values_over_the_current_ones():
    current = {"given_names": "Anna", "infix": "de", "family_name": "Vries"}
    assert clean_values("names", {"family_name": "Boer"}, current=current) == {
        "given_names": "Anna", "infix": "de", "family_name": "Boer"}


def test_account_admin_flag_accepts_form_values():
    base = {"system": "Exchange", "username": "anna.admin"}
    assert clean_values("account", {**base, "is_admin_account": "on"})["is_admin_account"]
    assert not clean_values("account", base)["is_admin_account"]
    err = refused(clean_values, "account", {**base, "is_admin_account": "maybe"})
    assert err.field == "is_admin_account"
