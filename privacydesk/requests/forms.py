"""The back-office form for a request that came in by letter, telephone or in person (Rt5).

The form only parses (a date, an e-mail shape, lengths); every rule is in
`intake.file_staff_request`, which the view calls, so the page and the API refuse the same
things with the same field and rule. Labels are in Dutch and English (context "request intake",
so no other page's words change; a literal context, which makemessages can read).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import pgettext_lazy

from privacydesk.policy import clock
from privacydesk.requests import kinds
from privacydesk.requests.models import Channel

# Every call spells the context out ("request intake"): makemessages cannot read a
# variable, and an entry it does not find is never in the catalogue.
CHANNELS = [(Channel.LETTER.value, pgettext_lazy("request intake", "Letter")),
            (Channel.PHONE.value, pgettext_lazy("request intake", "Telephone")),
            (Channel.IN_PERSON.value, pgettext_lazy("request intake", "In person"))]


class StaffRequestForm(forms.Form):
    """Kind, channel, the day it came in, who asked and how to reach them, notes."""

    kind = forms.ChoiceField(label=pgettext_lazy("request intake", "What does the person ask?"))
    channel = forms.ChoiceField(
        label=pgettext_lazy("request intake", "How did the request come in?"), choices=CHANNELS)
    received_on = forms.DateField(
        label=pgettext_lazy("request intake", "Received on"),
        help_text=pgettext_lazy("request intake",
                                "The day the letter, call or visit came in; the clocks "
                                "(one week, one month) run from it."),
        widget=forms.DateInput(attrs={"type": "date"}))
    language = forms.ChoiceField(label=pgettext_lazy("request intake", "Answer in"),
                                 choices=[("nl", "Nederlands"), ("en", "English")])
    name = forms.CharField(label=pgettext_lazy("request intake", "Name of the requester"),
                           max_length=200)
    email = forms.EmailField(label=pgettext_lazy("request intake", "E-mail address"),
                             required=False, max_length=254)
    address = forms.CharField(
        label=pgettext_lazy("request intake", "Postal address"), required=False, max_length=500,
        help_text=pgettext_lazy("request intake",
                                "An e-mail address or a postal address is needed to answer."),
        widget=forms.Textarea(attrs={"rows": 3}))
    identity_checked = forms.CharField(
        label=pgettext_lazy("request intake", "Identity already checked in the call or visit?"),
        required=False, max_length=300,
        help_text=pgettext_lazy("request intake",
                                "Only for a call or a visit: say how you checked who you spoke "
                                "to (no addresses). Then no confirmation e-mail is sent; match "
                                "the person on the request page and mark it verified. Leave "
                                "empty to send the confirmation link to the e-mail address."))
    notes = forms.CharField(label=pgettext_lazy("request intake", "Notes (what was asked, how)"),
                            required=False, max_length=20000,
                            widget=forms.Textarea(attrs={"rows": 5}))

    def __init__(self, *args: Any, lang: str = "nl", **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"received_on": clock.today(), "language": lang})
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [  # type: ignore[attr-defined]
            (k, f"{kinds.label(k, lang)} ({kinds.ARTICLES[k]})") for k in kinds.REQUEST_KINDS]


def received_at(day: date) -> datetime:
    """When a request received on `day` counts as received (Rt6): now for today; else the
    start of that day in the local time zone — the earliest reading, so the clocks never
    run later than the person may expect."""
    if day == clock.today():
        return timezone.now()
    return clock.start_of(day)
