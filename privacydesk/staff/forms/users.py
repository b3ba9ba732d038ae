"""Staff management forms (manage_staff). Staff roles are the policy's, nothing else."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import password_validation
from django.utils.translation import gettext_lazy as _

from privacydesk.staff.models import StaffUser
from privacydesk.staff.permissions import staff_role_choices


class StaffCreateForm(forms.Form):
    username = forms.CharField(label=_("User name"), max_length=150)
    email = forms.EmailField(label=_("Work e-mail address"), required=False)
    staff_role = forms.ChoiceField(label=_("Staff role"))
    password = forms.CharField(
        label=_("First password"), strip=False, widget=forms.PasswordInput,
        help_text=_("Give it to the new colleague in person. At the first sign-in they set "
                    "up their authenticator app."))

    def __init__(self, *args: Any, lang: str = "en", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["staff_role"].choices = staff_role_choices(lang)  # type: ignore[attr-defined]

    def clean_username(self) -> str:
        name = str(self.cleaned_data["username"]).strip()
        if StaffUser.objects.filter(username__iexact=name).exists():
            raise forms.ValidationError(_("This user name is taken."))
        return name

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("password") and data.get("username"):
            candidate = StaffUser(username=data["username"], email=data.get("email") or "")
            try:
                password_validation.validate_password(data["password"], candidate)
            except forms.ValidationError as error:
                self.add_error("password", error)
        return data


class StaffEditForm(forms.Form):
    staff_role = forms.ChoiceField(label=_("Staff role"))
    is_active = forms.BooleanField(label=_("Account active"), required=False)

    def __init__(self, *args: Any, lang: str = "en", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["staff_role"].choices = staff_role_choices(lang)  # type: ignore[attr-defined]
