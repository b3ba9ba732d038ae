"""Valid-looking Dutch identifiers for invented people: IBAN, BSN, phone numbers, postcodes.

Each function takes a `random.Random` so the population is reproducible from its seed. The
numbers pass the checks the register applies (IBAN mod-97, BSN 11-test, phone numbers valid
for the Netherlands) but belong to no one: BSNs and account numbers are drawn at random.
"""

from __future__ import annotations

import random

from privacydesk.demo.places import MOBILE_PREFIXES

#: Bank identifiers of Dutch IBANs.
BANKS: tuple[str, ...] = ("ABNA", "RABO", "INGB", "SNSB", "TRIO", "ASNB", "KNAB", "BUNQ")

_LETTERS = "ABCDEFGHJKLMNPRSTVWXZ"
_NOT_ISSUED = frozenset({"SA", "SD", "SS"})  # letter pairs PostNL does not use
_BSN_WEIGHTS = (9, 8, 7, 6, 5, 4, 3, 2)


def iban_check_digits(country: str, bban: str) -> str:
    """The two ISO 13616 check digits for `country` + `bban` (mod 97-10)."""
    rearranged = bban + country + "00"
    digits = "".join(str(int(c, 36)) for c in rearranged)
    return f"{98 - int(digits) % 97:02d}"


def dutch_iban(rng: random.Random) -> str:
    """An NL IBAN of 18 characters with correct check digits, e.g. NL91ABNA0417164300."""
    bban = rng.choice(BANKS) + f"{rng.randrange(10**10):010d}"
    return "NL" + iban_check_digits("NL", bban) + bban


def bsn(rng: random.Random) -> str:
    """A nine-digit number that passes the BSN 11-test (weights 9..2 and -1)."""
    while True:
        first = [rng.randrange(10) for _ in range(8)]
        first[0] = rng.randrange(1, 10)
        last = sum(d * w for d, w in zip(first, _BSN_WEIGHTS, strict=True)) % 11
        if last < 10:  # a remainder of 10 cannot be a digit: draw again
            return "".join(map(str, first)) + str(last)


def mobile(rng: random.Random) -> str:
    """A 06 number in E.164, e.g. +31612345678."""
    return "+31" + rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10**7):07d}"


def landline(rng: random.Random, area_code: str) -> str:
    """A landline number in E.164 for `area_code` ("50", "592"): nine national digits."""
    width = 9 - len(area_code)
    # Subscriber numbers do not start with 0 or 1.
    subscriber = str(rng.randrange(2, 10)) + f"{rng.randrange(10 ** (width - 1)):0{width - 1}d}"
    return "+31" + area_code + subscriber


def postcode(rng: random.Random, low: int, high: int) -> str:
    """A Dutch postcode "1234 AB" with its number between `low` and `high`."""
    letters = rng.choice(_LETTERS) + rng.choice(_LETTERS)
    while letters in _NOT_ISSUED:
        letters = rng.choice(_LETTERS) + rng.choice(_LETTERS)
    return f"{rng.randint(low, high)} {letters}"


def house_number(rng: random.Random) -> str:
    """A house number, sometimes with a letter or an addition ("12", "7a", "103-2")."""
    number = str(int(rng.paretovariate(1.2) * 4))
    roll = rng.random()
    if roll < 0.08:
        return number + rng.choice("abc")
    if roll < 0.12:
        return f"{number}-{rng.randrange(1, 4)}"
    return number


def coc_number(rng: random.Random) -> str:
    """An eight-digit chamber of commerce (KvK) number."""
    return f"{rng.randrange(10**7, 10**8)}"


def vat_number(rng: random.Random) -> str:
    """A Dutch VAT number shaped NL123456789B01."""
    return f"NL{rng.randrange(10**8, 10**9)}B{rng.randrange(1, 20):02d}"


def passport_number(rng: random.Random) -> str:
    """A nine-character Dutch passport number shape: two letters, six letters/digits, a digit."""
    letters = "ABCDEFGHIJKLMNPQRSTUVWXYZ"  # no O: it reads as zero
    middle = "".join(rng.choice(letters + "0123456789") for _ in range(6))
    return rng.choice(letters) + rng.choice(letters) + middle + str(rng.randrange(10))
