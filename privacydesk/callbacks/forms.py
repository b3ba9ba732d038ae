"""Back-office forms for the call queue, in the staff member's language (issue #15)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from privacydesk.callbacks.models import Outcome


class AttemptForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome of the call"), choices=Outcome.choices)
    note = forms.CharField(label=_("Note (optional)"), max_length=500, required=False)


class EmailForm(forms.Form):
    subject = forms.CharField(label=_("Subject"), max_length=200)
    body = forms.CharField(label=_("Text"), max_length=5000,
                           widget=forms.Textarea(attrs={"rows": 10, "cols": 70}))


class LetterForm(forms.Form):
    body = forms.CharField(label=_("Text of the letter"), max_length=5000,
                           widget=forms.Textarea(attrs={"rows": 10, "cols": 70}))
