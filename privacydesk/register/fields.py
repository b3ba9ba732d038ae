"""The fields of every category of personal data, and how a plain dict of them is checked.

`FIELDS[category]` describes the inputs (for back-office forms and the API);
`clean_values(category, values, current)` returns the normalised values or raises
RuleViolation naming the first bad field. Which fields are encrypted is stated here
(`sealed=True`) and nowhere else: the models read it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from privacydesk.register import formats

FINANCIAL_KINDS = ("iban", "vat_number", "payment_terms", "invoice_reference", "other")
IDENTITY_KINDS = ("bsn", "passport", "id_card", "drivers_licence")


@dataclass(frozen=True)
class FieldSpec:
    """One input of a category: `kind` is text | choice | bool; `sealed` fields are encrypted."""

    name: str
    label_en: str
    label_nl: str
    kind: str = "text"
    required: bool = True
    sealed: bool = False
    max_length: int = 200
    choices: tuple[str, ...] = ()


FIELDS: dict[str, tuple[FieldSpec, ...]] = {
    "names": (
        FieldSpec("given_names", "Given names", "Voornamen"),
        FieldSpec("infix", "Name prefix", "Tussenvoegsel", required=False, max_length=32),
        FieldSpec("family_name", "Family name", "Achternaam"),
    ),
    "address": (
        FieldSpec("street", "Street", "Straat"),
        FieldSpec("house_number", "House number", "Huisnummer", max_length=16),
        FieldSpec("postcode", "Postcode", "Postcode", max_length=16),
        FieldSpec("city", "City", "Plaats", max_length=100),
        FieldSpec("country", "Country", "Land", required=False, max_length=2),
    ),
    "phone": (FieldSpec("number", "Telephone number", "Telefoonnummer", max_length=32),),
    "email": (FieldSpec("address", "E-mail address", "E-mailadres", sealed=True,
                        max_length=254),),
    "financial": (
        FieldSpec("kind", "Kind", "Soort", kind="choice", choices=FINANCIAL_KINDS),
        FieldSpec("value", "Value", "Waarde", sealed=True),
    ),
    "account": (
        FieldSpec("system", "System", "Systeem", max_length=100),
        FieldSpec("is_admin_account", "Administrator account", "Beheerdersaccount",
                  kind="bool", required=False),
        FieldSpec("username", "User name", "Gebruikersnaam", sealed=True),
        FieldSpec("credential_ref", "Credential reference", "Verwijzing naar inloggegevens",
                  required=False, sealed=True),
    ),
    "identity": (
        FieldSpec("kind", "Document", "Document", kind="choice", choices=IDENTITY_KINDS),
        FieldSpec("number", "Number", "Nummer", sealed=True, max_length=24),
    ),
}


def _clean_field(spec: FieldSpec, value: Any) -> Any:
    if spec.kind == "bool":
        return formats.boolean(value, spec.name)
    if spec.kind == "choice":
        return formats.choice(value, spec.name, spec.choices)
    return formats.text(value, spec.name, max_length=spec.max_length, required=spec.required)


def _address(v: dict[str, Any]) -> None:
    v["country"] = formats.country(v["country"], "country")
    v["postcode"] = formats.postcode(v["postcode"], "postcode", country_code=v["country"])


def _phone(v: dict[str, Any]) -> None:
    v["number"] = formats.phone(v["number"], "number")


def _email(v: dict[str, Any]) -> None:
    v["address"] = formats.email(v["address"], "address")


_FINANCIAL_VALUE: dict[str, Callable[[Any, str], str]] = {
    "iban": formats.iban,
    "vat_number": formats.vat_number,
}


def _financial(v: dict[str, Any]) -> None:
    checker = _FINANCIAL_VALUE.get(v["kind"])
    if checker is not None:
        v["value"] = checker(v["value"], "value")


def _identity(v: dict[str, Any]) -> None:
    # C5 data must at least be real document numbers: a BSN passes the 11-test.
    checker = formats.bsn if v["kind"] == "bsn" else formats.document_number
    v["number"] = checker(v["number"], "number")


_CROSS_CHECKS: dict[str, Callable[[dict[str, Any]], None]] = {
    "address": _address,
    "phone": _phone,
    "email": _email,
    "financial": _financial,
    "identity": _identity,
}


def clean_values(category: str, values: Any,
                 current: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Return every field of `category` normalised, `values` laid over `current`.

    Raises RuleViolation(field, "format" | "required", message) for the first bad field,
    including a key that is not a field of the category.
    """
    if not isinstance(values, Mapping):
        raise formats.fail("values", "must be a mapping of field names to values")
    specs = FIELDS[category]
    known = {s.name for s in specs}
    for key in values:
        if key not in known:
            raise formats.fail(str(key), f"is not a field of {category}")
    merged = {**(current or {}), **values}
    cleaned = {s.name: _clean_field(s, merged.get(s.name)) for s in specs}
    check = _CROSS_CHECKS.get(category)
    if check is not None:
        check(cleaned)
    return cleaned


def sealed_fields(category: str) -> tuple[str, ...]:
    """Return the names of the encrypted fields of `category`."""
    return tuple(s.name for s in FIELDS[category] if s.sealed)


def plain_fields(category: str) -> tuple[str, ...]:
    """Return the names of the fields of `category` stored as ordinary columns."""
    return tuple(s.name for s in FIELDS[category] if not s.sealed)
