"""Back-office forms: register a disclosure (through the gate) and ask a person's consent.

The forms only shape input; every rule is the gate's or the consent service's, and their
RuleViolation is shown on the field it names (`staff.forms.violations.show_violation`).
"""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from privacydesk.policy.active import get_policy
from privacydesk.staff.views.common import lang

AUTO = "auto"
BASIS_CHOICES = (
    (AUTO, _("Find the basis: a running agreement, else a granted consent")),
    ("agreement", _("An agreement that names the recipient (D1, D2)")),
    ("legal_obligation", _("A legal obligation (D1)")),
    ("consent", _("The person's consent (D3)")),
)


class _Base(forms.Form):
    person = forms.UUIDField(label=_("Person (pseudonymous ref)"))
    recipient = forms.CharField(max_length=200, label=_("Recipient (organisation)"))
    categories = forms.MultipleChoiceField(choices=(), widget=forms.CheckboxSelectMultiple,
                                           label=_("Categories"))
    purpose = forms.ChoiceField(choices=(), label=_("Purpose"))
    #: Only purposes the policy lets rest on this legal basis can be chosen (None: any).
    purpose_basis: str | None = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        policy, language = get_policy(), lang()
        cast(forms.ChoiceField, self.fields["categories"]).choices = [
            (key, c.label(language)) for key, c in policy.categories.items()]
        cast(forms.ChoiceField, self.fields["purpose"]).choices = [
            (key, p.label(language)) for key, p in policy.purposes.items()
            if self.purpose_basis is None or self.purpose_basis in p.bases]


class DisclosureForm(_Base):
    """One disclosure: who, to whom, what, why, and on which basis."""

    basis = forms.ChoiceField(choices=BASIS_CHOICES, initial=AUTO, widget=forms.RadioSelect,
                              label=_("Basis"))
    agreement = forms.CharField(max_length=64, required=False,
                                label=_("Agreement reference (basis: agreement)"))
    legal_obligation = forms.ChoiceField(
        choices=(), required=False, label=_("Legal obligation (basis: legal obligation)"),
        help_text=_("Only the legal obligations the privacy policy declares; the recipient "
                    "and the categories must be the ones it names."))
    consent = forms.UUIDField(required=False, label=_("Consent id (basis: consent)"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # D1: only the legal obligations the policy declares can be chosen (by id).
        cast(forms.ChoiceField, self.fields["legal_obligation"]).choices = [
            ("", "---------")] + [(key, f"{o.label(lang())} ({o.citation})")
                                  for key, o in get_policy().legal_obligations.items()]

    def basis_kwargs(self) -> dict[str, Any]:
        """The gate's keyword for the chosen basis (none for "find the basis")."""
        basis = self.cleaned_data["basis"]
        if basis == AUTO:
            return {}
        # The basis's own field (agreement, legal_obligation, consent) holds its reference.
        value = self.cleaned_data.get(basis)
        return {basis: str(value) if value else ""}


class ConsentForm(_Base):
    """A consent request (D3): the person receives it by e-mail in `language`."""

    explanation = forms.CharField(max_length=500, widget=forms.Textarea(attrs={"rows": 3}),
                                  label=_("What the recipient does with the data (shown to "
                                          "the person)"))
    language = forms.ChoiceField(choices=(("nl", "Nederlands"), ("en", "English")),
                                 initial="nl", label=_("Language of the e-mail"))
    # Art. 6(1)(a): only purposes the policy lets rest on consent can be asked for.
    purpose_basis = "consent"
