"""The staff member's own account settings (issue #15): the back office's language."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from privacydesk.staff.models import STAFF_LANGUAGES


class LanguageForm(forms.Form):
    language = forms.ChoiceField(
        label=_("Language of the back office"), choices=STAFF_LANGUAGES, required=False,
        widget=forms.RadioSelect,
        help_text=_("Without a choice the back office follows your browser's language, "
                    "and Dutch when the browser asks for neither Dutch nor English."))
