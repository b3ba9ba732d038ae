"""Forms for persons, roles and the purpose of a view (Sec4). Choices come from the policy."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from privacydesk.policy.active import get_policy
from privacydesk.register.models import Organisation


def _lang_choices(items: Any, lang: str) -> list[tuple[str, str]]:
    return [(key, item.label(lang)) for key, item in items]


def organisation_field(required: bool = False) -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        queryset=Organisation.objects.all(), required=required, label=_("Organisation"),
        help_text=_("Required for a representative of a company."))


class PurposeForm(forms.Form):
    """Sec4: every view of a person's data names its purpose; the read is audited with it."""

    purpose = forms.ChoiceField(label=_("Purpose of this view"))

    def __init__(self, *args: Any, purposes: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["purpose"].choices = [("", "—"), *purposes]  # type: ignore[attr-defined]


class SearchForm(forms.Form):
    q = forms.CharField(label=_("E-mail address or name"), required=False, max_length=254,
                        widget=forms.TextInput(attrs={"type": "search"}))


class PersonCreateForm(forms.Form):
    """A new person: their first role and name, where the data came from and why (C1, P1..3)."""

    role = forms.ChoiceField(label=_("Role"))
    organisation = organisation_field()
    given_names = forms.CharField(label=_("Given names"), max_length=200)
    infix = forms.CharField(label=_("Name prefix"), max_length=32, required=False)
    family_name = forms.CharField(label=_("Family name"), max_length=200)
    source = forms.ChoiceField(label=_("Source"))
    purpose = forms.ChoiceField(label=_("Purpose"))
    basis = forms.ChoiceField(label=_("Legal basis"))

    def __init__(self, *args: Any, lang: str = "en", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        policy = get_policy()
        for name, table in (("role", policy.roles), ("source", policy.sources),
                            ("purpose", policy.purposes), ("basis", policy.legal_bases)):
            self.fields[name].choices = _lang_choices(table.items(), lang)  # type: ignore[attr-defined]


class RoleAddForm(forms.Form):
    kind = forms.ChoiceField(label=_("Role"))
    organisation = organisation_field()
    started_on = forms.DateField(label=_("Started on"), initial=date.today,
                                 widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, lang: str = "en", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = _lang_choices(get_policy().roles.items(), lang)  # type: ignore[attr-defined]


class RoleEndForm(forms.Form):
    ended_on = forms.DateField(label=_("Ended on"), initial=date.today,
                               widget=forms.DateInput(attrs={"type": "date"}))
