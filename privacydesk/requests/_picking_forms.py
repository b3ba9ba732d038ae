"""The correction form of one picked datum (#15): the category's fields with their labels
from the register (never field keys), prefilled with the current values."""

from __future__ import annotations

from typing import Any

from django import forms

from privacydesk.register.fields import FIELDS, FieldSpec

#: What staff read for a choice field's stored code (#15: never `iban`, `bsn`), (en, nl).
CHOICE_LABELS: dict[str, tuple[str, str]] = {
    "iban": ("Bank account (IBAN)", "Bankrekening (IBAN)"),
    "vat_number": ("VAT number", "Btw-nummer"),
    "payment_terms": ("Payment terms", "Betalingsvoorwaarden"),
    "invoice_reference": ("Invoice reference", "Factuurkenmerk"),
    "other": ("Other", "Overig"),
    "bsn": ("Citizen service number (BSN)", "Burgerservicenummer (BSN)"),
    "passport": ("Passport", "Paspoort"),
    "id_card": ("Identity card", "Identiteitskaart"),
    "drivers_licence": ("Driving licence", "Rijbewijs"),
}


def choice_label(code: str, lang: str) -> str:
    """The label of a choice field's code in `lang` ("en", else Dutch); the code itself for
    one not listed (a newer register field is shown, never dropped)."""
    pair = CHOICE_LABELS.get(code)
    return code if pair is None else pair[0 if lang == "en" else 1]


def _field(spec: FieldSpec, lang: str) -> forms.Field:
    label = spec.label_en if lang == "en" else spec.label_nl
    if spec.kind == "bool":
        return forms.BooleanField(label=label, required=False)
    if spec.kind == "choice":
        return forms.ChoiceField(label=label, required=False,
                                 choices=[("", "—"),
                                          *((c, choice_label(c, lang)) for c in spec.choices)])
    # No max_length here: the register's rule says it, in a message naming the field, and
    # the browser must not silently cut what staff typed.
    return forms.CharField(label=label, required=False)


class CorrectionForm(forms.Form):
    """The fields of `category`; `values()` gives them to the register's rules, which have
    the last word (formats, roles). Required fields are checked by the register too, so a
    form error and a rule error read the same."""

    def __init__(self, *args: Any, category: str, lang: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.category = category
        for spec in FIELDS[category]:
            self.fields[spec.name] = _field(spec, lang)

    def values(self) -> dict[str, Any]:
        return {spec.name: self.cleaned_data.get(spec.name) for spec in FIELDS[self.category]}
