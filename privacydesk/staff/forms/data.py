"""The datum form of one category, built from `register.fields.FIELDS` (no field list here)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from privacydesk.policy.active import get_policy
from privacydesk.register.fields import FIELDS, FieldSpec
from privacydesk.register.models import Agreement, Person


def spec_label(spec: FieldSpec, lang: str) -> str:
    return spec.label_en if lang == "en" else spec.label_nl


def _field(spec: FieldSpec, lang: str) -> forms.Field:
    label = spec_label(spec, lang)
    if spec.kind == "bool":
        return forms.BooleanField(label=label, required=False)
    if spec.kind == "choice":
        return forms.ChoiceField(label=label, required=spec.required,
                                 choices=[("", "—"), *((c, c) for c in spec.choices)])
    return forms.CharField(label=label, required=spec.required, max_length=spec.max_length)


class DatumForm(forms.Form):
    """The inputs of `category`; a new datum also names source (C1), purpose, legal basis
    and, for purpose "agreement", one of the person's agreements (P3). A change names why."""

    def __init__(self, *args: Any, category: str, lang: str, person: Person, adding: bool,
                 purposes: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.category = category
        for spec in FIELDS[category]:
            self.fields[spec.name] = _field(spec, lang)
        policy = get_policy()
        self.fields["purpose"] = forms.ChoiceField(
            label=_("Purpose") if adding else _("Reason for this change"),
            choices=[("", "—"), *purposes])
        if adding:
            self.fields["source"] = forms.ChoiceField(
                label=_("Source"), choices=[(k, s.label(lang)) for k, s in policy.sources.items()])
            self.fields["basis"] = forms.ChoiceField(
                label=_("Legal basis"),
                choices=[(k, b.label(lang)) for k, b in policy.legal_bases.items()])
            self.fields["agreement"] = forms.ModelChoiceField(
                label=_("Agreement"), required=False,
                queryset=Agreement.objects.filter(parties__person=person),
                help_text=_("Needed when the purpose is executing an agreement (P3)."))

    def values(self) -> dict[str, Any]:
        """The category's values from the cleaned data (no purpose, source, ...)."""
        return {spec.name: self.cleaned_data.get(spec.name) for spec in FIELDS[self.category]}


class DeleteForm(forms.Form):
    purpose = forms.ChoiceField(label=_("Reason for deleting"))

    def __init__(self, *args: Any, purposes: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["purpose"].choices = [("", "—"), *purposes]  # type: ignore[attr-defined]
