"""The three public forms: contact (P1), data-subject request (Rt5), concern (Sec5).

Each asks only what the privacy statement allows. Every form carries a honeypot field
(`website`) that people never see; a bot that fills it gets the normal thank-you page and
nothing is stored.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from privacydesk.public.validation import (
    no_control_characters,
    no_control_characters_multiline,
    phone_number,
)

HONEYPOT = "website"
REQUEST_KINDS = (
    ("access", _("See my data (access)")),
    ("rectification", _("Correct my data")),
    ("erasure", _("Delete my data")),
    ("portability", _("Receive my data to pass them on")),
    ("restriction", _("Restrict the use of my data")),
    ("objection", _("Object to the use of my data")),
)


def _line(label: Any, max_length: int, required: bool = True, **attrs: str) -> forms.CharField:
    return forms.CharField(label=label, max_length=max_length, required=required,
                           validators=[no_control_characters],
                           widget=forms.TextInput(attrs=attrs))


def _text(label: Any, max_length: int, required: bool = True) -> forms.CharField:
    return forms.CharField(label=label, max_length=max_length, required=required,
                           strip=True, validators=[no_control_characters_multiline],
                           widget=forms.Textarea(attrs={"rows": 6, "cols": 60}))


class HoneypotForm(forms.Form):
    """Adds the hidden `website` field; `is_bot()` is true when it was filled in."""

    website = forms.CharField(label=_("Leave this field empty"), required=False,
                              max_length=200,
                              widget=forms.TextInput(attrs={"tabindex": "-1",
                                                            "autocomplete": "off"}))

    def full_clean(self) -> None:
        super().full_clean()
        # Screen readers announce the error with the field it belongs to.
        for name in self.errors:
            if name in self.fields:
                self.fields[name].widget.attrs.update({
                    "aria-invalid": "true", "aria-describedby": f"id_{name}_error"})

    def is_bot(self) -> bool:
        return bool(self.data.get(HONEYPOT, "").strip())

    def visible_fields(self) -> list[Any]:
        return [f for f in super().visible_fields() if f.name != HONEYPOT]


class ContactForm(HoneypotForm):
    """P1: name, phone, e-mail, optional organisation and message.

    There is no tick box to refuse on (issue #15): the page explains before the button that
    this form is answered by a call to the number given, and the button says "send and call
    me back" — pressing it is the visitor's request for the callback (consent, P1)."""

    given_names = _line(_("First name"), 200, autocomplete="given-name")
    family_name = _line(_("Last name"), 200, autocomplete="family-name")
    phone = _line(_("Telephone number"), 32, autocomplete="tel", inputmode="tel")
    email = forms.EmailField(label=_("E-mail address"), max_length=254,
                             validators=[no_control_characters],
                             widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    organisation = _line(_("Organisation (optional)"), 200, required=False,
                         autocomplete="organization")
    message = _text(_("Your question"), 2000)
    def clean_phone(self) -> str:
        return phone_number(self.cleaned_data["phone"])


class RequestForm(HoneypotForm):
    """Rt5: a request about one's own data, filed for the request workflow."""

    kind = forms.ChoiceField(label=_("What would you like?"), choices=REQUEST_KINDS,
                             widget=forms.RadioSelect)
    name = _line(_("Your name"), 200, autocomplete="name")
    email = forms.EmailField(label=_("E-mail address"), max_length=254,
                             validators=[no_control_characters],
                             widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    message = _text(_("Explanation (optional)"), 2000, required=False)


class ConcernForm(HoneypotForm):
    """Sec5: a concern about misuse or a suspected breach; contact details are optional."""

    description = _text(_("What did you notice?"), 4000)
    name = _line(_("Your name (optional)"), 200, required=False, autocomplete="name")
    email = forms.EmailField(label=_("E-mail address (optional)"), max_length=254,
                             required=False, validators=[no_control_characters],
                             widget=forms.EmailInput(attrs={"autocomplete": "email"}))
