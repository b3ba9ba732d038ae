"""The search and filter form of the staff list of requests (#15); it only parses, the
search itself is requests.listing.find_requests."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from privacydesk.requests import kinds
from privacydesk.requests.listing import OPEN, STATUS_FILTERS
from privacydesk.requests.work import KIND_LABELS


class RequestFilterForm(forms.Form):
    """q: name, e-mail address or reference; status: open (default), one status or all;
    kind: any ("") or one kind."""

    q = forms.CharField(label=_("Name, e-mail address or reference"), required=False,
                        max_length=254, widget=forms.TextInput(attrs={"type": "search"}))
    status = forms.ChoiceField(label=_("Status"), required=False, choices=STATUS_FILTERS,
                               initial=OPEN)
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=[
        ("", _("any kind")), *((k, KIND_LABELS[k]) for k in kinds.ALL_KINDS)])
