"""Forms for organisations and agreements (P3) with their parties and recipients (D2)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from privacydesk.policy.active import get_policy
from privacydesk.register.models import Agreement, AgreementRecipient, Organisation


class OrganisationForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    coc_number = forms.CharField(label=_("Chamber of commerce number"), max_length=16,
                                 required=False)


class AgreementForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Agreement.KINDS)
    reference = forms.CharField(label=_("Reference"), max_length=64)
    title = forms.CharField(label=_("Title"), max_length=200)
    organisation = forms.ModelChoiceField(label=_("Organisation"), required=False,
                                          queryset=Organisation.objects.all())
    starts_on = forms.DateField(label=_("Starts on"),
                                widget=forms.DateInput(attrs={"type": "date"}))
    ends_on = forms.DateField(label=_("Ends on"), required=False,
                              help_text=_("Empty for an agreement without an end date (SLA)."),
                              widget=forms.DateInput(attrs={"type": "date"}))
    parties = forms.CharField(
        label=_("Parties"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line: a person's e-mail address or their reference."))


class RecipientForm(forms.Form):
    """D2: a third party the agreement says must receive these categories, and why."""

    recipient = forms.CharField(label=_("Recipient"), max_length=200, required=False)
    categories = forms.MultipleChoiceField(label=_("Categories"), required=False,
                                           widget=forms.CheckboxSelectMultiple)
    legal_basis = forms.ChoiceField(label=_("Legal basis"), choices=AgreementRecipient.BASES,
                                    required=False)
    purpose = forms.CharField(label=_("Why the recipient needs the data"), max_length=500,
                              required=False)

    def __init__(self, *args: Any, lang: str = "en", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["categories"].choices = [  # type: ignore[attr-defined]
            (k, c.label(lang)) for k, c in get_policy().categories.items()]

    def row(self) -> dict[str, Any] | None:
        """The recipient as the register service wants it; None for an empty row."""
        data = self.cleaned_data
        if not data.get("recipient"):
            return None
        return {"recipient": data["recipient"], "categories": list(data["categories"]),
                "legal_basis": data["legal_basis"], "purpose": data["purpose"]}


RecipientFormSet = forms.formset_factory(RecipientForm, extra=3, max_num=10)
