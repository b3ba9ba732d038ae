"""Back-office forms for the call queue. Staff pages are in English (the team's language)."""

from __future__ import annotations

from django import forms

from privacydesk.callbacks.models import Outcome


class AttemptForm(forms.Form):
    outcome = forms.ChoiceField(label="Outcome of the call", choices=Outcome.choices)
    note = forms.CharField(label="Note (optional)", max_length=500, required=False)


class EmailForm(forms.Form):
    subject = forms.CharField(label="Subject", max_length=200)
    body = forms.CharField(label="Text", max_length=5000,
                           widget=forms.Textarea(attrs={"rows": 10, "cols": 70}))


class LetterForm(forms.Form):
    body = forms.CharField(label="Text of the letter", max_length=5000,
                           widget=forms.Textarea(attrs={"rows": 10, "cols": 70}))
