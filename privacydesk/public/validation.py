"""Field checks for the public forms, with messages in the visitor's language.

The register re-checks every value it stores (`privacydesk.register.formats`); these checks
exist so a visitor sees which field is wrong, in Dutch or English, before anything is stored.
"""

from __future__ import annotations

from collections.abc import Callable

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from privacydesk.register.formats import forbidden_character


def _no_control(multiline: bool) -> Callable[[str], None]:
    """A validator refusing control and direction-override characters (line breaks and
    tabs too, unless `multiline`)."""

    def check(value: str) -> None:
        # One rule for the forms and the register (`formats.forbidden_character`): control
        # characters, bidi overrides and text that was not valid UTF-8 can hide or disguise
        # text for the staff member reading it later.
        if forbidden_character(value, multiline=multiline) is not None:
            raise ValidationError(_("This field contains characters that are not allowed."),
                                  code="control")

    return check


no_control_characters = _no_control(multiline=False)
no_control_characters_multiline = _no_control(multiline=True)


def phone_number(value: str, region: str = "NL") -> str:
    """Return `value` in E.164; Dutch numbers may be typed nationally (050 525 90 60)."""
    try:
        number = phonenumbers.parse(value, region)
    except phonenumbers.NumberParseException:
        raise ValidationError(_("Enter a telephone number, for example 050 525 90 60."),
                              code="phone")
    if not phonenumbers.is_valid_number(number):
        raise ValidationError(_("This telephone number does not exist; check the digits."),
                              code="phone")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
