"""Generated identifiers pass the register's own checks (IBAN, BSN, phone, postcode)."""

from __future__ import annotations

import random

import phonenumbers
from hypothesis import given
from hypothesis import strategies as st

from privacydesk.demo import numbers
from privacydesk.demo.names import FAMILY_NAMES
from privacydesk.demo.people import slug
from privacydesk.demo.places import CITIES
from privacydesk.register import formats

seeds = st.integers(min_value=0, max_value=2**32)


@given(seeds)
def test_an_iban_passes_the_mod_97_check(seed):
    iban = numbers.dutch_iban(random.Random(seed))
    assert formats.iban(iban, "value") == iban and len(iban) == 18


@given(seeds)
def test_a_bsn_passes_the_eleven_test(seed):
    bsn = numbers.bsn(random.Random(seed))
    assert formats.bsn(bsn, "number") == bsn


@given(seeds)
def test_mobile_and_landline_numbers_are_valid_dutch_numbers_in_e164(seed):
    rng = random.Random(seed)
    for number in (numbers.mobile(rng), numbers.landline(rng, rng.choice(CITIES)[3])):
        assert formats.phone(number, "number") == number
        assert phonenumbers.region_code_for_number(phonenumbers.parse(number)) == "NL"


@given(seeds)
def test_postcodes_are_dutch_and_in_the_city_range(seed):
    rng = random.Random(seed)
    city, low, high, _ = rng.choice(CITIES)
    code = numbers.postcode(rng, low, high)
    assert formats.postcode(code, "postcode", country_code="NL") == code
    assert low <= int(code[:4]) <= high


@given(seeds)
def test_vat_and_passport_numbers_have_their_shape(seed):
    rng = random.Random(seed)
    assert formats.vat_number(numbers.vat_number(rng), "value")
    assert formats.document_number(numbers.passport_number(rng), "number")


def test_tussenvoegsels_are_kept_apart_from_the_family_name():
    infixes = {infix for infix, _ in FAMILY_NAMES if infix}
    assert {"van der", "de", "van den"} <= infixes
    assert all(not family.startswith(("van ", "de ")) for _, family in FAMILY_NAMES)


def test_slug_makes_names_usable_in_email_addresses():
    assert slug("Öztürk") == "ozturk"
    assert slug("van 't") == "vant"
    assert slug("El Amrani") == "elamrani"
